//! `FindNearestInstallers`: the installers nearest a ZIP code that fit a device
//! category, each with its next free slots.

use futures::future::try_join_all;
use tandem_proto::install::v1::FindNearestInstallersRequest;

use super::{App, now};
use crate::domain::{Installer, NearestQuery, Place, Slot};
use crate::error::InstallError;
use crate::store;

/// The answer to a nearest-installer search.
#[derive(Debug)]
pub struct NearestInstallers {
    /// The place searched from.
    pub origin: Place,
    /// Nearest first.
    pub matches: Vec<InstallerMatch>,
}

/// One installer found, with its distance and next free slots.
#[derive(Debug)]
pub struct InstallerMatch {
    /// The installer.
    pub installer: Installer,
    /// Great-circle distance from the origin, whole metres.
    pub distance_m: u32,
    /// Its next available slots, earliest first.
    pub next_slots: Vec<Slot>,
}

impl App {
    /// The installers nearest the request's ZIP code, with their next slots.
    pub async fn find_nearest(
        &self,
        req: &FindNearestInstallersRequest,
    ) -> Result<NearestInstallers, InstallError> {
        let query = NearestQuery::parse(req)?;
        let index = self.index().await?;
        let ranked = index.nearest(query.origin.location, query.category, query.limit);
        let now = now();
        let slots = try_join_all(ranked.iter().map(|r| {
            store::next_slots(
                &self.db,
                &r.installer.installer_id,
                now,
                query.slots_per_installer,
            )
        }))
        .await?;
        let matches = ranked
            .iter()
            .zip(slots)
            .map(|(r, next_slots)| InstallerMatch {
                installer: r.installer.clone(),
                distance_m: r.distance_m,
                next_slots,
            })
            .collect();
        Ok(NearestInstallers {
            origin: query.origin,
            matches,
        })
    }
}
