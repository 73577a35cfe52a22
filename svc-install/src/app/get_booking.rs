//! `GetBooking`: one booking with its installer and slot.

use super::{App, BookingView, view};
use crate::domain::InvalidField;
use crate::error::InstallError;
use crate::store;

impl App {
    /// The booking `booking_id` (surrounding blanks ignored).
    pub async fn get_booking(&self, booking_id: &str) -> Result<BookingView, InstallError> {
        let booking_id = booking_id.trim();
        if booking_id.is_empty() {
            return Err(InvalidField::new("booking_id", "required").into());
        }
        let booking = store::booking(&self.db, booking_id)
            .await?
            .ok_or_else(|| InstallError::not_found("booking", booking_id))?;
        view(&self.db, booking).await
    }
}
