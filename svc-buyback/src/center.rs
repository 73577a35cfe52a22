//! The buy-back procedures: applying (the sales center verifies), sending the item,
//! inspection and counteroffers, and paying price + benefit in one settlement payout.
//! Rules live in `domain`, data access in `store`; delivery of results in `outbox`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;
use tandem_mesh::idempotency::{self, Seen};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory};
use tandem_proto::buyback::v1::{ApplicationState as S, Grade};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{PayoutLine, PayoutRequest};
use tokio::sync::Notify;
use tonic::Status;
use tonic::transport::Channel;

use crate::domain::{self, Inspection, InvalidField, UsedItem};
use crate::error::BuybackError;
use crate::store::entity::application::{self, Model as App};
use crate::store::{self, Change};

mod submit;

/// The buy-back center's procedures over its database and its peers.
#[derive(Clone)]
pub struct Center {
    /// The buy-back database.
    pub(crate) db: DatabaseConnection,
    /// The sales center (svc-accessory), which verifies purchases and records results.
    pub(crate) sales_center: SalesCenterClient<Channel>,
    /// The account server, which pays price + benefit.
    pub(crate) settlement: SettlementClient<Channel>,
    /// Deadline of one call to a peer.
    pub(crate) call_timeout: Duration,
    /// Wakes the outbox worker when a result is queued.
    pub(crate) wake: Arc<Notify>,
}

type Result<T> = std::result::Result<T, BuybackError>;

impl Center {
    /// The user sends the item: verified → awaiting item (a replay returns it as is).
    pub async fn ship(&self, id: &str, customer: &str) -> Result<App> {
        let app = self.mine(id, customer).await?;
        if state(&app)? == S::AwaitingItem {
            return Ok(app);
        }
        self.step(
            app,
            S::AwaitingItem,
            Change {
                note: "the user is sending the item".into(),
                ..Change::default()
            },
        )
        .await
    }

    /// Records the inspected grade: the estimate stands (and is paid) or a counteroffer
    /// is made. A replay with the same grade returns the application as it is.
    pub async fn inspect(&self, id: &str, grade: Grade, note: &str) -> Result<App> {
        if grade == Grade::Unspecified {
            return Err(InvalidField::new("grade", "required: A, B, C or D").into());
        }
        if note.chars().count() > 500 {
            return Err(InvalidField::new("note", "at most 500 characters").into());
        }
        let app = self.get(id).await?;
        if state(&app)? != S::AwaitingItem && app.inspected_grade.as_deref() == Some(grade.slug()) {
            return Ok(app);
        }
        let declared = Grade::from_slug(&app.declared_grade).unwrap_or_default();
        let table = store::price_table(&self.db).await?;
        let item = item_of(&app);
        let found_price = table.price(&item, grade).map_or(0, |p| p.price_minor);
        let mut set = application::ActiveModel {
            inspected_grade: Set(Some(grade.slug().into())),
            inspection_note: Set(note.trim().into()),
            ..Default::default()
        };
        let app = match domain::inspect(declared, app.estimate_minor, grade, found_price) {
            Inspection::Confirmed { price_minor } => {
                set.offer_minor = Set(Some(price_minor));
                let note = format!("inspected: grade {} as declared or better", grade.slug());
                self.step(
                    app,
                    S::Inspected,
                    Change {
                        set,
                        note,
                        ..Change::default()
                    },
                )
                .await?
            }
            Inspection::Counteroffer { price_minor } => {
                set.offer_minor = Set(Some(price_minor));
                let note = format!(
                    "inspected: grade {} (declared {}); counteroffer made",
                    grade.slug(),
                    declared.slug()
                );
                return self
                    .step(
                        app,
                        S::Counteroffered,
                        Change {
                            set,
                            note,
                            ..Change::default()
                        },
                    )
                    .await;
            }
        };
        Ok(self.pay(app).await)
    }

    /// The user's answer to a counteroffer: accepted (then paid) or declined (returned).
    pub async fn respond(&self, id: &str, customer: &str, accept: bool) -> Result<App> {
        let app = self.mine(id, customer).await?;
        let current = state(&app)?;
        let done = if accept {
            matches!(current, S::Inspected | S::Paid | S::Reported) && app.inspected_grade.is_some()
        } else {
            current == S::Returned
        };
        if done {
            return Ok(app);
        }
        if !accept {
            return self
                .step(
                    app,
                    S::Returned,
                    Change {
                        set: application::ActiveModel {
                            reason: Set(
                                "You declined the offer; the item is sent back to you.".into()
                            ),
                            ..Default::default()
                        },
                        note: "counteroffer declined; item returned".into(),
                        release_claim: true,
                        ..Change::default()
                    },
                )
                .await;
        }
        let app = self
            .step(
                app,
                S::Inspected,
                Change {
                    note: "counteroffer accepted".into(),
                    ..Change::default()
                },
            )
            .await?;
        Ok(self.pay(app).await)
    }

    /// Pays an inspected application's price and benefit in ONE settlement payout and
    /// queues the result for the sales center. A failure leaves it inspected for the
    /// worker to retry (the payout's idempotency key makes the retry safe).
    pub async fn pay(&self, app: App) -> App {
        match self.try_pay(&app).await {
            Ok(paid) => paid,
            Err(err) => {
                tracing::warn!(application = %app.application_id, error = %err, "payout failed; will retry");
                app
            }
        }
    }

    async fn try_pay(&self, app: &App) -> Result<App> {
        if state(app)? != S::Inspected {
            return Ok(app.clone());
        }
        let price = app.offer_minor.unwrap_or(app.estimate_minor);
        let money = |minor_units| {
            Some(Money {
                minor_units,
                currency: app.currency.clone(),
            })
        };
        let mut lines = Vec::new();
        if price > 0 {
            lines.push(PayoutLine {
                funder_account: domain::PRICE_FUNDER.into(),
                amount: money(price),
                reference: format!("buy-back price {}", app.application_id),
            });
        }
        if app.benefit_minor > 0 {
            lines.push(PayoutLine {
                funder_account: domain::BENEFIT_FUNDER.into(),
                amount: money(app.benefit_minor),
                reference: format!("buy-back benefit for order {}", app.order_number),
            });
        }
        let payout = PayoutRequest {
            idempotency_key: format!("{}:payout", app.application_id),
            payee_id: app.customer_id.clone(),
            lines,
            reference: app.application_id.clone(),
        };
        let paid = tokio::time::timeout(
            self.call_timeout + Duration::from_millis(250),
            self.settlement
                .clone()
                .payout(tandem_mesh::client::request(payout, self.call_timeout)),
        )
        .await
        .map_err(|_| BuybackError::Inconsistent("settlement did not answer in time".into()))?
        .map_err(|s: Status| BuybackError::Inconsistent(format!("settlement: {}", s.message())))?
        .into_inner()
        .payout
        .unwrap_or_default();
        let total = paid.total.map_or(0, |m| m.minor_units);
        let change = Change {
            set: application::ActiveModel {
                payout_id: Set(Some(paid.payout_id.clone())),
                total_paid_minor: Set(total),
                paid_at: Set(Some(now())),
                ..Default::default()
            },
            note: format!(
                "price and benefit paid together (payout {})",
                paid.payout_id
            ),
            enqueue_result: true,
            ..Change::default()
        };
        let app = self.step(app.clone(), S::Paid, change).await?;
        self.wake.notify_one();
        Ok(app)
    }

    /// Moves `app` to `to` if its state allows, and returns it as stored.
    async fn step(&self, app: App, to: S, change: Change) -> Result<App> {
        let from = state(&app)?;
        domain::transition(from, to)?;
        if !store::advance(&self.db, &app.application_id, from, to, change, now()).await? {
            // Another call moved it first: answer with where it is now, or refuse.
            let now_at = self.get(&app.application_id).await?;
            if state(&now_at)? == to {
                return Ok(now_at);
            }
            domain::transition(state(&now_at)?, to)?;
            return Err(BuybackError::Inconsistent(
                "application changed meanwhile; retry".into(),
            ));
        }
        self.get(&app.application_id).await
    }

    /// One application (staff view).
    pub async fn get(&self, id: &str) -> Result<App> {
        store::find(&self.db, id.trim())
            .await?
            .ok_or(BuybackError::NotFound)
    }

    /// One application of `customer` (another's reads as unknown).
    pub async fn mine(&self, id: &str, customer: &str) -> Result<App> {
        self.get(id)
            .await?
            .pipe_if_owner(customer)
            .ok_or(BuybackError::NotFound)
    }

    async fn replay(&self, key: &str, fingerprint: &str) -> Result<Option<App>> {
        match idempotency::recall(&self.db, store::SUBMIT_SCOPE, key, fingerprint).await? {
            Err(reused) => Err(reused.into()),
            Ok(Seen::New) => Ok(None),
            Ok(Seen::Replay(id)) => self.get(&id).await.map(Some),
        }
    }
}

trait Owner: Sized {
    fn pipe_if_owner(self, customer: &str) -> Option<Self>;
}

impl Owner for App {
    fn pipe_if_owner(self, customer: &str) -> Option<Self> {
        (!customer.is_empty() && self.customer_id == customer).then_some(self)
    }
}

/// The state of a stored application.
pub fn state(app: &App) -> Result<S> {
    S::from_slug(&app.state)
        .ok_or_else(|| BuybackError::Inconsistent(format!("unknown state {:?}", app.state)))
}

/// The used item of a stored application.
pub fn item_of(app: &App) -> UsedItem {
    UsedItem {
        category: DeviceCategory::from_slug(&app.category).unwrap_or_default(),
        maker: app.maker.clone(),
        model: app.model.clone(),
    }
}

/// A used item from a request.
pub fn used_item(item: Option<&accessory::UsedItem>) -> Result<UsedItem> {
    let item = item.ok_or_else(|| InvalidField::new("item", "required"))?;
    let category = DeviceCategory::try_from(item.category)
        .ok()
        .filter(|c| *c != DeviceCategory::Unspecified)
        .ok_or_else(|| InvalidField::new("item.category", "required"))?;
    Ok(UsedItem {
        category,
        maker: required("item.maker", &item.maker, 80)?.to_owned(),
        model: required("item.model", &item.model, 80)?.to_owned(),
    })
}

fn required<'a>(field: &'static str, value: &'a str, max: usize) -> Result<&'a str> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(InvalidField::new(
            field,
            format!("required, at most {max} printable characters"),
        )
        .into());
    }
    Ok(value)
}

fn application_id() -> String {
    let hex = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    format!("BB-{}", &hex[..12])
}

/// Now, to the millisecond (what every database here stores exactly).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}
