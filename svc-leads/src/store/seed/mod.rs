//! The demo data: one customer with a fixed ID and a known password, so people can log
//! in to the demo, a sales team with a known staff password, and product information for
//! the devices sold online and a few larger items (see docs/services/leads.md). Inserted idempotently: running
//! `tandem up` twice duplicates nothing and leaves an existing demo customer as it is.

use anyhow::Context;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tandem_mesh::db::is_unique_violation;
use tandem_proto::common::v1::Address;
use tandem_proto::leads::v1::RegisterCustomerRequest;

mod catalog;

use super::{customer, product, staff};
use crate::domain::{DEMO_CUSTOMER_ID, NewCustomer, Staff, password};

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

/// Password of every demo salesperson (public: it is demo data).
pub const DEMO_STAFF_PASSWORD: &str = "tandem-staff-2026";
/// The demo default owner: takes leads nobody else fits.
pub const DEMO_DEFAULT_OWNER: &str = "STF-DESK";

/// (staff ID, name, e-mail, areas, product lines, capacity, active)
type StaffRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    u32,
    bool,
);

/// The demo sales team: the San Francisco area (941, the demo customer's) is covered by
/// Dana (navigation and dashcams) and Sam (everything else), Rio is on leave, Lee has New
/// York, and the sales desk is the default owner.
const STAFF: &[StaffRow] = &[
    (
        DEMO_DEFAULT_OWNER,
        "Tandem sales desk",
        "desk@sales.tandem.example",
        &[],
        &[],
        0,
        true,
    ),
    (
        "STF-DANA",
        "Dana Reyes",
        "dana.reyes@sales.tandem.example",
        &["940", "941", "945"],
        &["car_navigation", "dashcam"],
        25,
        true,
    ),
    (
        "STF-SAM",
        "Sam Okafor",
        "sam.okafor@sales.tandem.example",
        &["940", "941"],
        &[
            "collision_warning",
            "blind_spot_monitor",
            "telematics_unit",
            "theft_tracker",
            "tire_pressure_monitor",
            "ev_charger",
            "fleet_telematics",
        ],
        25,
        true,
    ),
    (
        "STF-RIO",
        "Rio Alvarez",
        "rio.alvarez@sales.tandem.example",
        &["941"],
        &["dashcam"],
        10,
        false,
    ),
    (
        "STF-LEE",
        "Lee Park",
        "lee.park@sales.tandem.example",
        &["100", "101", "102", "112"],
        &[],
        25,
        true,
    ),
];

/// Inserts the demo sales team (with [`DEMO_STAFF_PASSWORD`]) and the product
/// information, unless present: an existing salesperson or product is left as it is.
pub async fn demo_sales_desk(db: &DatabaseConnection) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut hash = None;
    for &(id, name, email, areas, lines, capacity, active) in STAFF {
        if staff::by_id(db, id).await?.is_some() {
            continue;
        }
        let hash = match &hash {
            Some(h) => h,
            None => {
                let pw = password::parse(DEMO_STAFF_PASSWORD, "")
                    .context("demo staff password fails the rules")?;
                let h = tokio::task::spawn_blocking(move || password::hash(&pw))
                    .await?
                    .map_err(|e| anyhow::anyhow!("hashing the demo staff password: {e}"))?;
                hash.insert(h)
            }
        };
        let s = Staff {
            staff_id: id.to_owned(),
            name: name.to_owned(),
            email: email.to_owned(),
            area_codes: areas.iter().map(|a| (*a).to_owned()).collect(),
            product_lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            capacity,
            active,
        };
        staff::upsert(db, &s, Some(hash), now).await?;
    }
    for p in catalog::products() {
        if product::by_model(db, &p.model_number).await?.is_none() {
            let txn = tandem_mesh::db::begin_write(db).await?;
            product::upsert(&txn, &p, now).await?;
            txn.commit().await?;
        }
    }
    Ok(())
}
