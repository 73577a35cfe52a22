//! The buy-back server's errors and their gRPC status codes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::DbErr;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::domain::lock::{self, ATTEMPTS_REMAINING, LOCKED_UNTIL};
use crate::domain::{InvalidField, NotAllowed};

/// What can go wrong answering a buy-back call.
#[derive(Debug, thiserror::Error)]
pub enum BuybackError {
    /// A request field is invalid (nothing was written).
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// The center does not buy this model.
    #[error("we do not buy {0} (not in our price table)")]
    NotPriced(String),
    /// No such application for this customer (the same answer for both).
    #[error("no such buy-back application")]
    NotFound,
    /// The application's state does not allow the change.
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
    /// The sales center refused the verification (bad input, too many attempts).
    #[error("sales center: {}", .0.message())]
    SalesCenter(Status),
    /// The sales center did not confirm the order number and personal data; nothing was
    /// stored, the failure was counted.
    #[error("{}", lock::not_verified_message(*.attempts_remaining, *.locked_until))]
    NotVerified {
        /// Failed verifications left before applying is locked.
        attempts_remaining: u32,
        /// When applying opens again, once locked.
        locked_until: Option<DateTime<Utc>>,
    },
    /// Too many failed verifications: applying is locked until then.
    #[error("{}", lock::locked_message(*.0))]
    Locked(DateTime<Utc>),
    /// The sales center could not be reached; nothing was stored.
    #[error(
        "the sales center could not be reached to verify the purchase; nothing was stored; retry with the same idempotency_key"
    )]
    SalesCenterUnavailable,
    /// A staff login or password is wrong (the same answer for an unknown login).
    #[error("wrong staff login or password")]
    WrongLogin,
    /// The asserted staff member is not an active member of the center's staff.
    #[error("not an active member of the buy-back center's staff")]
    NotStaff,
    /// Another staff member has this e-mail.
    #[error("another staff member has this e-mail")]
    EmailTaken,
    /// A request field names another customer than the asserted one.
    #[error("{0} names another customer than the one this call is made for")]
    OtherCustomer(&'static str),
    /// A stored row is not what the code expects.
    #[error("inconsistent buy-back data: {0}")]
    Inconsistent(String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<BuybackError> for Status {
    fn from(err: BuybackError) -> Self {
        match err {
            BuybackError::Invalid(e) => e.into(),
            BuybackError::NotPriced(_) | BuybackError::NotFound => {
                Status::not_found(err.to_string())
            }
            BuybackError::NotAllowed(_) => Status::failed_precondition(err.to_string()),
            // The sales center's answer to the user's input is passed on: the field it
            // names (e.g. a mistyped order_number) or "too many attempts".
            BuybackError::SalesCenter(status) => match status.code() {
                Code::InvalidArgument => {
                    match tandem_mesh::status::field_violations(&status).first() {
                        Some((field, description)) => {
                            tandem_mesh::status::invalid_argument(field, description.clone())
                        }
                        None => Status::invalid_argument(status.message().to_owned()),
                    }
                }
                code => Status::new(code, status.message().to_owned()),
            },
            BuybackError::NotVerified {
                attempts_remaining,
                locked_until,
            } => attempts(
                Code::FailedPrecondition,
                lock::REASON_NOT_VERIFIED,
                err.to_string(),
                attempts_remaining,
                locked_until,
            ),
            BuybackError::Locked(until) => attempts(
                Code::ResourceExhausted,
                lock::REASON_LOCKED,
                err.to_string(),
                0,
                Some(until),
            ),
            BuybackError::SalesCenterUnavailable => Status::unavailable(err.to_string()),
            BuybackError::WrongLogin => Status::unauthenticated(err.to_string()),
            BuybackError::EmailTaken => Status::already_exists(err.to_string()),
            BuybackError::NotStaff | BuybackError::OtherCustomer(_) => {
                Status::permission_denied(err.to_string())
            }
            BuybackError::Inconsistent(_) => tandem_mesh::status::internal(&err),
            BuybackError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}

/// A status whose `google.rpc.ErrorInfo` carries `reason` and the attempts left (and,
/// once locked, until when).
fn attempts(
    code: Code,
    reason: &str,
    message: String,
    remaining: u32,
    locked_until: Option<DateTime<Utc>>,
) -> Status {
    let mut metadata = HashMap::from([(ATTEMPTS_REMAINING.to_owned(), remaining.to_string())]);
    if let Some(until) = locked_until {
        metadata.insert(
            LOCKED_UNTIL.to_owned(),
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
    }
    Status::with_error_details(
        code,
        message,
        ErrorDetails::with_error_info(reason, tandem_mesh::status::ERROR_DOMAIN, metadata),
    )
}
