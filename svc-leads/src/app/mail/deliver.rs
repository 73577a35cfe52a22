//! Delivering the outbox's e-mails (topic [`outbox::TOPIC`]): the shared
//! `tandem_mesh::outbox::Dispatcher` claims due messages with a lease, retries with
//! backoff and gives up (dead letter) after a permanent refusal or too many attempts;
//! this is its receiver, which sends the rendered e-mail the message carries through the
//! transport and marks the lead e-mailed. A dispatcher that dies after the SMTP server
//! accepted a message but before it was marked sent leaves the lease to run out, and the
//! message is sent again with the same Message-ID and Date — at most a recognisable
//! duplicate, never a loss.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tandem_mesh::outbox::{Deliver, Dispatcher, DispatcherConfig, Failure, Message, Wake};

use super::Transport;
use crate::store::lead;
use crate::store::outbox::{self, Outgoing};

/// Sends the e-mails of the outbox.
pub struct MailDelivery {
    /// The leads database: the rendered e-mails and their leads.
    db: DatabaseConnection,
    /// Where e-mail goes.
    transport: Transport,
}

impl MailDelivery {
    /// Sends the e-mails stored in `db` through `transport`.
    pub fn new(db: DatabaseConnection, transport: Transport) -> Self {
        Self { db, transport }
    }
}

#[tonic::async_trait]
impl Deliver for MailDelivery {
    async fn deliver(&self, message: &Message) -> Result<(), Failure> {
        let unavailable = |e: sea_orm::DbErr| Failure::retry(format!("database: {e}"));
        // The message carries the e-mail; one queued before it did is read from its row.
        let mail = if message.payload.is_empty() {
            outbox::mail(&self.db, &message.id)
                .await
                .map_err(unavailable)?
                .ok_or_else(|| Failure::permanent("no e-mail with this Message-ID"))?
        } else {
            Outgoing::from_payload(&message.payload)
                .map_err(|e| Failure::permanent(format!("unreadable e-mail payload: {e}")))?
        };
        self.transport.send(&mail).await?;
        if let Some(lead_id) = &mail.lead_id {
            lead::mark_emailed(&self.db, lead_id, Utc::now())
                .await
                .map_err(unavailable)?;
        }
        tracing::info!(message_id = %mail.message_id, template = %mail.template, "e-mail delivered");
        Ok(())
    }
}

/// The dispatcher of `db`'s e-mail outbox through `transport`, woken by `wake`.
pub fn mail_dispatcher(
    db: DatabaseConnection,
    transport: Transport,
    config: DispatcherConfig,
    wake: Wake,
) -> Dispatcher {
    tracing::info!(?transport, "e-mail dispatcher configured");
    let delivery = Arc::new(MailDelivery::new(db.clone(), transport));
    Dispatcher::new(db, outbox::TOPIC, delivery, config, wake)
}
