//! The leads server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tandem_mesh::assertion::AssertionError;
use tonic::Status;

use crate::domain::InvalidField;
use crate::domain::acting::{ActingError, NotTheSubject};

/// The one answer to a failed login, whatever failed.
pub const WRONG_LOGIN: &str = "wrong login or password";
/// The answer when an e-mail is registered already.
pub const EMAIL_TAKEN: &str = "a customer with this e-mail is already registered";

/// What can go wrong answering a customer call.
#[derive(Debug, thiserror::Error)]
pub enum LeadsError {
    /// A request field is invalid.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No customer has this ID.
    #[error("no customer with ID {0:?}")]
    CustomerNotFound(String),
    /// Another customer has this e-mail.
    #[error("{EMAIL_TAKEN}")]
    EmailTaken,
    /// No product has this model number.
    #[error("no product with model number {0:?}")]
    ProductNotFound(String),
    /// No lead has this ID (or it is another salesperson's).
    #[error("no lead {0} for this salesperson")]
    LeadNotFound(String),
    /// No salesperson has this ID.
    #[error("no salesperson with ID {0:?}")]
    StaffNotFound(String),
    /// The lead is closed.
    #[error("{0}")]
    LeadClosed(&'static str),
    /// An e-mail template failed to render.
    #[error("rendering an e-mail failed: {0}")]
    Template(#[from] minijinja::Error),
    /// Unknown login or wrong password (deliberately indistinguishable).
    #[error("{WRONG_LOGIN}")]
    WrongLogin,
    /// Hashing a password failed.
    #[error("password hashing failed: {0}")]
    Hashing(#[from] argon2::password_hash::Error),
    /// A blocking task (password hashing) panicked or was cancelled.
    #[error("blocking task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
    /// The end-user assertion is missing, expired, forged or for another kind of user.
    #[error(transparent)]
    Assertion(#[from] AssertionError),
    /// A request field names another user than the one the call is for.
    #[error(transparent)]
    NotTheSubject(#[from] NotTheSubject),
}

impl From<ActingError> for LeadsError {
    fn from(err: ActingError) -> Self {
        match err {
            ActingError::Invalid(e) => e.into(),
            ActingError::NotTheSubject(e) => e.into(),
        }
    }
}

impl From<LeadsError> for Status {
    fn from(err: LeadsError) -> Self {
        match err {
            LeadsError::Invalid(e) => e.into(),
            LeadsError::CustomerNotFound(_)
            | LeadsError::ProductNotFound(_)
            | LeadsError::LeadNotFound(_)
            | LeadsError::StaffNotFound(_) => Status::not_found(err.to_string()),
            LeadsError::LeadClosed(_) => Status::failed_precondition(err.to_string()),
            LeadsError::Template(_) => tandem_mesh::status::internal(&err),
            LeadsError::EmailTaken => Status::already_exists(EMAIL_TAKEN),
            LeadsError::WrongLogin => Status::unauthenticated(WRONG_LOGIN),
            LeadsError::Hashing(_) | LeadsError::Task(_) => tandem_mesh::status::internal(&err),
            LeadsError::Db(e) => tandem_mesh::status::from_db(&e),
            LeadsError::Assertion(e) => e.into(),
            LeadsError::NotTheSubject(_) => Status::permission_denied(err.to_string()),
        }
    }
}
