//! VerifyPurchase (seed 004): the buy-back center asks whether personal data matches the
//! registration of a paid order — match or no match, nothing else. Attempts are counted
//! before comparing, per caller (the authenticated partner and the asserted end user) and
//! order number, per caller and per order number (RESOURCE_EXHAUSTED past a limit; see
//! [`throttle`]), and an unknown order number does the same work as a known one, against
//! a decoy.

use chrono::Utc;
use tandem_proto::accessory::v1::VerifyPurchaseRequest;

use super::{App, DesignatedOrder};
use crate::domain::benefit::{BenefitRule, UsedItem};
use crate::domain::matching::{self, PersonalData};
use crate::domain::throttle::{self, Caller};
use crate::error::AccessoryError;
use crate::store::{buyback, order as orders};

/// The answer to a purchase verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// No paid order with this number matches the data — or there is no such order: the
    /// caller cannot tell which.
    NoMatch,
    /// The data matches the registration of a paid order.
    Match(Box<PurchaseMatch>),
}

/// What a matching verification tells the buy-back center.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseMatch {
    /// The order, its goods and their designation.
    pub designated: DesignatedOrder,
    /// The benefit for the used item offered, if one applies.
    pub benefit: Option<BenefitRule>,
}

impl App {
    /// Compares `request.personal` with the registration of the paid order it names, for
    /// `caller` (the request's own `caller` field is ignored).
    pub async fn verify_purchase(
        &self,
        request: VerifyPurchaseRequest,
        caller: &Caller,
    ) -> Result<Verification, AccessoryError> {
        let number = super::order_number(&request.order_number)?;
        let entered = PersonalData::parse(request.personal.as_ref())?;
        let used = request
            .used_item
            .as_ref()
            .map(UsedItem::parse)
            .transpose()?;

        let now = Utc::now();
        let keys = throttle::counters(caller, number.as_str());
        if let Some(reopens) = buyback::reserve_attempt(&self.db, &keys, now).await? {
            tandem_mesh::metrics::global().record_throttled("verify_purchase");
            return Err(AccessoryError::Throttled(reopens - now));
        }
        // The same work whether the order exists or not: one lookup, then normalising and
        // comparing every field against the registration or, for no paid order, a decoy.
        let paid = orders::lookup(&self.db, &number)
            .await?
            .filter(|o| o.status.is_paid());
        let (registered, country) = match &paid {
            Some(order) => (order.registered(), order.buyer.address.country.clone()),
            None => {
                let (decoy, country) = matching::decoy();
                (decoy, country.to_owned())
            }
        };
        let same = matching::matches(&entered, &registered, &country);
        let Some(order) = paid.filter(|_| same) else {
            tracing::info!("purchase verification: no match");
            return Ok(Verification::NoMatch);
        };
        let released: Vec<String> = keys.into_iter().map(|(k, _)| k).collect();
        buyback::release_attempt(&self.db, &released).await?;
        let table = self.benefit_table().await?;
        let designated = self.designated(order, &table).await?;
        let device = &designated.device;
        let benefit = used
            .as_ref()
            .and_then(|u| table.benefit_for(&device.maker, &device.model, u))
            .cloned();
        tracing::info!(order = %designated.order.order_number, "purchase verification: match");
        Ok(Verification::Match(Box::new(PurchaseMatch {
            designated,
            benefit,
        })))
    }
}
