//! The customer's account as the REST API shows it: purchases, e-mails, a policy schedule.

use serde::Serialize;
use tandem_proto::insurance::v1 as insurance;
use tandem_proto::leads::v1 as leads;
use utoipa::ToSchema;

use super::checkouts::{Checkout, Conditions};
use super::{Address, Money};

/// A customer's purchases, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseList {
    /// Completed checkouts (and those refunded), each with its order, policy, appointment
    /// and cancellations.
    pub purchases: Vec<Checkout>,
}

/// The e-mails sent to a customer, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailList {
    /// One per e-mail.
    pub mail: Vec<MailItem>,
}

/// One e-mail to the customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailItem {
    /// Message-ID.
    pub message_id: String,
    /// receipt, appointment or other.
    pub kind: String,
    /// Subject line.
    pub subject: String,
    /// The checkout ID or order number it is about.
    pub reference: String,
    /// When it was queued (RFC 3339).
    pub queued_at: String,
    /// When it was sent (RFC 3339); empty until then.
    pub sent_at: String,
    /// queued, sent, failed or cancelled.
    pub status: String,
}

impl From<leads::ListCustomerMailResponse> for MailList {
    fn from(r: leads::ListCustomerMailResponse) -> Self {
        Self {
            mail: r
                .mail
                .into_iter()
                .map(|m| MailItem {
                    kind: mail_kind(m.kind()).into(),
                    status: mail_status(m.status()).into(),
                    message_id: m.message_id,
                    subject: m.subject,
                    reference: m.reference,
                    queued_at: m.queued_at,
                    sent_at: m.sent_at,
                })
                .collect(),
        }
    }
}

/// The REST name of an e-mail's kind.
fn mail_kind(kind: leads::CustomerMailKind) -> &'static str {
    match kind {
        leads::CustomerMailKind::Receipt => "receipt",
        leads::CustomerMailKind::Appointment => "appointment",
        leads::CustomerMailKind::Unspecified => "other",
    }
}

/// The REST name of an e-mail's delivery state.
fn mail_status(status: leads::CustomerMailStatus) -> &'static str {
    match status {
        leads::CustomerMailStatus::Queued | leads::CustomerMailStatus::Unspecified => "queued",
        leads::CustomerMailStatus::Sent => "sent",
        leads::CustomerMailStatus::Failed => "failed",
        leads::CustomerMailStatus::Cancelled => "cancelled",
    }
}

/// A policy schedule: who and what is covered, on which conditions, for how much.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySchedule {
    /// E.g. "POL-2026-000123".
    pub policy_number: String,
    /// The plan.
    pub plan_name: String,
    /// Cover included.
    pub coverages: Vec<String>,
    /// The policyholder.
    pub policyholder: Policyholder,
    /// The vehicle covered.
    pub vehicle: VehicleCovered,
    /// What the premium was rated on.
    pub conditions: Conditions,
    /// Annual premium before any discount.
    pub premium: Money,
    /// Premium charged.
    pub premium_due: Money,
    /// The bundle discount, if one was granted.
    pub discount: Option<String>,
    /// First day of cover.
    pub start_date: String,
    /// Last day of cover.
    pub end_date: String,
    /// When it was contracted (RFC 3339).
    pub contracted_at: String,
    /// Last day it can be cancelled with a refund (YYYY-MM-DD).
    pub cooling_off_ends: String,
    /// Whether it was cancelled.
    pub cancelled: bool,
    /// When (RFC 3339), if it was.
    pub cancelled_at: String,
}

/// The policyholder named on a schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct Policyholder {
    /// Full name.
    pub name: String,
    /// YYYY-MM-DD.
    pub date_of_birth: String,
    /// Address.
    pub address: Address,
}

/// The vehicle named on a schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct VehicleCovered {
    /// Maker.
    pub make: String,
    /// Model.
    pub model: String,
    /// Model year.
    pub year: u32,
    /// Licence plate; may be empty.
    pub plate: String,
    /// VIN; may be empty.
    pub vin: String,
}

impl From<insurance::GetPolicyResponse> for PolicySchedule {
    fn from(r: insurance::GetPolicyResponse) -> Self {
        let policy = r.policy.unwrap_or_default();
        let quote = r.quote.unwrap_or_default();
        let plan = quote.plan.unwrap_or_default();
        let holder = policy.policyholder.unwrap_or_default();
        let vehicle = policy.vehicle.unwrap_or_default();
        Self {
            policy_number: policy.policy_number,
            plan_name: plan.name,
            coverages: plan.coverages,
            policyholder: Policyholder {
                name: holder.name,
                date_of_birth: holder.date_of_birth,
                address: holder.address.unwrap_or_default().into(),
            },
            vehicle: VehicleCovered {
                make: vehicle.make,
                model: vehicle.model,
                year: vehicle.year,
                plate: vehicle.plate,
                vin: vehicle.vin,
            },
            conditions: Conditions::from_proto(&quote.conditions.unwrap_or_default()),
            premium: quote.premium.unwrap_or_default().into(),
            premium_due: quote.premium_due.unwrap_or_default().into(),
            discount: quote.discount.map(|d| d.description),
            start_date: policy.start_date,
            end_date: policy.end_date,
            contracted_at: policy.contracted_at,
            cooling_off_ends: policy.cooling_off_ends,
            cancelled: policy.cancelled,
            cancelled_at: policy.cancelled_at,
        }
    }
}
