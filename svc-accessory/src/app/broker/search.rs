//! SearchCommodities (claims 2, 3, 5, 6, 10): the commodities of every seller that suit a
//! purchase request, cheapest first; the request goes into the preference store.

use chrono::Utc;
use tandem_proto::accessory::v1::SearchCommoditiesRequest;

use super::App;
use crate::domain::broker::{self, Need, matches};
use crate::error::AccessoryError;
use crate::store::broker::{self as store, Commodity, NewRequest};

/// Most commodities one search returns.
const MAX_MATCHES: usize = 50;

/// The recorded request and what suits it.
#[derive(Clone, Debug)]
pub struct Matches {
    /// The request's ID in the preference store.
    pub request_id: String,
    /// In stock, cheapest first.
    pub commodities: Vec<Commodity>,
}

impl App {
    /// Records `purchaser`'s request and finds what suits it.
    pub async fn search_commodities(
        &self,
        purchaser: &str,
        request: SearchCommoditiesRequest,
    ) -> Result<Matches, AccessoryError> {
        let pairs: Vec<(String, String)> = request
            .characteristics
            .into_iter()
            .map(|c| (c.name, c.value))
            .collect();
        let need = Need::parse(&request.kind, &pairs, request.max_price_minor_units)?;
        let region = broker::coarse_region(&request.coarse_region)?;
        let request_id = format!("RQ-{}", uuid::Uuid::new_v4().simple());
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        store::insert_request(
            &txn,
            &NewRequest {
                request_id: &request_id,
                purchaser_key: broker::pseudonym(purchaser),
                kind: &need.kind,
                characteristics: &need.characteristics,
                region: &region,
                at: Utc::now(),
            },
        )
        .await?;
        txn.commit().await?;
        let commodities = store::in_stock_of_kind(&self.db, &need.kind)
            .await?
            .into_iter()
            .filter(|c| matches(&need, &c.kind, &c.characteristics, c.price_minor))
            .take(MAX_MATCHES)
            .collect();
        Ok(Matches {
            request_id,
            commodities,
        })
    }
}
