//! The user's answer to a counteroffer (`RespondToCounteroffer`): accepted, the offer is
//! paid; declined, the item is returned and the order freed for another application.

use sea_orm::ActiveValue::Set;
use tandem_proto::buyback::v1::ApplicationState;

use super::{App, ApplicationView, Result, Step, advance, pay, state};
use crate::store::entity::application;

impl App {
    /// The user's answer to a counteroffer: accepted (then paid) or declined (returned).
    /// A replay of the same answer returns the application as it is.
    pub async fn respond(&self, id: &str, customer: &str, accept: bool) -> Result<ApplicationView> {
        let app = self.mine(id, customer).await?;
        let current = state(&app)?;
        let done = if accept {
            matches!(
                current,
                ApplicationState::Inspected | ApplicationState::Paid | ApplicationState::Reported
            ) && app.inspected_grade.is_some()
        } else {
            current == ApplicationState::Returned
        };
        if done {
            return self.view(app).await;
        }
        let app = if accept {
            let step = Step::to(ApplicationState::Inspected, "counteroffer accepted")
                .queueing(pay::payout_message(&app.application_id));
            let app = advance(&self.db, app, step).await?;
            self.pay(app).await?
        } else {
            let step = Step::to(
                ApplicationState::Returned,
                "counteroffer declined; item returned",
            )
            .setting(application::ActiveModel {
                reason: Set("You declined the offer; the item is sent back to you.".into()),
                ..Default::default()
            })
            .releasing_claim();
            advance(&self.db, app, step).await?
        };
        self.view(app).await
    }
}
