//! The demo data: one customer with a fixed ID and a known password, so people can log
//! in to the demo (see docs/services/leads.md). Inserted idempotently: running
//! `tandem up` twice duplicates nothing and leaves an existing demo customer as it is.

use anyhow::Context;
use chrono::Utc;
use sea_orm::ConnectionTrait;
use tandem_proto::common::v1::Address;
use tandem_proto::leads::v1::RegisterCustomerRequest;

use super::{customer, is_unique_violation};
use crate::domain::{DEMO_CUSTOMER_ID, NewCustomer, password};

/// E-mail of the demo customer.
pub const DEMO_EMAIL: &str = "alex@example.com";
/// Password of the demo customer (public: it is demo data).
pub const DEMO_PASSWORD: &str = "tandem-demo-2026";

/// The demo customer's registration, as a client would send it.
pub fn demo_registration() -> RegisterCustomerRequest {
    RegisterCustomerRequest {
        name: "Alex Morgan".into(),
        email: DEMO_EMAIL.into(),
        phone: "+1 415 555 0134".into(),
        address: Some(Address {
            line1: "500 Market St".into(),
            line2: String::new(),
            city: "San Francisco".into(),
            region: "CA".into(),
            postal_code: "94103".into(),
            country: "US".into(),
        }),
        date_of_birth: "1988-04-12".into(),
        password: DEMO_PASSWORD.into(),
        idempotency_key: String::new(),
    }
}

/// Registers the demo customer unless a customer with its ID or e-mail exists.
pub async fn demo_customer(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    if customer::by_id(db, DEMO_CUSTOMER_ID).await?.is_some()
        || customer::email_taken(db, DEMO_EMAIL).await?
    {
        return Ok(());
    }
    let now = Utc::now();
    let new = NewCustomer::parse(&demo_registration(), now.date_naive())
        .context("demo customer fails validation")?;
    let (demo, pw) = new.into_customer(DEMO_CUSTOMER_ID.to_owned(), now);
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await?
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    match customer::insert(db, &demo, &hash).await {
        // Another process seeded it between the check and the insert.
        Err(e) if is_unique_violation(&e) => Ok(()),
        other => Ok(other?),
    }
}
