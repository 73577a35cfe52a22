//! RecordBuybackResult (seed 004): the buy-back center reports what it bought back and
//! paid for a paid order; stored once per application.

use chrono::Utc;
use tandem_mesh::idempotency::{self, Done, Key};
use tandem_proto::accessory::v1::RecordBuybackResultRequest;

use super::App;
use crate::domain::buyback_result::BuybackResult;
use crate::domain::{InvalidField, OrderNumber};
use crate::error::AccessoryError;
use crate::store::{buyback, order as orders};

impl App {
    /// Stores the reported result: the same result again answers the stored one; another
    /// result for the same application is refused (INVALID_ARGUMENT).
    pub async fn record_buyback_result(
        &self,
        request: RecordBuybackResultRequest,
    ) -> Result<BuybackResult, AccessoryError> {
        let mut reported = request
            .result
            .ok_or_else(|| InvalidField::new("result", "required"))?;
        // The time the center sent does not make it another result.
        reported.recorded_at.clear();
        let result = BuybackResult::parse(&reported, Utc::now())?;
        let number = OrderNumber::parse(&result.order_number, "result.order_number")?;
        orders::lookup(&self.db, &number)
            .await?
            .filter(|o| o.status.is_paid())
            .ok_or(AccessoryError::OrderNotFound)?;
        // The application ID is the key: the center sends no other, and its IDs need not
        // be what `Key::new` accepts from callers, so the key is built as it is.
        let key = Key {
            scope: buyback::RESULT_SCOPE,
            key: result.application_id.clone(),
            fingerprint: idempotency::fingerprint(&reported),
        };
        let id = result.application_id.clone();
        idempotency::once(
            &self.db,
            &key,
            |txn| async move {
                buyback::insert_result(&txn, &result).await?;
                Ok(Done::new(txn, id, ()))
            },
            |_| async { Ok::<(), AccessoryError>(()) },
        )
        .await?;
        let stored = buyback::stored(&self.db, &key.key).await?;
        tracing::info!(application = %stored.application_id, order = %stored.order_number, "buy-back result recorded");
        Ok(stored)
    }
}
