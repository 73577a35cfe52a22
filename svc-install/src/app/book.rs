//! `BookInstallation`: book a free slot for a device order, idempotently. One transaction
//! (through `idempotency::once`, which records the key in it) checks the slot, flips it
//! from available to booked with a conditional update — of two concurrent bookings
//! exactly one sees the row change — and inserts the booking.

use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::install::v1::BookInstallationRequest;

use super::{App, BookingView, now, view};
use crate::domain::{BookingDraft, Refusal, Slot, check_bookable};
use crate::error::InstallError;
use crate::store;

/// Idempotency scope of `BookInstallation`.
const BOOK_SCOPE: &str = "install.book";

impl App {
    /// Books the request's slot. A replay of a request already served (same key, same
    /// request) returns that booking as it is now.
    pub async fn book(&self, req: &BookInstallationRequest) -> Result<BookingView, InstallError> {
        let draft = BookingDraft::parse(req)?;
        let key = &Key::with_fingerprint(
            BOOK_SCOPE,
            &draft.idempotency_key,
            draft.fingerprint.clone(),
        )?;
        let now = now();
        let booked = idempotency::once(
            &self.db,
            key,
            |txn| async move {
                let slot = store::slot(&txn, &draft.slot_id)
                    .await?
                    .ok_or_else(|| InstallError::not_found("slot", &draft.slot_id))?;
                let installer = store::installer(&txn, &slot.installer_id)
                    .await?
                    .ok_or_else(|| InstallError::not_found("installer", &slot.installer_id))?;
                check_bookable(&slot, &installer, draft.category, now)?;
                if !store::take_slot(&txn, &slot.slot_id).await? {
                    return Err(Refusal::SlotBooked(slot.slot_id).into());
                }
                let booking =
                    store::insert_booking(&txn, &draft, &installer.installer_id, now).await?;
                let booked = BookingView {
                    booking,
                    installer,
                    slot: Slot {
                        available: false,
                        ..slot
                    },
                };
                Ok(Done::new(txn, booked.booking.booking_id.clone(), booked))
            },
            |booking_id| self.recorded_booking(booking_id),
        )
        .await;
        match booked {
            // The slot may have been taken by a retry of this very request since the
            // first look. `once` replays a racing first use when the clash is on the key;
            // here it surfaced earlier, as the slot already booked, so look at the key.
            Err(InstallError::Refused(Refusal::SlotBooked(slot_id))) => {
                match idempotency::recall_key::<InstallError>(&self.db, key).await? {
                    idempotency::Seen::Replay(booking_id) => {
                        self.recorded_booking(booking_id).await
                    }
                    idempotency::Seen::New => Err(Refusal::SlotBooked(slot_id).into()),
                }
            }
            outcome => outcome,
        }
    }

    /// The booking `booking_id` that an idempotency record names, as it is now.
    async fn recorded_booking(&self, booking_id: String) -> Result<BookingView, InstallError> {
        let booking = store::booking(&self.db, &booking_id)
            .await?
            .ok_or_else(|| {
                sea_orm::DbErr::Custom(format!(
                    "idempotency record names missing booking {booking_id}"
                ))
            })?;
        view(&self.db, booking).await
    }
}
