//! Helpers of the insurer's sales tests: the insurer with a real accessory seller (which
//! it asks to confirm each device order) and a real account server (which it asks whether
//! a policy's payment pays it), each on its own fresh database, over real gRPC.
#![allow(dead_code)] // each test file uses its own subset

use chrono::Datelike;
use tandem_mesh::Service;
use tandem_mesh::testing::orders::{alex_morgan, pay, reserve};
use tandem_mesh::testing::{Running, TestDb, connect};
use tandem_mesh::{ClientConfig, ServerConfig};
use tandem_proto::common::v1::{Address, Money, VehicleClass};
use tandem_proto::insurance::v1::insurance_sales_client::InsuranceSalesClient;
use tandem_proto::insurance::v1::*;
use tonic::transport::Channel;

/// The insurer, its peers and clients.
pub struct World {
    pub insurance: Running,
    pub accessory: Running,
    /// The account server (SQLite).
    pub settlement: Running,
    pub sales: InsuranceSalesClient<Channel>,
    /// The insurer's clock, which a test may move on.
    pub clock: svc_insurance::Clock,
    pub seller: Channel,
    /// A channel to the account server, to pay.
    pub bank: Channel,
    pub dbs: Vec<TestDb>,
    /// More insurers on the same database (see [`World::replica`]).
    pub replicas: Vec<Running>,
}

/// The insurer on `ins_db`, the seller on `acc_db`, the account server on SQLite.
pub async fn world(ins_db: TestDb, acc_db: TestDb) -> World {
    let settlement_db = TestDb::sqlite();
    let settlement = svc_settlement::testing::start(&settlement_db).await;
    let accessory = svc_accessory::testing::start(&acc_db).await;
    let ins = svc_insurance::Insurer::open_demo(&ins_db.url)
        .await
        .expect("open the database with the demo data");
    let peers = svc_insurance::Peers {
        accessory_url: accessory.url.clone(),
        settlement_url: settlement.url.clone(),
        client: ClientConfig::default(),
    };
    let clock = svc_insurance::Clock::system();
    let insurer_clock = clock.clone();
    let insurance = Running::start(|l, s| {
        svc_insurance::Insurer::serve_with_clock(
            l,
            ins,
            peers,
            ServerConfig::default(),
            insurer_clock,
            s,
        )
    })
    .await;
    let sales = InsuranceSalesClient::new(connect(&insurance.url).await);
    let seller = connect(&accessory.url).await;
    let bank = connect(&settlement.url).await;
    World {
        insurance,
        accessory,
        settlement,
        sales,
        clock,
        seller,
        bank,
        dbs: vec![ins_db, acc_db, settlement_db],
        replicas: Vec::new(),
    }
}

impl World {
    /// The insurer and the seller, each on a fresh SQLite database.
    pub async fn on_sqlite() -> World {
        world(TestDb::sqlite(), TestDb::sqlite()).await
    }

    /// Another insurer on the same database with the same peers and clock (a second
    /// replica); a client of it.
    pub async fn replica(&mut self) -> InsuranceSalesClient<Channel> {
        let db = svc_insurance::Insurer::open(&self.dbs[0].url)
            .await
            .expect("open the insurer's database");
        let peers = svc_insurance::Peers {
            accessory_url: self.accessory.url.clone(),
            settlement_url: self.settlement.url.clone(),
            client: ClientConfig::default(),
        };
        let clock = self.clock.clone();
        let replica = Running::start(|l, s| {
            svc_insurance::Insurer::serve_with_clock(
                l,
                db,
                peers,
                ServerConfig::default(),
                clock,
                s,
            )
        })
        .await;
        let sales = InsuranceSalesClient::new(connect(&replica.url).await);
        self.replicas.push(replica);
        sales
    }

    pub async fn stop(self) {
        for replica in self.replicas {
            replica.stop().await;
        }
        self.insurance.stop().await;
        self.accessory.stop().await;
        self.settlement.stop().await;
        for db in self.dbs {
            db.cleanup().await;
        }
    }

    /// Reserves `product` for `customer` at the seller; the order number.
    pub async fn order(&mut self, customer: &str, product: &str) -> String {
        let buyer = alex_morgan(customer, "alex@example.com");
        let key = format!("{customer}-{product}");
        reserve(&self.seller, buyer, product, &key)
            .await
            .order_number
    }

    pub async fn quote(&mut self, key: &str, customer: &str, plan: &str) -> Quote {
        self.sales
            .create_quote(quote_req(key, customer, plan))
            .await
            .unwrap()
            .into_inner()
            .quote
            .unwrap()
    }

    /// The quote as `customer` reads it.
    pub async fn get(&mut self, quote: &Quote, customer: &str) -> Result<Quote, tonic::Status> {
        self.sales
            .get_quote(GetQuoteRequest {
                quote_id: quote.quote_id.clone(),
                customer_id: customer.into(),
            })
            .await
            .map(|r| r.into_inner().quote.unwrap())
    }

    /// Pays `lines` (payee account, minor units of USD, reference) with the test card;
    /// the payment ID.
    pub async fn pay(&self, lines: &[(&str, i64, &str)], key: &str) -> String {
        let money: Vec<Money> = lines
            .iter()
            .map(|l| Money {
                minor_units: l.1,
                currency: "USD".into(),
            })
            .collect();
        let lines: Vec<(&str, &Money, &str)> = lines
            .iter()
            .zip(&money)
            .map(|(l, m)| (l.0, m, l.2))
            .collect();
        pay(&self.bank, "CUS-A", &lines, key).await
    }

    /// Contracts `quote` for `customer` with `payment_id`.
    pub async fn contract(
        &mut self,
        quote: &Quote,
        customer: &str,
        payment_id: &str,
    ) -> Result<Quote, tonic::Status> {
        self.sales
            .contract_policy(ContractPolicyRequest {
                quote_id: quote.quote_id.clone(),
                customer_id: customer.into(),
                payment_id: payment_id.into(),
                start_date: String::new(),
            })
            .await
            .map(|r| r.into_inner().quote.unwrap())
    }

    pub async fn discount(
        &mut self,
        quote: &Quote,
        customer: &str,
        order: &str,
    ) -> Result<Quote, tonic::Status> {
        self.sales
            .apply_bundle_discount(ApplyBundleDiscountRequest {
                quote_id: quote.quote_id.clone(),
                customer_id: customer.into(),
                order_number: order.into(),
            })
            .await
            .map(|r| r.into_inner().quote.unwrap())
    }
}

/// A quote for a 35-year-old driver of a five-year-old sedan garaged in 94103, with
/// the policyholder and vehicle that match.
pub fn quote_req(key: &str, customer: &str, plan: &str) -> CreateQuoteRequest {
    let year = u32::try_from(chrono::Utc::now().year()).unwrap() - 5;
    CreateQuoteRequest {
        idempotency_key: key.into(),
        customer_id: customer.into(),
        plan_id: plan.into(),
        conditions: Some(RatingConditions {
            driver_age: 35,
            vehicle_class: VehicleClass::Sedan as i32,
            vehicle_year: year,
            annual_mileage: 12_000,
            postal_code: "94103".into(),
            options: vec![],
        }),
        policyholder: Some(Policyholder {
            name: "Alex Morgan".into(),
            date_of_birth: born_aged(35),
            address: Some(Address {
                line1: "1 Market St".into(),
                line2: String::new(),
                city: "San Francisco".into(),
                region: "CA".into(),
                postal_code: "94103".into(),
                country: "US".into(),
            }),
        }),
        vehicle: Some(Vehicle {
            make: "Toyota".into(),
            model: "Corolla".into(),
            year,
            plate: "7ABC123".into(),
            vin: String::new(),
        }),
    }
}

/// A date of birth (YYYY-MM-DD) of someone who turned `age` a month ago.
pub fn born_aged(age: u32) -> String {
    let today = chrono::Utc::now().date_naive();
    (today - chrono::Months::new(age * 12) - chrono::Days::new(30)).to_string()
}

pub fn minor(m: &Option<tandem_proto::common::v1::Money>) -> i64 {
    m.as_ref().unwrap().minor_units
}
