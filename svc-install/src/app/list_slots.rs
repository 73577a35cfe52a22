//! `ListSlots`: an installer's free slots that have not started.

use tandem_proto::install::v1::ListSlotsRequest;

use super::{App, now};
use crate::domain::{Slot, SlotsQuery};
use crate::error::InstallError;
use crate::store;

impl App {
    /// The installer's available future slots, earliest first.
    pub async fn list_slots(&self, req: &ListSlotsRequest) -> Result<Vec<Slot>, InstallError> {
        let query = SlotsQuery::parse(req)?;
        store::installer(&self.db, &query.installer_id)
            .await?
            .ok_or_else(|| InstallError::not_found("installer", &query.installer_id))?;
        Ok(store::next_slots(&self.db, &query.installer_id, now(), query.limit).await?)
    }
}
