//! Consent: the customer's standing decision per purpose, with the wording to show, and
//! giving or withdrawing it. Withdrawing cancels that purpose's e-mails to staff that
//! are still queued, so nothing leaves after the customer said no.

use chrono::{SubsecRound, Utc};
use tandem_proto::leads::v1::SetConsentRequest;

use super::App;
use crate::domain::consent::parse_source;
use crate::domain::text::required;
use crate::domain::{Purpose, parse_customer_id};
use crate::error::LeadsError;
use crate::store::consent::{self, ConsentDecision};
use crate::store::outbox;

/// A customer's consents: the standing decision per purpose, and the history.
#[derive(Clone, Debug)]
pub struct ConsentOverview {
    /// Per purpose, in display order: the latest decision, if any.
    pub standing: Vec<(Purpose, Option<ConsentDecision>)>,
    /// Every decision, newest first.
    pub history: Vec<ConsentDecision>,
}

/// A decision made now, with a new consent record ID.
pub(super) fn decision(
    customer_id: &str,
    purpose: Purpose,
    granted: bool,
    source: &str,
) -> ConsentDecision {
    ConsentDecision {
        consent_id: format!("CON-{}", uuid::Uuid::new_v4().simple()),
        customer_id: customer_id.to_owned(),
        purpose,
        granted,
        wording_version: purpose.wording_version().to_owned(),
        source: source.to_owned(),
        recorded_at: Utc::now().trunc_subsecs(6),
    }
}

impl App {
    /// The customer's consents.
    pub async fn get_consents(&self, customer_id: &str) -> Result<ConsentOverview, LeadsError> {
        let id = parse_customer_id(customer_id)?;
        self.existing_customer(&id).await?;
        let mut standing = Vec::new();
        for purpose in Purpose::ALL {
            standing.push((purpose, consent::latest(&self.db, &id, purpose).await?));
        }
        Ok(ConsentOverview {
            standing,
            history: consent::history(&self.db, &id).await?,
        })
    }

    /// Gives or withdraws a consent; returns the record and how many queued e-mails a
    /// withdrawal cancelled. Setting a value is naturally idempotent.
    pub async fn set_consent(
        &self,
        req: &SetConsentRequest,
    ) -> Result<(ConsentDecision, u64), LeadsError> {
        let id = parse_customer_id(&req.customer_id)?;
        let purpose = required("purpose", Purpose::from_proto(req.purpose()))?;
        purpose.check_wording("wording_version", &req.wording_version)?;
        let source = parse_source(&req.source)?;
        self.existing_customer(&id).await?;
        let record = decision(&id, purpose, req.granted, source);
        let txn = tandem_mesh::db::begin_write(&self.db).await?;
        consent::record(&txn, &record).await?;
        let cancelled = if record.granted {
            0
        } else {
            outbox::cancel_pending(&txn, &id, purpose.as_str()).await?
        };
        txn.commit().await?;
        tracing::info!(customer_id = %id, purpose = purpose.as_str(), granted = record.granted, cancelled, "consent recorded");
        Ok((record, cancelled))
    }
}
