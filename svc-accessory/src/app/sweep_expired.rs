//! The background loop: returns the stock of reservations left unpaid past their hold
//! and of anonymous orders unpaid for a day, cancels at the installer server the bookings
//! that reschedules replaced but could not cancel, and drops verification counters whose
//! window is over.

use std::time::Duration;

use tandem_mesh::CancellationToken;

use super::App;
use crate::store;

/// How often expired reservations are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Sweeps every 30 s until `shutdown` is cancelled.
pub async fn run(app: App, shutdown: CancellationToken) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(SWEEP_EVERY) => {}
        }
        let now = chrono::Utc::now();
        match store::order::sweep_expired(&app.db, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "expired reservations cancelled, stock returned"),
            Err(err) => tracing::warn!(%err, "sweeping expired reservations failed"),
        }
        match app.sweep_unpaid(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                count = n,
                "unpaid anonymous orders cancelled, stock returned"
            ),
            Err(err) => tracing::warn!(%err, "sweeping unpaid anonymous orders failed"),
        }
        match app.sweep_replaced_bookings().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "replaced installation bookings cancelled"),
            Err(err) => tracing::warn!(%err, "cancelling replaced installation bookings failed"),
        }
        if let Err(err) = store::buyback::sweep_throttle(&app.db, now).await {
            tracing::warn!(%err, "sweeping verification counters failed");
        }
    }
}
