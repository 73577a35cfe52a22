//! Applying for buy-back (`SubmitApplication`): the sales center verifies the order
//! number and personal data (claims 3, 5). A match stores the application — verified, or
//! rejected when the goods are not targeted or the order is taken — with its history and
//! the claim on its order, under the idempotency key; a mismatch stores no application,
//! only the customer's count of failures (`attempts`), which locks applying after five.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::DatabaseTransaction;
use tandem_mesh::idempotency::{self, Done, Key, Seen};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory, VerifyResult};
use tandem_proto::buyback::v1::{
    ApplicationState, BodyDamage, Grade, Questionnaire, ScreenCondition, SubmitApplicationRequest,
};
use tonic::Code;

use super::{App, ApplicationView, Customer, PeerFailure, Result, call_peer, now};
use crate::domain::{self, InvalidField, Price};
use crate::error::BuybackError;
use crate::store::{self, entity::application};

/// Idempotency scope of `SubmitApplication`.
pub(super) const SUBMIT_SCOPE: &str = "buyback.submit";

/// Why an application is rejected when its order already has a buy-back.
const ORDER_TAKEN: &str = "A buy-back for this order is already under way or done: the benefit is given once per purchase.";

/// A verified or rejected application, ready to store, with its history.
struct Decided {
    /// The row.
    row: application::Model,
    /// Its history: received, then verified or rejected.
    history: [(ApplicationState, &'static str); 2],
}

/// What a request holds once checked, before the sales center is asked.
struct Checked {
    /// The applicant.
    customer: String,
    /// The used item offered.
    item: domain::UsedItem,
    /// Its questionnaire.
    answers: Questionnaire,
    /// The grade the answers give, and its price.
    grade: Grade,
    /// The estimate.
    price: Price,
}

impl App {
    /// Applies for buy-back for `customer` (a `customer_id` in the request must be
    /// theirs); see the contract. The sales center is asked within `budget`, for the
    /// customer (their assertion is forwarded; it throttles failures per caller). A
    /// failed verification stores nothing but the customer's count of failures.
    pub async fn apply(
        &self,
        mut req: SubmitApplicationRequest,
        customer: &Customer,
        budget: Duration,
    ) -> Result<ApplicationView> {
        let named = req.customer_id.trim();
        if !named.is_empty() && named != customer.id {
            return Err(BuybackError::OtherCustomer("customer_id"));
        }
        req.customer_id.clone_from(&customer.id);
        #[allow(deprecated)] // ignored: the sales center knows who calls
        req.caller.clear();
        // Personal data is forwarded for verification only: not stored, not even hashed.
        let mut fingerprinted = req.clone();
        fingerprinted.personal = None;
        let key = Key::new(SUBMIT_SCOPE, &req.idempotency_key, &fingerprinted)?;
        // Looked up before `once` (which looks again): a replay must not ask the sales
        // center again — a replayed mismatch would count as one more failed attempt — and
        // the verification must not run inside the write transaction `once` opens.
        if let Seen::Replay(id) = idempotency::recall_key::<BuybackError>(&self.db, &key).await? {
            return self.view(self.replayed(&id, &customer.id).await?).await;
        }
        let checked = self.check(&req).await?;
        let count = self.count_attempt(&customer.id).await?;
        let answer = match self.ask(&req, &checked, &customer.assertion, budget).await {
            Ok(answer) => answer,
            Err(err) => {
                self.give_back(&customer.id).await?;
                return Err(err);
            }
        };
        if answer.result() != VerifyResult::Match {
            return Err(self.not_verified(&key, &customer.id, count).await?);
        }
        self.give_back(&customer.id).await?;
        let decided = decide(&req, checked, &answer)?;
        let stored = idempotency::once(
            &self.db,
            &key,
            |txn| async move {
                let row = store_decided(&txn, decided).await?;
                Ok(Done::new(txn, row.application_id.clone(), row))
            },
            |id| async move { self.replayed(&id, &customer.id).await },
        )
        .await?;
        self.view(stored).await
    }

    /// Checks the request and prices the used item; nothing is counted or asked.
    async fn check(&self, req: &SubmitApplicationRequest) -> Result<Checked> {
        let customer = domain::required_text("customer_id", &req.customer_id, 100)?;
        if req.order_number.trim().is_empty() {
            return Err(InvalidField::new("order_number", "required").into());
        }
        if req.personal.is_none() {
            return Err(InvalidField::new("personal", "required").into());
        }
        let item = domain::used_item(req.item.as_ref())?;
        let answers = req
            .answers
            .ok_or_else(|| InvalidField::new("answers", "required"))?;
        let grade = domain::grade_of(&answers)?;
        let table = store::price_table(&self.db).await?;
        let price = table
            .price(&item, grade)
            .ok_or_else(|| BuybackError::NotPriced(format!("{} {}", item.maker, item.model)))?
            .clone();
        Ok(Checked {
            customer: customer.to_owned(),
            item,
            answers,
            grade,
            price,
        })
    }

    /// Has the sales center verify the order number and personal data (claims 3, 5), for
    /// the customer whose `assertion` it forwards.
    async fn ask(
        &self,
        req: &SubmitApplicationRequest,
        checked: &Checked,
        assertion: &str,
        budget: Duration,
    ) -> Result<accessory::VerifyPurchaseResponse> {
        let verify = accessory::VerifyPurchaseRequest {
            order_number: req.order_number.clone(),
            personal: req.personal.clone(),
            used_item: Some(accessory::UsedItem {
                category: checked.item.category as i32,
                maker: checked.item.maker.clone(),
                model: checked.item.model.clone(),
            }),
            ..Default::default()
        };
        let mut verify = tandem_mesh::client::request(verify, budget);
        tandem_mesh::assertion::attach(&mut verify, assertion);
        call_peer(budget, self.sales_center.clone().verify_purchase(verify))
            .await
            .map_err(|failure| match failure {
                PeerFailure::Refused(status)
                    if matches!(
                        status.code(),
                        Code::InvalidArgument | Code::ResourceExhausted
                    ) =>
                {
                    BuybackError::SalesCenter(status)
                }
                PeerFailure::Refused(status) => {
                    tracing::warn!(
                        code = ?status.code(),
                        message = status.message(),
                        "sales center unavailable"
                    );
                    BuybackError::SalesCenterUnavailable
                }
                PeerFailure::TimedOut => BuybackError::SalesCenterUnavailable,
            })
    }
}

/// The application a verified purchase makes: verified with the goods and the benefit,
/// or rejected when the goods are not targeted; nothing is stored.
fn decide(
    req: &SubmitApplicationRequest,
    Checked {
        customer,
        item,
        answers,
        grade,
        price,
    }: Checked,
    answer: &accessory::VerifyPurchaseResponse,
) -> Result<Decided> {
    let now = now();
    let goods = answer.goods.clone().unwrap_or_default();
    let mut row = application::Model {
        application_id: application_id(),
        customer_id: customer,
        order_number: if answer.order_number.is_empty() {
            req.order_number.trim().chars().take(24).collect()
        } else {
            // The sales center's printed form.
            answer.order_number.clone()
        },
        state: ApplicationState::Applied.slug().into(),
        category: item.category.slug().into(),
        maker: item.maker.clone(),
        model: item.model.clone(),
        powers_on: answers.powers_on,
        screen: ScreenCondition::try_from(answers.screen)
            .unwrap_or_default()
            .slug()
            .into(),
        damage: BodyDamage::try_from(answers.damage)
            .unwrap_or_default()
            .slug()
            .into(),
        accessories_complete: answers.accessories_complete,
        declared_grade: grade.slug().into(),
        estimate_minor: price.price_minor,
        inspected_grade: None,
        offer_minor: None,
        benefit_minor: 0,
        benefit_description: String::new(),
        purchased_product_id: clip(&goods.product_id, 40),
        purchased_name: clip(&goods.name, 200),
        purchased_maker: clip(&goods.maker, 80),
        purchased_model: clip(&goods.model, 80),
        purchased_category: DeviceCategory::try_from(goods.category)
            .unwrap_or_default()
            .slug()
            .into(),
        purchased_at: instant(&goods.purchased_at),
        currency: price.currency.clone(),
        reason: String::new(),
        inspection_note: String::new(),
        inspected_by: None,
        payout_id: None,
        total_paid_minor: 0,
        paid_at: None,
        reported_at: None,
        created_at: now,
        updated_at: now,
    };
    let designation = answer.designation.clone().unwrap_or_default();
    let (state, note) = if designation.targeted {
        if let Some(benefit) = &answer.benefit {
            let amount = benefit.amount.clone().unwrap_or_default();
            if amount.currency == row.currency {
                row.benefit_minor = amount.minor_units.max(0);
                row.benefit_description = clip(&benefit.description, 200);
            }
        }
        if row.benefit_description.is_empty() {
            row.benefit_description = "No benefit applies to this used item".into();
        }
        (
            ApplicationState::Verified,
            "purchase verified by the sales center",
        )
    } else {
        row.reason = clip(
            &format!(
                "The {} you bought is not targeted for buy-back, so the buy-back center cannot take an application with this order.",
                goods.name
            ),
            300,
        );
        (
            ApplicationState::Rejected,
            "the goods bought are not targeted",
        )
    };
    domain::transition(ApplicationState::Applied, state)?;
    row.state = state.slug().into();
    Ok(Decided {
        row,
        history: [
            (ApplicationState::Applied, "application received"),
            (state, note),
        ],
    })
}

/// Stores `decided` in `txn`, claiming the order of a verified application: an order
/// another application holds turns it into a rejection (one benefit per purchase).
async fn store_decided(
    txn: &DatabaseTransaction,
    Decided {
        mut row,
        mut history,
    }: Decided,
) -> Result<application::Model> {
    let verified = row.state == ApplicationState::Verified.slug();
    if verified && !store::claim_order(txn, &row.order_number, &row.application_id).await? {
        row.state = ApplicationState::Rejected.slug().into();
        row.reason = ORDER_TAKEN.into();
        row.benefit_minor = 0;
        history[1] = (
            ApplicationState::Rejected,
            "order already bought back against",
        );
    }
    store::insert_application(txn, row.clone(), &history).await?;
    Ok(row)
}

/// A new application ID, e.g. `BB-3F2A9C41D07E`.
fn application_id() -> String {
    let hex = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    format!("BB-{}", &hex[..12])
}

/// The instant an RFC 3339 answer of the sales center names, if it names one.
fn instant(rfc3339: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(6))
}

/// `text` cut to the `max` characters its column holds (the sales center's answers are
/// bounded by its own tables; this keeps a peer's surprise from failing the insert).
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
