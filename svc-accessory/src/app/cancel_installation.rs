//! CancelInstallation: the customer cancels the installation booking of their order;
//! the installer server cancels it first, then the order keeps the appointment as
//! cancelled.

use std::time::Duration;

use chrono::Utc;
use tandem_proto::accessory::v1::CancelInstallationRequest;

use super::App;
use crate::domain::installation;
use crate::domain::order::Order;
use crate::error::AccessoryError;
use crate::store::installation as bookings;
use crate::store::order as orders;

impl App {
    /// Cancels the installation of the customer's order (a cancelled one is answered as
    /// it is); the installer server is given at most `caller_budget` a call.
    pub async fn cancel_installation(
        &self,
        request: CancelInstallationRequest,
        caller_budget: Duration,
    ) -> Result<Order, AccessoryError> {
        let number = super::order_number(&request.order_number)?;
        let current = orders::find_for(&self.db, &number, &request.customer_id).await?;
        let budget = self.installer_budget(caller_budget);
        if let Some(booking) = installation::installation_to_cancel(&current)? {
            self.cancel_at_installer(&booking, "cancelled by the customer", budget)
                .await?;
            bookings::mark_cancelled(&self.db, &booking, Utc::now()).await?;
            tracing::info!(order = %number, booking, "installation cancelled");
        }
        if let Err(err) = self.cancel_replaced(number.as_str(), budget).await {
            tracing::warn!(order = %number, %err, "replaced bookings stay to cancel");
        }
        orders::find_for(&self.db, &number, &request.customer_id).await
    }
}
