//! Interest notices (seed 001's variation): when switched on for the deployment, a
//! customer who opens the details of a product they do not own — and has agreed to it —
//! becomes an interest lead for the salesperson, at most one open per product.

use tandem_proto::leads::v1::NoteProductViewRequest;

use super::{NewLead, SalesDesk, lock_routing};
use crate::domain::lead::Lead;
use crate::domain::{LeadKind, Purpose, parse_customer_id};
use crate::error::LeadsError;
use crate::mail::StaffExtras;
use crate::store::{consent, customer, lead, possessed};

/// What noting a product view did.
#[derive(Clone, Debug)]
pub struct ViewNoted {
    /// The lead, when the salesperson is told.
    pub lead: Option<Lead>,
    /// Why (not).
    pub reason: &'static str,
}

impl SalesDesk {
    /// Notes that the customer opened a product's details.
    pub async fn note_view(&self, req: &NoteProductViewRequest) -> Result<ViewNoted, LeadsError> {
        let id = parse_customer_id(&req.customer_id)?;
        let item = self.product(&req.model_number).await?;
        let skip = |reason| Ok(ViewNoted { lead: None, reason });
        if !self.settings.interest_notices {
            return skip("interest notices are off in this deployment");
        }
        let viewer = customer::by_id(&self.db, &id)
            .await?
            .ok_or_else(|| LeadsError::CustomerNotFound(id.clone()))?;
        if possessed::owns(&self.db, &id, &item.model_number).await? {
            return skip("the customer owns this product");
        }
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        lock_routing(&txn).await?;
        if !consent::granted(&txn, &id, Purpose::ProductInterest).await? {
            return skip("the customer has not agreed to interest notices");
        }
        if lead::open_interest(&txn, &id, &item.model_number).await? {
            return skip("the salesperson already knows of this interest");
        }
        let new = NewLead {
            product: Some(&item),
            ..NewLead::new(LeadKind::Interest, &viewer)
        };
        let opened = self
            .open_lead(
                &txn,
                new,
                Purpose::ProductInterest.as_str(),
                StaffExtras::default(),
            )
            .await?;
        txn.commit().await?;
        self.wake_dispatcher();
        Ok(ViewNoted {
            lead: Some(opened),
            reason: "the salesperson is told",
        })
    }
}
