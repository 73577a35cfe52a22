//! The installer server's use cases, one file each: look up a ZIP code, find the nearest
//! installers, list an installer's slots, book an installation, cancel a booking, get a
//! booking; and the delivery system's (`delivery`).

mod book;
mod cancel_booking;
mod delivery;
mod find_nearest;
mod get_booking;
mod list_slots;
mod lookup_postal_code;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use tandem_mesh::cache::Snapshot;

use crate::domain::{Booking, Installer, InstallerIndex, Slot};
use crate::error::InstallError;
use crate::store;

pub use delivery::{Deliveries, DeliveryView, ESCROW_TOPIC, Retry, Viewer};
pub use find_nearest::{InstallerMatch, NearestInstallers};

/// The installer server's state: its database and the spatial index over all
/// installers. Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// The install database.
    db: DatabaseConnection,
    /// The spatial index over all installers, rebuilt from the table once stale.
    index: Arc<Snapshot<InstallerIndex>>,
}

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

impl App {
    /// The server over `db`; searches see installer changes within `index_ttl`.
    pub fn new(db: DatabaseConnection, index_ttl: Duration) -> Self {
        Self {
            db,
            index: Arc::new(Snapshot::new(index_ttl)),
        }
    }

    /// The spatial index, rebuilt from the `installer` table when stale.
    async fn index(&self) -> Result<Arc<InstallerIndex>, InstallError> {
        Ok(self
            .index
            .get_or_load(|| async {
                store::load_installers(&self.db)
                    .await
                    .map(InstallerIndex::new)
            })
            .await?)
    }
}

/// `booking` with its installer and slot as `db` has them.
async fn view(db: &impl ConnectionTrait, booking: Booking) -> Result<BookingView, InstallError> {
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

/// Now, in Unix seconds.
fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
