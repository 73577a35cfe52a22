//! Booking and cancelling: the order of the checks around the store's transactions, and
//! the idempotent replay of a booking request.

use sea_orm::{DatabaseConnection, DbErr};
use tandem_mesh::idempotency;

use crate::domain::{
    Booking, BookingDraft, CancelRequest, Installer, Refusal, Slot, check_bookable,
};
use crate::error::InstallError;
use crate::store::{self, Insert};

/// A booking with its installer and slot as they are now.
#[derive(Debug)]
pub struct BookingView {
    /// The booking.
    pub booking: Booking,
    /// Its installer.
    pub installer: Installer,
    /// Its slot.
    pub slot: Slot,
}

/// Books `draft` at `now` (Unix seconds). A replay of a request already served (same key,
/// same fingerprint) returns that booking as it is now.
pub async fn book(
    db: &DatabaseConnection,
    draft: &BookingDraft,
    now: i64,
) -> Result<BookingView, InstallError> {
    if let Some(done) = replay(db, draft).await? {
        return Ok(done);
    }
    let slot = store::slot(db, &draft.slot_id)
        .await?
        .ok_or_else(|| InstallError::not_found("slot", &draft.slot_id))?;
    let installer = store::installer(db, &slot.installer_id)
        .await?
        .ok_or_else(|| InstallError::not_found("installer", &slot.installer_id))?;
    let refusal = match check_bookable(&slot, &installer, draft.category, now) {
        Ok(()) => match store::insert_booking(db, draft, &installer.installer_id, now).await? {
            Insert::Booked(booking) => return view(db, *booking).await,
            Insert::SlotTaken | Insert::KeyTaken => Refusal::SlotBooked(draft.slot_id.clone()),
        },
        Err(refusal) => refusal,
    };
    // The slot may have been taken by a retry of this very request since the first look.
    if matches!(refusal, Refusal::SlotBooked(_))
        && let Some(done) = replay(db, draft).await?
    {
        return Ok(done);
    }
    Err(refusal.into())
}

/// Cancels a booking (idempotently: a cancelled one is returned unchanged).
pub async fn cancel(
    db: &DatabaseConnection,
    req: &CancelRequest,
    now: i64,
) -> Result<BookingView, InstallError> {
    store::cancel(db, &req.booking_id, &req.reason, now).await?;
    get(db, &req.booking_id).await
}

/// One booking.
pub async fn get(db: &DatabaseConnection, booking_id: &str) -> Result<BookingView, InstallError> {
    let booking = store::booking(db, booking_id)
        .await?
        .ok_or_else(|| InstallError::not_found("booking", booking_id))?;
    view(db, booking).await
}

/// The booking already made with the draft's key, or the key-reuse error.
async fn replay(
    db: &DatabaseConnection,
    draft: &BookingDraft,
) -> Result<Option<BookingView>, InstallError> {
    match store::booking_by_key(db, &draft.idempotency_key).await? {
        Some((booking, fingerprint)) if fingerprint == draft.fingerprint => {
            Ok(Some(view(db, booking).await?))
        }
        Some(_) => Err(idempotency::key_reused().into()),
        None => Ok(None),
    }
}

async fn view(db: &DatabaseConnection, booking: Booking) -> Result<BookingView, InstallError> {
    let missing =
        |what: &str| DbErr::Custom(format!("booking {} has no {what}", booking.booking_id));
    let installer = store::installer(db, &booking.installer_id)
        .await?
        .ok_or_else(|| missing("installer"))?;
    let slot = store::slot(db, &booking.slot_id)
        .await?
        .ok_or_else(|| missing("slot"))?;
    Ok(BookingView {
        booking,
        installer,
        slot,
    })
}
