//! `CancelBooking`: cancel a booking and free its slot in one transaction.

use tandem_proto::install::v1::CancelBookingRequest;

use super::{App, BookingView, now};
use crate::domain::CancelRequest;
use crate::error::InstallError;
use crate::store;

impl App {
    /// Cancels a booking (idempotently: a cancelled one is returned unchanged).
    pub async fn cancel_booking(
        &self,
        req: &CancelBookingRequest,
    ) -> Result<BookingView, InstallError> {
        let req = CancelRequest::parse(req)?;
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        if store::cancel(&txn, &req.booking_id, &req.reason, now()).await? {
            txn.commit().await?;
        } else {
            // Unknown or cancelled already: nothing to change.
            txn.rollback().await?;
        }
        self.get_booking(&req.booking_id).await
    }
}
