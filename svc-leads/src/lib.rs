//! svc-leads — the sales-staff support server of seeds 001/002, holding the
//! customer-information store of seed 000 (claims 2, 3, 7, 22).
//!
//! Customers register once and log in by customer ID or e-mail; the gateway and the other
//! servers fetch their data from here. Beside them: product information with related
//! items (FIG. 10), sales staff with the areas and product lines they are in charge of
//! (FIG. 3B), and leads — contact requests, registration updates forwarded with consent,
//! purchases and product interest — each routed to the right salesperson by
//! `StaffRouter` and e-mailed through a durable outbox that a dispatcher delivers over
//! SMTP (or, in `tandem up`, writes as `.eml` files). Staff read, acknowledge and close
//! their leads over `StaffLeads`; a company's CRM (the `crm` partner) reads them all.
//! Calls made for a customer or a salesperson act on the gateway's verified end-user
//! assertion, never on a request field naming the user.
//!
//! `grpc` maps requests to the use cases of `app` (one file each; `app::mail` renders
//! the e-mails and delivers the outbox's); `domain` holds the rules (pure, unit tested);
//! `store` the sea-orm entities and queries; `migration` the schema.

#![warn(missing_docs)]

pub mod app;
pub mod domain;
mod error;
mod grpc;
pub mod migration;
pub mod store;

use std::path::PathBuf;

use sea_orm::DatabaseConnection;
use tandem_mesh::{GrpcServer, Service};
use tandem_proto::leads::v1::customers_server::CustomersServer;
use tandem_proto::leads::v1::sales_admin_server::SalesAdminServer;
use tandem_proto::leads::v1::sales_desk_server::SalesDeskServer;
use tandem_proto::leads::v1::staff_leads_server::StaffLeadsServer;

use crate::grpc::LeadsApi;

pub use app::mail::{MailSettings, Transport, mail_dispatcher};
pub use app::{App, DeskSettings};
pub use error::{EMAIL_TAKEN, LeadsError, WRONG_LOGIN};
pub use tandem_mesh::outbox::DispatcherConfig;

/// The From mailbox unless configured.
pub const DEFAULT_FROM: &str = "Tandem sales desk <sales-desk@tandem.example>";

/// Settings of the sales desk and its e-mail.
#[derive(Clone, Debug)]
pub struct LeadsConfig {
    /// Sender, administrator copy, default owner, interest notices.
    pub desk: DeskSettings,
    /// The SMTP server, e.g. `smtp://mail:25` or `smtps://user:pass@mail:465`; without
    /// one, e-mail is written as `.eml` files to `mail_dir`.
    pub smtp_url: Option<String>,
    /// Where `.eml` files go when there is no SMTP server.
    pub mail_dir: PathBuf,
    /// Pacing of the e-mail dispatcher (retries, dead letter after `max_attempts`).
    pub dispatcher: DispatcherConfig,
}

impl LeadsConfig {
    /// Defaults: mail as `.eml` files in `mail_dir`, no administrator copy, no default
    /// owner, interest notices off.
    pub fn new(mail_dir: impl Into<PathBuf>) -> Self {
        Self {
            desk: DeskSettings {
                mail: MailSettings {
                    from: DEFAULT_FROM.to_owned(),
                    admin_copy: None,
                },
                default_owner: None,
                interest_notices: false,
            },
            smtp_url: None,
            mail_dir: mail_dir.into(),
            dispatcher: DispatcherConfig::default(),
        }
    }

    /// Checks the settings before anything starts: addresses parse as mailboxes, the
    /// default owner looks like a staff ID, the SMTP URL is usable.
    pub fn check(&self) -> anyhow::Result<()> {
        use lettre::message::Mailbox;
        let mail = &self.desk.mail;
        mail.from.parse::<Mailbox>().map_err(|e| {
            anyhow::anyhow!("the leads From address {:?} is invalid: {e}", mail.from)
        })?;
        if let Some(admin) = &mail.admin_copy {
            admin.parse::<Mailbox>().map_err(|e| {
                anyhow::anyhow!("the leads administrator copy address {admin:?} is invalid: {e}")
            })?;
        }
        if let Some(owner) = &self.desk.default_owner {
            domain::staff::parse_staff_id(owner).map_err(|e| {
                anyhow::anyhow!("the leads default owner {owner:?} is invalid: {}", e.reason)
            })?;
        }
        self.transport().map(|_| ())
    }

    /// Where e-mail is delivered.
    pub fn transport(&self) -> anyhow::Result<Transport> {
        match &self.smtp_url {
            Some(url) => Transport::smtp(url),
            None => Ok(Transport::Directory(self.mail_dir.clone())),
        }
    }
}

/// The sales desk (seeds 001/002's sales-staff support server, with seed 000's
/// customer-information store).
pub struct SalesDesk;

impl Service for SalesDesk {
    const NAME: &'static str = "leads";
    type Migrator = migration::Migrator;
    type Settings = LeadsConfig;

    /// Inserts the demo customer, staff and product information (idempotent; see
    /// docs/services/leads.md for the logins).
    async fn load_demo_data(db: &DatabaseConnection) -> anyhow::Result<()> {
        store::seed::demo_customer(db).await?;
        store::seed::demo_sales_desk(db).await
    }

    /// The customer store, the sales desk and the staff services, with the e-mail
    /// dispatcher in the background. Refuses without the key that checks end-user
    /// assertions (`ServerConfig::user_assertions`): the server acts only on them.
    fn build(
        db: DatabaseConnection,
        leads: LeadsConfig,
        server: GrpcServer,
    ) -> anyhow::Result<GrpcServer> {
        let users = server.config().user_assertions.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "svc-leads acts for customers and salespeople and needs the key that checks \
                 the gateway's end-user assertions: set TANDEM_USER_ASSERTION_PUBLIC_KEY \
                 (--user-assertion-public-key; `tandem pki assertion-public-key` prints it)"
            )
        })?;
        let transport = leads.transport()?;
        if leads.desk.default_owner.is_none() {
            tracing::warn!("no default owner configured: leads nobody fits stay unassigned");
        }
        let mail_wake = tandem_mesh::outbox::Wake::new();
        let dispatcher =
            mail_dispatcher(db.clone(), transport, leads.dispatcher, mail_wake.clone());
        let api = LeadsApi::new(App::new(db, leads.desk, mail_wake), users);
        Ok(server
            .add_service(CustomersServer::new(api.clone()))
            .add_service(SalesDeskServer::new(api.clone()))
            .add_service(StaffLeadsServer::new(api.clone()))
            .add_service(SalesAdminServer::new(api))
            .with_background("mail dispatcher", move |stop| dispatcher.run(stop)))
    }
}
