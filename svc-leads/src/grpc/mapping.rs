//! Domain records as contract messages.

use chrono::{DateTime, SecondsFormat, Utc};
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1 as pb;

use crate::app::{ConsentOverview, CustomerMail, Delivery, MailKind, StaffView};
use crate::domain::consent::ConsentDecision;
use crate::domain::customer::Possessed;
use crate::domain::lead::Lead;
use crate::domain::{Customer, ProductInfo, Purpose, Rule};

/// RFC 3339 with milliseconds, UTC.
pub fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A customer with the products they own.
pub fn customer(c: &Customer, owned: &[Possessed]) -> pb::Customer {
    pb::Customer {
        customer_id: c.customer_id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        address: Some(c.address.to_msg()),
        date_of_birth: c.date_of_birth.format("%Y-%m-%d").to_string(),
        created_at: time(&c.created_at),
        updated_at: time(&c.updated_at),
        office: c.office.clone(),
        section: c.section.clone(),
        office_phone: c.office_phone.clone(),
        assigned_staff_id: c.assigned_staff_id.clone().unwrap_or_default(),
        possessed_products: owned.iter().map(possessed).collect(),
    }
}

/// A possessed product.
pub fn possessed(p: &Possessed) -> pb::PossessedProduct {
    pb::PossessedProduct {
        model_number: p.model_number.clone(),
        name: p.name.clone(),
        product_line: p.product_line.clone(),
        acquired_at: time(&p.acquired_at),
        order_number: p.order_number.clone(),
    }
}

/// Product information.
pub fn product(p: &ProductInfo) -> pb::ProductInfo {
    pb::ProductInfo {
        model_number: p.model_number.clone(),
        name: p.name.clone(),
        product_line: p.product_line.clone(),
        info_number: p.info_number.clone(),
        special_note: p.special_note.clone(),
        description: p.description.clone(),
        related: p
            .related
            .iter()
            .map(|r| pb::RelatedItem {
                kind: r.kind.to_proto() as i32,
                model_number: r.model_number.clone(),
                name: r.name.clone(),
                note: r.note.clone(),
            })
            .collect(),
        product_id: p.product_id.clone().unwrap_or_default(),
        maker: p.maker.clone(),
        list_price: p.list_price.as_ref().map(|(minor, currency)| Money {
            minor_units: *minor,
            currency: currency.clone(),
        }),
    }
}

/// A lead.
pub fn lead(l: &Lead) -> pb::Lead {
    let c = &l.customer;
    pb::Lead {
        lead_id: l.lead_id.clone(),
        kind: l.kind.to_proto() as i32,
        status: l.status.to_proto() as i32,
        customer: Some(pb::LeadCustomer {
            customer_id: c.customer_id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            address: Some(c.address.to_msg()),
            office: c.office.clone(),
            section: c.section.clone(),
            office_phone: c.office_phone.clone(),
        }),
        model_number: l.model_number.clone(),
        product_name: l.product_name.clone(),
        comment: l.comment.clone(),
        actions: l.actions.iter().map(|a| a.to_proto() as i32).collect(),
        staff_id: l.staff_id.clone().unwrap_or_default(),
        staff_name: l.staff_name.clone(),
        routing_rule: rule(l.rule) as i32,
        routing_reason: l.routing_reason.clone(),
        created_at: time(&l.created_at),
        updated_at: time(&l.updated_at),
        acknowledged_at: l.acknowledged_at.as_ref().map(time).unwrap_or_default(),
        closed_at: l.closed_at.as_ref().map(time).unwrap_or_default(),
        details: l.details.clone(),
        reference: l.reference.clone().unwrap_or_default(),
        contact_phone: l.contact_phone.clone(),
        contact_email: l.contact_email.clone(),
    }
}

fn rule(r: Rule) -> pb::RoutingRule {
    match r {
        Rule::AssignedStaff => pb::RoutingRule::AssignedStaff,
        Rule::AreaAndProductLine => pb::RoutingRule::AreaAndProductLine,
        Rule::Area => pb::RoutingRule::Area,
        Rule::DefaultOwner => pb::RoutingRule::DefaultOwner,
        Rule::Unrouted => pb::RoutingRule::Unrouted,
    }
}

/// A consent decision.
pub fn consent(d: &ConsentDecision) -> pb::ConsentRecord {
    pb::ConsentRecord {
        consent_id: d.consent_id.clone(),
        customer_id: d.customer_id.clone(),
        purpose: d.purpose.to_proto() as i32,
        granted: d.granted,
        wording_version: d.wording_version.clone(),
        recorded_at: time(&d.recorded_at),
        source: d.source.clone(),
    }
}

/// The consents of a customer.
pub fn consents(o: &ConsentOverview) -> pb::GetConsentsResponse {
    pb::GetConsentsResponse {
        consents: o
            .standing
            .iter()
            .map(
                |(purpose, last): &(Purpose, Option<ConsentDecision>)| pb::ConsentState {
                    purpose: purpose.to_proto() as i32,
                    granted: last.as_ref().is_some_and(|d| d.granted),
                    wording: purpose.wording().to_owned(),
                    wording_version: purpose.wording_version().to_owned(),
                    last: last.as_ref().map(consent),
                },
            )
            .collect(),
        history: o.history.iter().map(consent).collect(),
    }
}

/// A salesperson.
pub fn staff(v: &StaffView) -> pb::Staff {
    let s = &v.staff;
    pb::Staff {
        staff_id: s.staff_id.clone(),
        name: s.name.clone(),
        email: s.email.clone(),
        area_codes: s.area_codes.clone(),
        product_lines: s.product_lines.clone(),
        capacity: s.capacity,
        active: s.active,
        open_leads: v.open_leads,
    }
}

/// The answer to acknowledging or closing a lead.
pub fn lead_action(l: &Lead) -> pb::LeadActionResponse {
    pb::LeadActionResponse {
        lead: Some(lead(l)),
    }
}

/// An e-mail to a customer.
pub fn customer_mail(m: &CustomerMail) -> pb::CustomerMail {
    let kind = match m.kind {
        MailKind::Receipt => pb::CustomerMailKind::Receipt,
        MailKind::Appointment => pb::CustomerMailKind::Appointment,
        MailKind::Other => pb::CustomerMailKind::Unspecified,
    };
    let status = match m.delivery {
        Delivery::Queued => pb::CustomerMailStatus::Queued,
        Delivery::Sent => pb::CustomerMailStatus::Sent,
        Delivery::Failed => pb::CustomerMailStatus::Failed,
        Delivery::Cancelled => pb::CustomerMailStatus::Cancelled,
    };
    pb::CustomerMail {
        message_id: m.message_id.clone(),
        kind: kind as i32,
        subject: m.subject.clone(),
        queued_at: time(&m.queued_at),
        sent_at: m.sent_at.as_ref().map(time).unwrap_or_default(),
        status: status as i32,
        reference: m.reference.clone(),
        to: m.to.clone(),
    }
}
