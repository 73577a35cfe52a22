//! ApplyBundleDiscount: a discount for a plan bought together with a device — granted
//! only after the insurer itself asked the seller that the customer holds the device
//! order (seed 000, claims 10, 13, 14, 24), once per quote, and one device order gives it
//! to one quote only: the insurer's database holds a unique index on the order number of
//! granted discounts, so of two quotes racing for the same order exactly one wins.

use std::time::Duration;

use tandem_mesh::db::is_unique_violation;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{DeviceCategory, Order, OrderStatus, VerifyOrderRequest};
use tandem_proto::insurance::v1::ApplyBundleDiscountRequest;
use tonic::Code;

use super::{App, QuoteWithPlan};
use crate::domain::discount::{Target, best_rule, fundable, same_order};
use crate::domain::quote::{self, Quote, Refused};
use crate::error::InsuranceError;
use crate::store::sales;

impl App {
    /// Grants the best bundle discount for the customer's quote and device order; a
    /// replay for the same order answers the quote as it is. The seller is given at most
    /// `caller_budget`.
    ///
    /// A quote written here, open and undiscounted then, is discounted in one conditional
    /// update once the seller has confirmed the order (its plan and premium never change);
    /// any other quote, or one that update did not find undiscounted and open, is read
    /// first and answered as that read says.
    pub async fn apply_bundle_discount(
        &self,
        request: ApplyBundleDiscountRequest,
        caller_budget: Duration,
    ) -> Result<QuoteWithPlan, InsuranceError> {
        super::required("order_number", &request.order_number)?;
        let mut verified = None;
        let written = self
            .open_quote(&request.quote_id, &request.customer_id)
            .filter(|q| q.discount.is_none())
            .filter(|q| quote::may_discount(q.status, q.expires_at, self.now()).is_ok());
        if let Some(written) = written {
            let order = self.verified_order(&request, caller_budget).await;
            if let Ok(order) = &order
                && let Ok(Some(discounted)) = self.discount(&written, order).await
            {
                return self.discounted(discounted).await;
            }
            verified = Some(order);
        }
        let current = sales::find_for(&self.db, &request.quote_id, &request.customer_id).await?;
        if let Some(granted) = &current.discount {
            // Applied once: a replay for the same order returns the quote as it is.
            if same_order(&granted.order_number, &request.order_number) {
                return self.discounted(current).await;
            }
            return Err(already_applied());
        }
        quote::may_discount(current.status, current.expires_at, self.now())?;
        let order = match verified {
            Some(order) => order?,
            None => self.verified_order(&request, caller_budget).await?,
        };
        let discounted = match self.discount(&current, &order).await? {
            Some(quote) => quote,
            // Not open and undiscounted any more: a concurrent call's result decides.
            None => sales::find_for(&self.db, &current.quote_id, &current.customer_id).await?,
        };
        if !granted_for(&discounted, &order) {
            return Err(already_applied());
        }
        self.discounted(discounted).await
    }

    /// Answers `quote`, discounted, with its plan, remembering it for the contract.
    async fn discounted(&self, quote: Quote) -> Result<QuoteWithPlan, InsuranceError> {
        self.remember(&quote);
        self.with_plan(quote).await
    }

    /// The device order as the seller has it for this customer — never on the client's
    /// word; refused when the seller knows no such order or it was cancelled.
    async fn verified_order(
        &self,
        request: &ApplyBundleDiscountRequest,
        caller_budget: Duration,
    ) -> Result<Order, InsuranceError> {
        let verify = VerifyOrderRequest {
            order_number: request.order_number.clone(),
            customer_id: request.customer_id.clone(),
        };
        let budget = self.budget(caller_budget);
        let order = match self
            .orders
            .clone()
            .verify_order(tandem_mesh::client::request(verify, budget))
            .await
        {
            Ok(reply) => reply.into_inner().order.unwrap_or_default(),
            Err(s) if matches!(s.code(), Code::NotFound | Code::InvalidArgument) => {
                return Err(Refused(format!(
                    "no device order {} for this customer: the bundle discount needs a device bought together with the plan",
                    request.order_number
                ))
                .into());
            }
            Err(s) => return Err(InsuranceError::Accessory(s)),
        };
        if order.status == OrderStatus::Cancelled as i32 {
            return Err(
                Refused(format!("device order {} was cancelled", order.order_number)).into(),
            );
        }
        Ok(order)
    }

    /// Grants the best rule for `current` and the device `order`: the quote as updated,
    /// or `None` when it was no longer open and undiscounted (nothing written). Of
    /// `current` only its plan and premium are used, fixed when the quote was made (its
    /// premium due is its premium until a discount).
    async fn discount(
        &self,
        current: &Quote,
        order: &Order,
    ) -> Result<Option<Quote>, InsuranceError> {
        let category = DeviceCategory::try_from(order.category)
            .unwrap_or_default()
            .slug();
        let device_price = order.amount.as_ref().map_or(0, |m| m.minor_units);
        let rules = self
            .rules
            .get_or_load(|| crate::store::rules::load_rules(&self.db))
            .await?;
        let today = self.now().date_naive();
        let rule = best_rule(
            &rules,
            &current.plan_id,
            category,
            today,
            current.premium_minor,
            device_price,
        )
        .ok_or_else(|| {
            Refused(format!(
                "no bundle discount for plan {} with a {category}",
                current.plan_id
            ))
        })?;
        let amount = match rule.target {
            Target::Premium => rule.amount_off(current.premium_minor),
            Target::Device => fundable(rule.amount_off(device_price), current.premium_due_minor),
        };
        match sales::set_discount(
            &self.db,
            current,
            rule,
            amount,
            &order.order_number,
            self.now(),
        )
        .await
        {
            Err(e) if is_unique_violation(&e) => Err(Refused(format!(
                "device order {} already gave its bundle discount to another quote",
                order.order_number
            ))
            .into()),
            applied => Ok(applied?),
        }
    }
}

/// Whether `quote`'s discount was granted for the device `order`.
fn granted_for(quote: &Quote, order: &Order) -> bool {
    quote
        .discount
        .as_ref()
        .is_some_and(|d| same_order(&d.order_number, &order.order_number))
}

fn already_applied() -> InsuranceError {
    Refused("a bundle discount was already applied to this quote".into()).into()
}
