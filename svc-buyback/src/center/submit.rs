//! Applying for buy-back: the sales center verifies the order number and personal data
//! (claims 3, 5); the application is stored verified or rejected, with its history and
//! the claim on its order, under the idempotency key.

use std::time::Duration;

use tandem_mesh::idempotency;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory, VerifyResult};
use tandem_proto::buyback::v1::{
    ApplicationState as S, BodyDamage, ScreenCondition, SubmitApplicationRequest,
};
use tonic::Code;

use super::{Center, Result, application_id, now, required, used_item};
use crate::domain::{self, InvalidField};
use crate::error::BuybackError;
use crate::store::entity::application::Model as App;
use crate::store::{self, Stored};

impl Center {
    /// Applies for buy-back; see the contract.
    pub async fn submit(&self, req: SubmitApplicationRequest, budget: Duration) -> Result<App> {
        idempotency::validate_key(&req.idempotency_key)?;
        // Personal data is forwarded for verification only: not stored, not even hashed.
        let mut view = req.clone();
        view.personal = None;
        let fingerprint = idempotency::fingerprint(&view);
        if let Some(done) = self.replay(&req.idempotency_key, &fingerprint).await? {
            return Ok(done);
        }
        let customer = required("customer_id", &req.customer_id, 100)?;
        if req.order_number.trim().is_empty() {
            return Err(InvalidField::new("order_number", "required").into());
        }
        let personal = req
            .personal
            .clone()
            .ok_or_else(|| InvalidField::new("personal", "required"))?;
        let item = used_item(req.item.as_ref())?;
        let answers = req
            .answers
            .ok_or_else(|| InvalidField::new("answers", "required"))?;
        let grade = domain::grade_of(&answers)?;
        let table = store::price_table(&self.db).await?;
        let price = table
            .price(&item, grade)
            .ok_or_else(|| BuybackError::NotPriced(format!("{} {}", item.maker, item.model)))?
            .clone();
        let caller = if req.caller.trim().is_empty() {
            format!("customer:{customer}")
        } else {
            req.caller.trim().to_owned()
        };

        // The sales center checks the order number and personal data (claims 3, 5).
        let verify = accessory::VerifyPurchaseRequest {
            order_number: req.order_number.clone(),
            personal: Some(personal),
            caller,
            used_item: Some(accessory::UsedItem {
                category: item.category as i32,
                maker: item.maker.clone(),
                model: item.model.clone(),
            }),
        };
        let answer = tokio::time::timeout(
            budget + Duration::from_millis(250),
            self.sales_center
                .clone()
                .verify_purchase(tandem_mesh::client::request(verify, budget)),
        )
        .await
        .map_err(|_| BuybackError::SalesCenterUnavailable)?
        .map_err(|status| match status.code() {
            Code::InvalidArgument | Code::ResourceExhausted => BuybackError::SalesCenter(status),
            code => {
                tracing::warn!(
                    ?code,
                    message = status.message(),
                    "sales center unavailable"
                );
                BuybackError::SalesCenterUnavailable
            }
        })?
        .into_inner();

        let now = now();
        let goods = answer.goods.clone().unwrap_or_default();
        let mut row = App {
            application_id: application_id(),
            customer_id: customer.to_owned(),
            order_number: if answer.order_number.is_empty() {
                req.order_number.trim().chars().take(24).collect()
            } else {
                // The sales center's printed form.
                answer.order_number.clone()
            },
            state: S::Applied.slug().into(),
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
            purchased_product_id: String::new(),
            purchased_name: String::new(),
            purchased_maker: String::new(),
            purchased_model: String::new(),
            purchased_category: String::new(),
            purchased_at: String::new(),
            currency: price.currency.clone(),
            reason: String::new(),
            inspection_note: String::new(),
            payout_id: None,
            total_paid_minor: 0,
            paid_at: None,
            reported_at: None,
            created_at: now,
            updated_at: now,
        };
        let designation = answer.designation.clone().unwrap_or_default();
        let (state, note) = if answer.result() != VerifyResult::Match {
            row.reason = domain::MISMATCH.into();
            (S::Rejected, "not verified by the sales center")
        } else {
            row.purchased_product_id = clip(&goods.product_id, 40);
            row.purchased_name = clip(&goods.name, 200);
            row.purchased_maker = clip(&goods.maker, 80);
            row.purchased_model = clip(&goods.model, 80);
            row.purchased_category = DeviceCategory::try_from(goods.category)
                .unwrap_or_default()
                .slug()
                .into();
            row.purchased_at = clip(&goods.purchased_at, 40);
            if designation.targeted {
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
                (S::Verified, "purchase verified by the sales center")
            } else {
                row.reason = format!(
                    "The {} you bought is not targeted for buy-back, so the buy-back center cannot take an application with this order.",
                    goods.name
                )
                .chars()
                .take(300)
                .collect();
                (S::Rejected, "the goods bought are not targeted")
            }
        };
        domain::transition(S::Applied, state)?;
        row.state = state.slug().into();
        let history = [(S::Applied, "application received"), (state, note)];
        match store::insert_application(
            &self.db,
            &req.idempotency_key,
            &fingerprint,
            row.clone(),
            &history,
            state == S::Verified,
        )
        .await?
        {
            Stored::Yes => Ok(row),
            Stored::KeyTaken => self
                .replay(&req.idempotency_key, &fingerprint)
                .await?
                .ok_or_else(|| {
                    BuybackError::Inconsistent("submit key taken but not recorded".into())
                }),
            Stored::OrderClaimed => {
                row.state = S::Rejected.slug().into();
                row.reason = "A buy-back for this order is already under way or done: the benefit is given once per purchase.".into();
                row.benefit_minor = 0;
                let history = [
                    (S::Applied, "application received"),
                    (S::Rejected, "order already bought back against"),
                ];
                match store::insert_application(
                    &self.db,
                    &req.idempotency_key,
                    &fingerprint,
                    row.clone(),
                    &history,
                    false,
                )
                .await?
                {
                    Stored::Yes => Ok(row),
                    _ => self
                        .replay(&req.idempotency_key, &fingerprint)
                        .await?
                        .ok_or_else(|| {
                            BuybackError::Inconsistent("submit key taken but not recorded".into())
                        }),
                }
            }
        }
    }
}

/// `text` cut to the `max` characters its column holds (the sales center's answers are
/// bounded by its own tables; this keeps a peer's surprise from failing the insert).
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
