//! Mapping errors onto `tonic::Status`: codes a caller can act on, field names for bad
//! input (also as `google.rpc.BadRequest` details), and internal details logged with a
//! reference instead of sent.

use sea_orm::{DbErr, SqlErr};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// A request field that failed validation; becomes INVALID_ARGUMENT naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    /// The request field, as named in the contract (e.g. "conditions.driver_age").
    pub field: &'static str,
    /// What is wrong with it, for the caller.
    pub reason: String,
}

impl InvalidField {
    /// `field` is wrong because of `reason`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// `value` trimmed: required, at most `max` characters, none of them control characters
/// (the check of every free-text request field).
pub fn required_text<'a>(
    field: &'static str,
    value: &'a str,
    max: usize,
) -> Result<&'a str, InvalidField> {
    let value = value.trim();
    if value.is_empty() {
        return Err(InvalidField::new(field, "required"));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(InvalidField::new(
            field,
            format!("at most {max} printable characters"),
        ));
    }
    Ok(value)
}

impl From<InvalidField> for Status {
    fn from(err: InvalidField) -> Self {
        invalid_argument(err.field, err.reason)
    }
}

/// INVALID_ARGUMENT naming `field`, with the field violation attached as error details.
pub fn invalid_argument(field: &str, description: impl Into<String>) -> Status {
    let description = description.into();
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {description}"),
        ErrorDetails::with_bad_request_violation(field, description),
    )
}

/// The field violations carried by an INVALID_ARGUMENT status, as (field, description).
pub fn field_violations(status: &Status) -> Vec<(String, String)> {
    status
        .get_details_bad_request()
        .map(|br| {
            br.field_violations
                .into_iter()
                .map(|v| (v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

/// Domain of the `google.rpc.ErrorInfo` details Tandem's servers attach.
pub const ERROR_DOMAIN: &str = "tandem.example";

/// A status with `code` and `message` whose machine-readable `reason` rides along as a
/// `google.rpc.ErrorInfo`, so a caller can tell apart answers that share a code.
pub fn with_reason(code: Code, reason: &str, message: impl Into<String>) -> Status {
    Status::with_error_details(
        code,
        message,
        ErrorDetails::with_error_info(reason, ERROR_DOMAIN, std::collections::HashMap::new()),
    )
}

/// The machine-readable reason a Tandem server gave with `status`, if any.
pub fn reason(status: &Status) -> Option<String> {
    status
        .get_details_error_info()
        .filter(|info| info.domain == ERROR_DOMAIN)
        .map(|info| info.reason)
}

/// INTERNAL with an opaque reference; the real cause is logged under that reference.
pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Status {
    let reference = uuid::Uuid::new_v4().simple().to_string();
    tracing::error!(error = %cause, debug = ?cause, reference, "internal error");
    Status::internal(format!("internal error (reference {reference})"))
}

/// The status for a database error: a unique-key clash is ALREADY_EXISTS, a lost
/// connection UNAVAILABLE (retryable), anything else INTERNAL.
pub fn from_db(err: &DbErr) -> Status {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            return Status::already_exists("a record with the same key already exists");
        }
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
            return Status::failed_precondition("a referenced record does not exist");
        }
        _ => {}
    }
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
            tracing::warn!(error = %err, "database unavailable");
            Status::unavailable("database unavailable, retry later")
        }
        other => internal(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_argument_names_the_field_in_message_and_details() {
        let status = invalid_argument("driver_age", "must be between 16 and 99");
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "driver_age: must be between 16 and 99");
        assert_eq!(
            field_violations(&status),
            vec![(
                "driver_age".to_owned(),
                "must be between 16 and 99".to_owned()
            )]
        );
    }

    #[test]
    fn free_text_is_trimmed_required_bounded_and_printable() {
        assert_eq!(required_text("name", "  Ada ", 10), Ok("Ada"));
        assert_eq!(
            required_text("name", "  ", 10).unwrap_err().reason,
            "required"
        );
        for bad in ["x".repeat(11), "a\u{7}b".to_owned()] {
            let err = required_text("name", &bad, 10).unwrap_err();
            assert_eq!(
                (err.field, err.reason.as_str()),
                ("name", "at most 10 printable characters")
            );
        }
    }

    #[test]
    fn internal_hides_the_cause() {
        let cause = std::io::Error::other("password=hunter2");
        let status = internal(&cause);
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("hunter2"));
    }

    #[test]
    fn a_reason_is_read_back_from_the_details() {
        let status = with_reason(Code::Unavailable, "CARD_PROCESSOR_UNAVAILABLE", "no answer");
        assert_eq!(status.code(), Code::Unavailable);
        assert_eq!(
            reason(&status).as_deref(),
            Some("CARD_PROCESSOR_UNAVAILABLE")
        );
        assert_eq!(reason(&Status::unavailable("down")), None);
    }

    #[test]
    fn lost_connection_is_unavailable() {
        let err = DbErr::Conn(sea_orm::RuntimeErr::Internal("gone".into()));
        assert_eq!(from_db(&err).code(), Code::Unavailable);
    }
}
