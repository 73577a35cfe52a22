//! Sending the item (`ShipItem`): verified → awaiting item.

use tandem_proto::buyback::v1::ApplicationState;

use super::{App, ApplicationView, Result, Step, advance, state};

impl App {
    /// The user sends the item: verified → awaiting item (a replay returns it as is).
    pub async fn ship(&self, id: &str, customer: &str) -> Result<ApplicationView> {
        let app = self.mine(id, customer).await?;
        if state(&app)? == ApplicationState::AwaitingItem {
            return self.view(app).await;
        }
        let step = Step::to(
            ApplicationState::AwaitingItem,
            "the user is sending the item",
        );
        let app = advance(&self.db, app, step).await?;
        self.view(app).await
    }
}
