//! Interest notices (seed 001's variation): when switched on for the deployment, a
//! customer who opens the details of a product they do not own — and has agreed to it —
//! becomes an interest lead for the salesperson, at most one open per product.

use tandem_proto::leads::v1::NoteProductViewRequest;

use super::App;
use super::mail::StaffExtras;
use super::open_lead::{NewLead, lock_routing};
use crate::domain::lead::Lead;
use crate::domain::{LeadKind, Purpose, parse_customer_id};
use crate::error::LeadsError;
use crate::store::{consent, lead, possessed};

/// What noting a product view did.
#[derive(Clone, Debug)]
pub struct ViewNoted {
    /// The lead, when the salesperson is told.
    pub lead: Option<Lead>,
    /// Why (not).
    pub reason: &'static str,
}

impl App {
    /// Notes that the customer opened a product's details.
    pub async fn note_product_view(
        &self,
        req: &NoteProductViewRequest,
    ) -> Result<ViewNoted, LeadsError> {
        let id = parse_customer_id(&req.customer_id)?;
        let item = self.get_product(&req.model_number).await?;
        let skip = |reason| Ok(ViewNoted { lead: None, reason });
        if !self.settings.interest_notices {
            return skip("interest notices are off in this deployment");
        }
        let viewer = self.existing_customer(&id).await?;
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
        self.wake_mail();
        Ok(ViewNoted {
            lead: Some(opened),
            reason: "the salesperson is told",
        })
    }
}
