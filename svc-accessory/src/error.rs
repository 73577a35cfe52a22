//! The accessory server's errors and their gRPC status codes.

use sea_orm::DbErr;
use tonic::Status;

use crate::domain::InvalidField;
use crate::domain::throttle;

/// What can go wrong answering a call of the accessory seller.
#[derive(Debug, thiserror::Error)]
pub enum AccessoryError {
    /// A request field is invalid.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// No device has this ID.
    #[error("no product with ID {0:?}")]
    ProductNotFound(String),
    /// The device has too few units left.
    #[error("product {0} is out of stock")]
    OutOfStock(String),
    /// No such order for this customer (the same answer for both).
    #[error("no such order for this customer")]
    OrderNotFound,
    /// The order's status does not allow the change.
    #[error(transparent)]
    NotAllowed(#[from] crate::domain::order::NotAllowed),
    /// Too many purchase verifications on the order number or by the caller; the window
    /// opens again after this long.
    #[error("{}", throttle::refusal(*.0))]
    Throttled(chrono::Duration),
    /// The account server did not confirm that the payment pays this order, or could
    /// not be asked: nothing changed.
    #[error("{refusal}: order {order_number} is not confirmed")]
    Payment {
        /// Why.
        refusal: tandem_mesh::payments::PaymentRefusal,
        /// The order.
        order_number: String,
    },
    /// This server was given no key to check end-user assertions, so it cannot tell who
    /// a purchase verification is for.
    #[error("this sales center checks no end-user assertions, so it verifies no purchases")]
    NoUserAssertions,
    /// The request names another customer than the one the call is for.
    #[error("this call is for customer {0}; it cannot act for another customer")]
    OtherCustomer(String),
    /// The installer server refused or failed.
    #[error("installer server: {}", .0.message())]
    Installer(Status),
    /// The installer server could not be reached or did not answer in time.
    #[error("the installer server cannot be reached ({0}); nothing changed, retry")]
    InstallerUnavailable(String),
    /// The order has shipped, so it cannot be cancelled.
    #[error(transparent)]
    Shipped(#[from] crate::domain::order::Shipped),
    /// The order changed while the call was working on it (a concurrent cancellation,
    /// shipment or booking); nothing of this call was kept.
    #[error("{0}; retry")]
    Conflict(&'static str),
    /// The seller has begun shipping the order: it can no longer be cancelled.
    #[error("the seller has shipped this order; it can no longer be cancelled")]
    NotCancellable,
    /// No such order of this seller (unknown and another seller's alike).
    #[error("no such order of this seller")]
    SellerOrderNotFound,
    /// No such report for this seller.
    #[error("no such report for this seller")]
    ReportNotFound,
    /// No such purchase request of this purchaser (the same answer for both).
    #[error("request_id: no such purchase request of yours; search again")]
    RequestNotFound,
    /// No seller has this ID (administration).
    #[error("no seller {0:?}; register it with UpsertSeller first")]
    SellerNotFound(String),
    /// The caller is no seller of the broker.
    #[error("{0} is not a seller of the broker")]
    NotASeller(String),
    /// The seller login or password is wrong (the same answer for both).
    #[error("wrong seller login or password")]
    BadLogin,
    /// The order cannot be shipped now.
    #[error("cannot ship: {0}")]
    NotShippable(&'static str),
    /// The account server or the delivery system refused or failed.
    #[error("{}", .0.message())]
    Peer(Status),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<AccessoryError> for Status {
    fn from(err: AccessoryError) -> Self {
        match err {
            AccessoryError::Invalid(e) => e.into(),
            AccessoryError::ProductNotFound(_) => Status::not_found(err.to_string()),
            AccessoryError::OutOfStock(_) | AccessoryError::NotAllowed(_) => {
                Status::failed_precondition(err.to_string())
            }
            AccessoryError::OrderNotFound => Status::not_found(err.to_string()),
            AccessoryError::Payment { ref refusal, .. } => match refusal.code() {
                tonic::Code::Internal => tandem_mesh::status::internal(&err),
                code => Status::new(code, err.to_string()),
            },
            AccessoryError::Throttled(_) => Status::resource_exhausted(err.to_string()),
            AccessoryError::NoUserAssertions => Status::failed_precondition(err.to_string()),
            AccessoryError::OtherCustomer(_) => Status::permission_denied(err.to_string()),
            // The installer's own answer (e.g. a taken slot) is passed on with its code.
            AccessoryError::Installer(status) => {
                Status::new(status.code(), status.message().to_owned())
            }
            AccessoryError::InstallerUnavailable(_) => Status::unavailable(err.to_string()),
            AccessoryError::Shipped(_) => tandem_mesh::status::with_reason(
                tonic::Code::FailedPrecondition,
                tandem_proto::accessory::v1::REASON_ORDER_SHIPPED,
                err.to_string(),
            ),
            AccessoryError::Conflict(_) => Status::aborted(err.to_string()),
            AccessoryError::ReportNotFound
            | AccessoryError::SellerOrderNotFound
            | AccessoryError::RequestNotFound
            | AccessoryError::SellerNotFound(_) => Status::not_found(err.to_string()),
            AccessoryError::NotASeller(_) => Status::permission_denied(err.to_string()),
            AccessoryError::BadLogin => Status::unauthenticated(err.to_string()),
            AccessoryError::NotShippable(_) | AccessoryError::NotCancellable => {
                Status::failed_precondition(err.to_string())
            }
            // A peer's answer (e.g. no address sealed yet) is passed on with its code and
            // details; a peer that cannot be reached is UNAVAILABLE here too.
            AccessoryError::Peer(status) => status,
            AccessoryError::Db(e) => tandem_mesh::status::from_db(&e),
        }
    }
}
