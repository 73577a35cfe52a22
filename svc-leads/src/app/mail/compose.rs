//! What goes to whom: the e-mail telling a salesperson about a lead (the customer's own
//! e-mails are `to_customer`'s), rendered from the templates when it is queued. Pure: no
//! I/O.

use serde::Serialize;

use super::templates;
use crate::domain::customer::Possessed;
use crate::domain::lead::Lead;
use crate::domain::{LeadKind, ProductInfo, RelatedKind, address_line};
use crate::store::outbox::{Audience, NewMail};

/// Who e-mails come from and who gets a copy.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// The From mailbox, e.g. `Tandem sales desk <sales-desk@tandem.example>`.
    pub from: String,
    /// The administrator who receives a copy of every e-mail to staff (seed 001's
    /// variation), and unroutable leads.
    pub admin_copy: Option<String>,
}

impl MailSettings {
    /// The domain Message-IDs are made in: the From address's.
    pub(super) fn domain(&self) -> &str {
        self.from
            .rsplit('@')
            .next()
            .map(|d| d.trim_end_matches('>').trim())
            .filter(|d| !d.is_empty())
            .unwrap_or("tandem.invalid")
    }
}

/// A customer as e-mails show them.
#[derive(Serialize)]
struct CustomerView {
    customer_id: String,
    name: String,
    email: String,
    phone: String,
    address: String,
    office: String,
    section: String,
    office_phone: String,
}

/// A product as e-mails show it.
#[derive(Serialize)]
struct ProductView {
    name: String,
    model_number: String,
    info_number: String,
    special_note: String,
}

/// Related items of one kind.
#[derive(Serialize)]
struct RelatedGroup {
    label: &'static str,
    items: Vec<RelatedView>,
}

#[derive(Serialize)]
struct RelatedView {
    name: String,
    model_number: String,
    note: String,
}

#[derive(Serialize)]
struct PossessedView {
    name: String,
    model_number: String,
    acquired_on: String,
}

/// Everything the staff templates may use.
#[derive(Serialize)]
struct StaffContext {
    subject: String,
    lead_id: String,
    staff_name: String,
    customer: CustomerView,
    product: Option<ProductView>,
    related: Vec<RelatedGroup>,
    actions: Vec<&'static str>,
    contact_phone: String,
    contact_email: String,
    comment: String,
    changes: Vec<String>,
    possessed: Vec<PossessedView>,
    lines: Vec<String>,
    total: String,
    reference: String,
    order_number: String,
}

/// What a staff e-mail adds to its lead.
#[derive(Default)]
pub struct StaffExtras<'a> {
    /// The product the lead is about, with its related items.
    pub product: Option<&'a ProductInfo>,
    /// The products the customer owns (registration updates).
    pub possessed: &'a [Possessed],
    /// Purchase lines, as sentences.
    pub lines: Vec<String>,
    /// Total paid, formatted.
    pub total: String,
    /// The order number of a purchase.
    pub order_number: String,
}

/// The e-mail telling the salesperson about `lead` (to `staff_email`, copy to the
/// administrator); to the administrator alone when the lead is unrouted; None when
/// nobody can receive it.
pub fn staff_message(
    settings: &MailSettings,
    lead: &Lead,
    staff_email: Option<&str>,
    purpose: &str,
    extras: &StaffExtras<'_>,
) -> Result<Option<NewMail>, minijinja::Error> {
    let admin = settings.admin_copy.clone();
    let (to, cc) = match (staff_email, admin) {
        (Some(staff), admin) => (vec![staff.to_owned()], admin.into_iter().collect()),
        (None, Some(admin)) => (vec![admin], Vec::new()),
        (None, None) => return Ok(None),
    };
    let customer = &lead.customer;
    let product_name = extras
        .product
        .map_or(lead.product_name.as_str(), |p| p.name.as_str());
    let subject = match lead.kind {
        LeadKind::Contact => format!("Contact request: {} about {product_name}", customer.name),
        LeadKind::RegistrationUpdate => format!("Registration update: {}", customer.name),
        LeadKind::Purchase => format!("Purchase: {} bought {product_name}", customer.name),
        LeadKind::Interest => format!("Interest: {} is looking at {product_name}", customer.name),
    };
    let context = StaffContext {
        subject: subject.clone(),
        lead_id: lead.lead_id.clone(),
        staff_name: if lead.staff_name.is_empty() {
            "sales desk".to_owned()
        } else {
            lead.staff_name.clone()
        },
        customer: CustomerView {
            customer_id: customer.customer_id.clone(),
            name: customer.name.clone(),
            email: customer.email.clone(),
            phone: customer.phone.clone(),
            address: address_line(&customer.address),
            office: customer.office.clone(),
            section: customer.section.clone(),
            office_phone: customer.office_phone.clone(),
        },
        product: extras.product.map(|p| ProductView {
            name: p.name.clone(),
            model_number: p.model_number.clone(),
            info_number: p.info_number.clone(),
            special_note: p.special_note.clone(),
        }),
        related: extras.product.map(related_groups).unwrap_or_default(),
        actions: lead.actions.iter().map(|a| a.label()).collect(),
        contact_phone: lead.contact_phone.clone(),
        contact_email: lead.contact_email.clone(),
        comment: lead.comment.clone(),
        changes: lead.details.clone(),
        possessed: extras
            .possessed
            .iter()
            .map(|p| PossessedView {
                name: p.name.clone(),
                model_number: p.model_number.clone(),
                acquired_on: p.acquired_at.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        lines: extras.lines.clone(),
        total: extras.total.clone(),
        reference: lead.reference.clone().unwrap_or_default(),
        order_number: extras.order_number.clone(),
    };
    let (text, html) = templates::render(lead.kind.as_str(), &context)?;
    Ok(Some(NewMail {
        message_id: format!("{}.staff@{}", lead.lead_id, settings.domain()),
        lead_id: Some(lead.lead_id.clone()),
        customer_id: customer.customer_id.clone(),
        purpose: purpose.to_owned(),
        template: lead.kind.as_str().to_owned(),
        audience: Audience::Staff,
        reference: lead.reference.clone().unwrap_or_default(),
        from: settings.from.clone(),
        to,
        cc,
        subject,
        text,
        html,
    }))
}

fn related_groups(p: &ProductInfo) -> Vec<RelatedGroup> {
    [
        (RelatedKind::Option, "Options"),
        (RelatedKind::Consumable, "Consumables"),
        (RelatedKind::Attachment, "Attachments"),
    ]
    .into_iter()
    .filter_map(|(kind, label)| {
        let items: Vec<RelatedView> = p
            .related_of(kind)
            .map(|r| RelatedView {
                name: r.name.clone(),
                model_number: r.model_number.clone(),
                note: r.note.clone(),
            })
            .collect();
        (!items.is_empty()).then_some(RelatedGroup { label, items })
    })
    .collect()
}

/// Minor units as "USD 219.00" (no decimals for currencies without minor units).
pub fn money(minor: i64, currency: &str) -> String {
    if matches!(currency, "JPY" | "KRW") {
        return format!("{currency} {minor}");
    }
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{currency} {sign}{}.{:02}", abs / 100, abs % 100)
}
