//! A salesperson with their current load.

use super::App;
use crate::domain::Staff;
use crate::domain::staff::parse_staff_id;
use crate::error::LeadsError;
use crate::store::staff;

/// A salesperson with their current load.
#[derive(Clone, Debug)]
pub struct StaffView {
    /// The salesperson.
    pub staff: Staff,
    /// Leads new, e-mailed or acknowledged.
    pub open_leads: u32,
}

impl App {
    /// One salesperson with their load.
    pub async fn get_staff(&self, staff_id: &str) -> Result<StaffView, LeadsError> {
        let id = parse_staff_id(staff_id)?;
        let found = staff::by_id(&self.db, &id)
            .await?
            .ok_or(LeadsError::StaffNotFound(id))?;
        self.staff_view(found).await
    }

    /// `s` with their number of open leads.
    pub(super) async fn staff_view(&self, s: Staff) -> Result<StaffView, LeadsError> {
        let open = staff::open_leads(&self.db).await?;
        Ok(StaffView {
            open_leads: open.get(&s.staff_id).copied().unwrap_or(0),
            staff: s,
        })
    }

    /// Fails with [`LeadsError::StaffNotFound`] unless salesperson `id` (parsed) exists.
    pub(super) async fn staff_exists(&self, id: &str) -> Result<(), LeadsError> {
        match staff::by_id(&self.db, id).await? {
            Some(_) => Ok(()),
            None => Err(LeadsError::StaffNotFound(id.to_owned())),
        }
    }
}
