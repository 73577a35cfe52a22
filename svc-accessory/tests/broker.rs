//! The broker's use cases against a real database (SQLite and PostgreSQL) and a real
//! account server over gRPC: unpaid orders are swept after a day and their unit returns
//! (a paid one is not); analyses suppress rows on fewer than five purchasers and count
//! only the asking seller's own sales; a seller login answers the same for an unknown
//! login and a wrong password.

use chrono::Utc;
use sea_orm::EntityTrait;
use svc_accessory::app::App;
use svc_accessory::app::broker::{UNPAID_HOLD, report_tables};
use svc_accessory::store::broker::entity::{commodity, order};
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::orders::test_card;
use tandem_mesh::testing::{Running, TestDb, as_user, connect};
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::{EscrowStatus, GetEscrowsRequest, PayEscrowRequest};

struct World {
    app: App,
    db: sea_orm::DatabaseConnection,
    escrow: EscrowClient<tonic::transport::Channel>,
    _settlement: Running,
    dbs: Vec<TestDb>,
}

async fn world(db: TestDb) -> World {
    let settlement_db = TestDb::sqlite();
    // The account server checking the tests' end-user assertions (PayEscrow needs one).
    let bank =
        <svc_settlement::AccountServer as tandem_mesh::Service>::open_demo(&settlement_db.url)
            .await
            .expect("settlement db");
    let settlement = Running::start(|listener, shutdown| {
        <svc_settlement::AccountServer as tandem_mesh::Service>::serve(
            listener,
            bank,
            (),
            tandem_mesh::testing::server_config(),
            shutdown,
        )
    })
    .await;
    let conn = svc_accessory::testing::open_demo(&db.url).await;
    // The demo sellers and commodities, without the demo history: the tests count.
    order::Entity::delete_many().exec(&conn).await.unwrap();
    let channel = connect(&settlement.url).await;
    // No delivery system here: an address that does not answer.
    let install = tonic::transport::Endpoint::from_static("http://127.0.0.1:1").connect_lazy();
    let app = App::new(
        conn.clone(),
        svc_accessory::CATALOG_TTL,
        install,
        channel.clone(),
        Default::default(),
    );
    World {
        app,
        db: conn,
        escrow: EscrowClient::new(channel),
        _settlement: settlement,
        dbs: vec![db, settlement_db],
    }
}

impl World {
    async fn order(&self, purchaser: &str, commodity_id: &str, kind: &str, key: &str) -> String {
        let found = self
            .app
            .search_commodities(
                purchaser,
                SearchCommoditiesRequest {
                    kind: kind.into(),
                    ..Default::default()
                },
            )
            .await
            .expect("search");
        self.app
            .place_order(
                purchaser,
                PlaceOrderRequest {
                    idempotency_key: key.into(),
                    request_id: found.request_id,
                    commodity_id: commodity_id.into(),
                },
            )
            .await
            .expect("order")
            .order
            .order_id
    }

    async fn stock(&self, commodity_id: &str) -> i32 {
        commodity::Entity::find_by_id(commodity_id.to_owned())
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .stock
    }

    async fn escrow_status(&mut self, order_id: &str) -> i32 {
        self.escrow
            .get_escrows(GetEscrowsRequest {
                order_ids: vec![order_id.into()],
            })
            .await
            .unwrap()
            .into_inner()
            .escrows[0]
            .status
    }

    async fn cleanup(self) {
        for db in self.dbs {
            db.cleanup().await;
        }
    }
}

#[tokio::test]
async fn unpaid_orders_are_cancelled_after_a_day_and_paid_ones_are_kept() {
    for db in TestDb::all().await {
        let mut w = world(db).await;
        let stock = w.stock("CM-ORC-003").await;
        let unpaid = w.order("CUS-1", "CM-ORC-003", "phone-mount", "k-1").await;
        let paid = w.order("CUS-2", "CM-ORC-003", "phone-mount", "k-2").await;
        let pay = as_user(
            PayEscrowRequest {
                idempotency_key: "pay-2".into(),
                order_id: paid.clone(),
                amount: Some(Money {
                    minor_units: 1_900,
                    currency: "USD".into(),
                }),
                card: Some(test_card()),
            },
            "CUS-2",
            Role::Customer,
        );
        w.escrow.pay_escrow(pay).await.expect("pay");
        assert_eq!(w.stock("CM-ORC-003").await, stock - 2);

        // Not yet a day: nothing is swept.
        assert_eq!(w.app.sweep_unpaid(Utc::now()).await.unwrap(), 0);
        let later = Utc::now() + UNPAID_HOLD + chrono::Duration::minutes(1);
        assert_eq!(w.app.sweep_unpaid(later).await.unwrap(), 1);
        assert_eq!(w.escrow_status(&unpaid).await, EscrowStatus::Voided as i32);
        assert_eq!(w.escrow_status(&paid).await, EscrowStatus::Held as i32);
        assert_eq!(w.stock("CM-ORC-003").await, stock - 1);
        // Swept once only.
        assert_eq!(w.app.sweep_unpaid(later).await.unwrap(), 0);
        assert_eq!(w.stock("CM-ORC-003").await, stock - 1);
        w.cleanup().await;
    }
}

#[tokio::test]
async fn analyses_suppress_small_groups_and_count_only_the_sellers_own_sales() {
    for db in TestDb::all().await {
        let w = world(db).await;
        // Jump starters: four purchasers order from Kestrel, then a fifth; Orchid's
        // sales of the same kind are not Kestrel's.
        for i in 1..=4 {
            w.order(
                &format!("CUS-J{i}"),
                "CM-KES-004",
                "jump-starter",
                &format!("j-{i}"),
            )
            .await;
            w.order(
                &format!("CUS-O{i}"),
                "CM-ORC-004",
                "jump-starter",
                &format!("o-{i}"),
            )
            .await;
        }
        let week = svc_accessory::domain::broker::first_week(Utc::now(), 1);
        let bands = |tables: Vec<svc_accessory::domain::broker::report::Table>| {
            tables[0]
                .rows
                .iter()
                .find(|r| r.labels[0] == "USD 50.00–99.99")
                .cloned()
                .unwrap()
        };
        let four = report_tables(&w.db, "seller-kestrel", ReportKind::PriceBands, &week)
            .await
            .unwrap();
        let row = bands(four);
        assert!(row.suppressed, "{row:?}");
        assert_eq!(row.values, [0, 0]);

        w.order("CUS-J5", "CM-KES-004", "jump-starter", "j-5").await;
        let five = report_tables(&w.db, "seller-kestrel", ReportKind::PriceBands, &week)
            .await
            .unwrap();
        let row = bands(five);
        assert!(!row.suppressed, "{row:?}");
        // Five of Kestrel's USD 89.00 orders this week; Orchid's four are not counted.
        assert_eq!(row.values, [5, 5 * 8_900]);

        // The sales history lists only the seller's orders, without purchasers.
        let history = report_tables(&w.db, "seller-orchid", ReportKind::SalesHistory, &week)
            .await
            .unwrap();
        assert_eq!(history[0].rows.len(), 4);
        let text = format!("{history:?}");
        assert!(!text.contains("CUS-"), "{text}");
        w.cleanup().await;
    }
}

#[tokio::test]
async fn a_seller_login_answers_alike_for_unknown_logins_and_wrong_passwords() {
    let w = world(TestDb::sqlite()).await;
    let (seller, name) = w
        .app
        .authenticate_seller("kestrel-desk", "demo-seller-pass")
        .await
        .expect("login");
    assert_eq!(
        (seller.as_str(), name.as_str()),
        ("seller-kestrel", "Kestrel Electronics")
    );
    let wrong = w
        .app
        .authenticate_seller("KESTREL-DESK", "nope-nope-nope")
        .await
        .unwrap_err();
    let unknown = w
        .app
        .authenticate_seller("NOBODY", "demo-seller-pass")
        .await
        .unwrap_err();
    assert_eq!(wrong.to_string(), unknown.to_string());
    let status: tonic::Status = unknown.into();
    assert_eq!(status.code(), tonic::Code::Unauthenticated);
    w.cleanup().await;
}

#[tokio::test]
async fn an_order_placed_while_the_account_server_is_down_is_kept_and_its_escrow_opened_on_replay()
{
    for db in TestDb::all().await {
        let mut w = world(db).await;
        // The same database, but the account server unreachable.
        let down = tonic::transport::Endpoint::from_static("http://127.0.0.1:1").connect_lazy();
        let cut_off = App::new(
            w.db.clone(),
            svc_accessory::CATALOG_TTL,
            down.clone(),
            down,
            Default::default(),
        );
        let stock = w.stock("CM-KES-002").await;
        let found = cut_off
            .search_commodities(
                "CUS-9",
                SearchCommoditiesRequest {
                    kind: "dashcam".into(),
                    ..Default::default()
                },
            )
            .await
            .expect("search needs no account server");
        let place = PlaceOrderRequest {
            idempotency_key: "down-1".into(),
            request_id: found.request_id.clone(),
            commodity_id: "CM-KES-002".into(),
        };
        let err = cut_off
            .place_order("CUS-9", place.clone())
            .await
            .unwrap_err();
        let status: tonic::Status = err.into();
        assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
        // The order and its unit are kept; the replay, with the account server back,
        // answers the same order and opens its escrow — once.
        assert_eq!(w.stock("CM-KES-002").await, stock - 1);
        let replayed = w
            .app
            .place_order("CUS-9", place.clone())
            .await
            .expect("replay");
        let again = w
            .app
            .place_order("CUS-9", place)
            .await
            .expect("replay again");
        assert_eq!(replayed.order.order_id, again.order.order_id);
        assert!(replayed.order.escrow_opened);
        assert_eq!(
            w.escrow_status(&replayed.order.order_id).await,
            EscrowStatus::AwaitingPayment as i32
        );
        assert_eq!(w.stock("CM-KES-002").await, stock - 1);
        w.cleanup().await;
    }
}

#[tokio::test]
async fn a_cancellation_and_a_shipment_never_both_hold_an_order() {
    for db in TestDb::all().await {
        let mut w = world(db).await;
        let down = tonic::transport::Endpoint::from_static("http://127.0.0.1:1").connect_lazy();
        let cut_off = App::new(
            w.db.clone(),
            svc_accessory::CATALOG_TTL,
            down.clone(),
            down,
            Default::default(),
        );
        let stock = w.stock("CM-ORC-004").await;
        let order_id = w.order("CUS-C", "CM-ORC-004", "jump-starter", "c-1").await;
        let pay = as_user(
            PayEscrowRequest {
                idempotency_key: "pay-c".into(),
                order_id: order_id.clone(),
                amount: Some(Money {
                    minor_units: 5_900,
                    currency: "USD".into(),
                }),
                card: Some(test_card()),
            },
            "CUS-C",
            Role::Customer,
        );
        w.escrow.pay_escrow(pay).await.expect("pay");

        // A shipment that opens no delivery (the delivery system is down here) gives the
        // order back: the purchaser may still cancel.
        let failed = w
            .app
            .request_delivery("seller-orchid", &order_id)
            .await
            .unwrap_err();
        assert_eq!(tonic::Status::from(failed).code(), tonic::Code::Unavailable);

        // A cancellation the account server does not hear of still holds the order:
        // the seller cannot ship it, and the sweeper finishes it.
        let interrupted = cut_off
            .cancel_purchase("CUS-C", &order_id)
            .await
            .unwrap_err();
        assert_eq!(
            tonic::Status::from(interrupted).code(),
            tonic::Code::Unavailable
        );
        let refused = w
            .app
            .request_delivery("seller-orchid", &order_id)
            .await
            .unwrap_err();
        assert_eq!(
            tonic::Status::from(refused).code(),
            tonic::Code::FailedPrecondition
        );
        assert_eq!(w.escrow_status(&order_id).await, EscrowStatus::Held as i32);
        assert_eq!(w.stock("CM-ORC-004").await, stock - 1);
        w.app.sweep_unpaid(Utc::now()).await.expect("sweep");
        assert_eq!(
            w.escrow_status(&order_id).await,
            EscrowStatus::Refunded as i32
        );
        assert_eq!(w.stock("CM-ORC-004").await, stock);
        // Asked again, nothing more happens.
        w.app
            .cancel_purchase("CUS-C", &order_id)
            .await
            .expect("again");
        assert_eq!(w.stock("CM-ORC-004").await, stock);
        w.cleanup().await;
    }
}
