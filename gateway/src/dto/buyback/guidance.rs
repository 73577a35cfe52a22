//! What a buy-back application tells the customer to do next — where to send the
//! device, where the money goes, what the inspection changed — and the problem document
//! of an application whose purchase the sales center did not confirm.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_proto::EnumSlug;
use tandem_proto::buyback::v1 as pb;
use utoipa::ToSchema;

use crate::dto::{Address, Money};
use crate::problem::{PROBLEM_JSON, Problem};

/// Where and how to send the device (while the center waits for it).
#[derive(Debug, Serialize, ToSchema)]
pub struct Shipping {
    /// The prepaid label's reference to quote at a carrier's counter, e.g. "LBL-3F2A9C41D07E".
    pub label_reference: String,
    /// Who the parcel is addressed to.
    pub recipient: String,
    /// The buy-back center's receiving address.
    pub address: Address,
    /// What to do, in words.
    pub instructions: String,
}

/// Where the buy-back price and the benefit are paid.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutDestination {
    /// The account credited, e.g. "customer:CUS-…".
    pub account: String,
    /// Whose account it is, in words.
    pub account_holder: String,
    /// How to take the money out of it.
    pub how_to_withdraw: String,
}

/// What the inspection changed: the declared condition against the grade found.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeChange {
    /// The grade from the questionnaire.
    pub declared_grade: String,
    /// The questionnaire's answers in words.
    pub declared_condition: String,
    /// The grade found at inspection.
    pub inspected_grade: String,
    /// The instant estimate.
    pub estimate: Money,
    /// The price offered for the grade found.
    pub offer: Money,
    /// Offer − estimate (negative: less is offered).
    pub difference: Money,
    /// What the inspector found.
    pub inspector_note: String,
    /// Who inspected (staff ID).
    pub inspected_by: String,
}

fn grade(g: i32) -> String {
    pb::Grade::try_from(g).unwrap_or_default().slug().to_owned()
}

fn money(m: Option<tandem_proto::common::v1::Money>) -> Money {
    Money::from(m.unwrap_or_default())
}

impl From<pb::ShippingInstructions> for Shipping {
    fn from(s: pb::ShippingInstructions) -> Self {
        Self {
            label_reference: s.label_reference,
            recipient: s.recipient,
            address: s.address.unwrap_or_default().into(),
            instructions: s.instructions,
        }
    }
}

impl From<pb::PayoutDestination> for PayoutDestination {
    fn from(p: pb::PayoutDestination) -> Self {
        Self {
            account: p.account,
            account_holder: p.account_holder,
            how_to_withdraw: p.how_to_withdraw,
        }
    }
}

impl From<pb::GradeChange> for GradeChange {
    fn from(c: pb::GradeChange) -> Self {
        Self {
            declared_grade: grade(c.declared_grade),
            declared_condition: c.declared_condition,
            inspected_grade: grade(c.inspected_grade),
            estimate: money(c.estimate),
            offer: money(c.offer),
            difference: money(c.difference),
            inspector_note: c.inspector_note,
            inspected_by: c.inspected_by,
        }
    }
}

/// `ErrorInfo` reason of svc-buyback for a purchase the sales center did not confirm.
const REASON_NOT_VERIFIED: &str = "PURCHASE_NOT_VERIFIED";
/// `ErrorInfo` reason of svc-buyback when applying is locked after failed verifications.
const REASON_LOCKED: &str = "VERIFICATION_LOCKED";

/// A problem document (409 or 429) for an application whose order number and personal
/// data the sales center did not confirm: nothing was stored; how many attempts remain
/// before applying is locked, and until when it is locked.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationProblem {
    /// The problem: 409 not confirmed (fix the fields and try again), 429 locked.
    #[serde(flatten)]
    pub problem: Problem,
    /// Failed verifications left before applying is locked (0: locked).
    pub attempts_remaining: u32,
    /// When applying is possible again (RFC 3339), once locked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
}

impl VerificationProblem {
    /// The problem for `status`, if it is a failed verification or a lock of svc-buyback.
    pub fn from_status(status: &tonic::Status) -> Option<Self> {
        let info = rpc::error_info(status.details())
            .filter(|i| i.domain == tandem_mesh::status::ERROR_DOMAIN)?;
        if info.reason != REASON_NOT_VERIFIED && info.reason != REASON_LOCKED {
            return None;
        }
        Some(Self {
            problem: Problem::from_status("buyback", status),
            attempts_remaining: info
                .metadata
                .get("attempts_remaining")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
            locked_until: info.metadata.get("locked_until").cloned(),
        })
    }
}

impl IntoResponse for VerificationProblem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::CONFLICT);
        let mut response = (status, axum::Json(&self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// The `google.rpc.ErrorInfo` in a status's details, decoded with prost (the messages
/// of `google/rpc/status.proto` and `error_details.proto`, as far as needed).
mod rpc {
    use std::collections::HashMap;

    use prost::Message;

    /// `google.rpc.Status`.
    #[derive(Clone, PartialEq, Message)]
    struct Status {
        #[prost(int32, tag = "1")]
        code: i32,
        #[prost(string, tag = "2")]
        message: String,
        #[prost(message, repeated, tag = "3")]
        details: Vec<Any>,
    }

    /// `google.protobuf.Any`.
    #[derive(Clone, PartialEq, Message)]
    struct Any {
        #[prost(string, tag = "1")]
        type_url: String,
        #[prost(bytes = "vec", tag = "2")]
        value: Vec<u8>,
    }

    /// `google.rpc.ErrorInfo`.
    #[derive(Clone, PartialEq, Message)]
    pub struct ErrorInfo {
        /// The machine-readable reason.
        #[prost(string, tag = "1")]
        pub reason: String,
        /// Who gave it.
        #[prost(string, tag = "2")]
        pub domain: String,
        /// Its details.
        #[prost(map = "string, string", tag = "3")]
        pub metadata: HashMap<String, String>,
    }

    /// The first `ErrorInfo` in a status's encoded `details`, if any.
    pub fn error_info(details: &[u8]) -> Option<ErrorInfo> {
        let status = Status::decode(details).ok()?;
        status
            .details
            .iter()
            .find(|any| any.type_url.ends_with("/google.rpc.ErrorInfo"))
            .and_then(|any| ErrorInfo::decode(any.value.as_slice()).ok())
    }
}
