//! Reads and writes of leads.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::corrupt;
use super::entity::lead;
use crate::domain::lead::{Lead, LeadCustomer};
use crate::domain::{Address, LeadKind, LeadStatus, RequestedAction, Rule};

/// Which leads to list.
#[derive(Clone, Debug, Default)]
pub struct LeadFilter {
    /// Only this salesperson's.
    pub staff_id: Option<String>,
    /// Only these statuses (all when empty).
    pub statuses: Vec<LeadStatus>,
    /// Only these kinds (all when empty).
    pub kinds: Vec<LeadKind>,
    /// Only leads changed after this.
    pub updated_after: Option<DateTime<Utc>>,
}

/// Where a page starts: after this (created_at, lead_id), newest first.
pub type Cursor = (DateTime<Utc>, String);

/// Stores a new lead.
pub async fn insert(db: &impl ConnectionTrait, l: &Lead) -> Result<(), DbErr> {
    let c = &l.customer;
    lead::Entity::insert(lead::ActiveModel {
        lead_id: Set(l.lead_id.clone()),
        kind: Set(l.kind.as_str().to_owned()),
        status: Set(l.status.as_str().to_owned()),
        customer_id: Set(c.customer_id.clone()),
        customer_name: Set(c.name.clone()),
        customer_email: Set(c.email.clone()),
        customer_phone: Set(c.phone.clone()),
        address_line1: Set(c.address.line1.clone()),
        address_line2: Set(c.address.line2.clone()),
        city: Set(c.address.city.clone()),
        region: Set(c.address.region.clone()),
        postal_code: Set(c.address.postal_code.clone()),
        country: Set(c.address.country.clone()),
        office: Set(c.office.clone()),
        section: Set(c.section.clone()),
        office_phone: Set(c.office_phone.clone()),
        contact_phone: Set(l.contact_phone.clone()),
        contact_email: Set(l.contact_email.clone()),
        model_number: Set(l.model_number.clone()),
        product_name: Set(l.product_name.clone()),
        comment: Set(l.comment.clone()),
        actions: Set(l
            .actions
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        details: Set(l.details.join("\n")),
        reference: Set(l.reference.clone()),
        staff_id: Set(l.staff_id.clone()),
        staff_name: Set(l.staff_name.clone()),
        routing_rule: Set(l.rule.as_str().to_owned()),
        routing_reason: Set(l.routing_reason.chars().take(400).collect()),
        created_at: Set(l.created_at),
        updated_at: Set(l.updated_at),
        acknowledged_at: Set(l.acknowledged_at),
        closed_at: Set(l.closed_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One lead by (upper-case) ID.
pub async fn by_id(db: &impl ConnectionTrait, lead_id: &str) -> Result<Option<Lead>, DbErr> {
    lead::Entity::find_by_id(lead_id.to_owned())
        .one(db)
        .await?
        .map(to_lead)
        .transpose()
}

/// Writes a lead's status and its timestamps.
pub async fn set_status(db: &impl ConnectionTrait, l: &Lead) -> Result<(), DbErr> {
    lead::Entity::update_many()
        .set(lead::ActiveModel {
            status: Set(l.status.as_str().to_owned()),
            updated_at: Set(l.updated_at),
            acknowledged_at: Set(l.acknowledged_at),
            closed_at: Set(l.closed_at),
            ..Default::default()
        })
        .filter(lead::Column::LeadId.eq(l.lead_id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// A new lead becomes e-mailed once its e-mail was accepted (other statuses stay).
pub async fn mark_emailed(
    db: &impl ConnectionTrait,
    lead_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    lead::Entity::update_many()
        .col_expr(
            lead::Column::Status,
            Expr::value(LeadStatus::Emailed.as_str()),
        )
        .col_expr(lead::Column::UpdatedAt, Expr::value(now))
        .filter(lead::Column::LeadId.eq(lead_id))
        .filter(lead::Column::Status.eq(LeadStatus::New.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the customer has an open interest lead for `model_number`.
pub async fn open_interest(
    db: &impl ConnectionTrait,
    customer_id: &str,
    model_number: &str,
) -> Result<bool, DbErr> {
    Ok(lead::Entity::find()
        .filter(lead::Column::CustomerId.eq(customer_id))
        .filter(lead::Column::Kind.eq(LeadKind::Interest.as_str()))
        .filter(lead::Column::ModelNumber.eq(model_number))
        .filter(lead::Column::Status.is_in(LeadStatus::OPEN.map(LeadStatus::as_str)))
        .count(db)
        .await?
        > 0)
}

/// Leads matching `filter`, newest first, at most `limit` after `after`; and how many
/// match in all.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &LeadFilter,
    after: Option<&Cursor>,
    limit: u64,
) -> Result<(Vec<Lead>, u64), DbErr> {
    let mut cond = Condition::all();
    if let Some(staff) = &filter.staff_id {
        cond = cond.add(lead::Column::StaffId.eq(staff.as_str()));
    }
    if !filter.statuses.is_empty() {
        cond = cond.add(lead::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    if !filter.kinds.is_empty() {
        cond = cond.add(lead::Column::Kind.is_in(filter.kinds.iter().map(|k| k.as_str())));
    }
    if let Some(t) = filter.updated_after {
        cond = cond.add(lead::Column::UpdatedAt.gt(t));
    }
    let total = lead::Entity::find().filter(cond.clone()).count(db).await?;
    if let Some((at, id)) = after {
        cond = cond.add(
            Condition::any().add(lead::Column::CreatedAt.lt(*at)).add(
                Condition::all()
                    .add(lead::Column::CreatedAt.eq(*at))
                    .add(lead::Column::LeadId.lt(id.as_str())),
            ),
        );
    }
    let rows = lead::Entity::find()
        .filter(cond)
        .order_by_desc(lead::Column::CreatedAt)
        .order_by_desc(lead::Column::LeadId)
        .limit(limit)
        .all(db)
        .await?;
    Ok((
        rows.into_iter().map(to_lead).collect::<Result<_, _>>()?,
        total,
    ))
}

fn to_lead(r: lead::Model) -> Result<Lead, DbErr> {
    let kind = LeadKind::parse(&r.kind).ok_or_else(|| corrupt("lead.kind", &r.kind))?;
    let status = LeadStatus::parse(&r.status).ok_or_else(|| corrupt("lead.status", &r.status))?;
    let rule = Rule::parse(&r.routing_rule)
        .ok_or_else(|| corrupt("lead.routing_rule", &r.routing_rule))?;
    let actions = r
        .actions
        .split(',')
        .filter(|a| !a.is_empty())
        .map(|a| RequestedAction::parse(a).ok_or_else(|| corrupt("lead.actions", a)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Lead {
        lead_id: r.lead_id,
        kind,
        status,
        customer: LeadCustomer {
            customer_id: r.customer_id,
            name: r.customer_name,
            email: r.customer_email,
            phone: r.customer_phone,
            address: Address {
                line1: r.address_line1,
                line2: r.address_line2,
                city: r.city,
                region: r.region,
                postal_code: r.postal_code,
                country: r.country,
            },
            office: r.office,
            section: r.section,
            office_phone: r.office_phone,
        },
        contact_phone: r.contact_phone,
        contact_email: r.contact_email,
        model_number: r.model_number,
        product_name: r.product_name,
        comment: r.comment,
        actions,
        details: r
            .details
            .split('\n')
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
        reference: r.reference,
        staff_id: r.staff_id,
        staff_name: r.staff_name,
        rule,
        routing_reason: r.routing_reason,
        created_at: r.created_at,
        updated_at: r.updated_at,
        acknowledged_at: r.acknowledged_at,
        closed_at: r.closed_at,
    })
}
