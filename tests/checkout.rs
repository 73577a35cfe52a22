//! The bundle checkout end to end: a customer buys a plan and a device through the REST
//! gateway of the real mesh. After every scenario the ledger is summed: money is never
//! created or lost, and stock is where it should be.

mod common;

use std::time::Duration;

use common::shopper::{Shopper, minor};
use common::{Engine, TestMesh};
use serde_json::{Value, json};
use tandem::Target;
use tandem_mesh::ServerConfig;

const PAYS: &str = "4242 4242 4242 4242";
const DECLINED: &str = "4000 0000 0000 0002";
const INSUFFICIENT_FUNDS: &str = "4000 0000 0000 9995";
/// The test processor never answers for this card.
const NO_ANSWER: &str = "4000 0000 0000 0119";
/// Charged, but the test processor refuses to refund it.
const NOT_REFUNDABLE: &str = "4000 0000 0000 0259";

/// Starts a checkout of the Safe Driver plan with `product`: its ID, premium and device
/// price due.
async fn priced(shopper: &mut Shopper, product: &str) -> (String, i64, i64) {
    let (_, checkout) = shopper.checkout("PLN-SAFE-DRIVER", product).await;
    let id = checkout["checkout_id"].as_str().unwrap().to_owned();
    (
        id,
        minor(&checkout["premium_due"]),
        minor(&checkout["device_due"]),
    )
}

#[tokio::test]
async fn a_customer_buys_a_plan_and_a_device_with_the_bundle_discount() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start(engine, ServerConfig::default())
            .await
            .unwrap();
        let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
        shopper.register("sam@example.com", "94103").await;
        let before = shopper.stock("DEV-DC-1002").await;

        let (status, checkout) = shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
        assert_eq!(status, 201, "{engine:?}: {checkout}");
        assert_eq!(checkout["state"], "priced");
        assert!(
            checkout["order_number"]
                .as_str()
                .unwrap()
                .starts_with("TA-")
        );
        assert_eq!(checkout["discount"]["target"], "premium");
        let (premium_due, device_due) = (
            minor(&checkout["premium_due"]),
            minor(&checkout["device_due"]),
        );
        assert_eq!(
            premium_due,
            minor(&checkout["premium"]) - minor(&checkout["discount"]["amount"])
        );
        assert_eq!(minor(&checkout["total"]), premium_due + device_due);
        assert_eq!(shopper.stock("DEV-DC-1002").await, before - 1, "reserved");

        let id = checkout["checkout_id"].as_str().unwrap().to_owned();
        let (status, paid) = shopper.pay(&id, PAYS).await;
        assert_eq!(status, 200, "{paid}");
        assert_eq!(paid["state"], "completed");
        assert!(
            paid["policy"]["policy_number"]
                .as_str()
                .unwrap()
                .starts_with("POL-")
        );
        assert_eq!(
            mesh.merchant_balances().await,
            (premium_due, device_due),
            "{engine:?}"
        );

        // Paying again changes nothing (no second charge).
        let (status, again) = shopper.pay(&id, PAYS).await;
        assert_eq!((status, &again["payment_id"]), (200, &paid["payment_id"]));
        assert_eq!(mesh.merchant_balances().await, (premium_due, device_due));

        // The nearest installers who fit dashcams, nearest first; book the first slot.
        let (status, list) = shopper
            .get(&format!("/api/v1/checkouts/{id}/installers"))
            .await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["origin"]["city"], "San Francisco");
        let installers = list["installers"].as_array().unwrap();
        assert!(!installers.is_empty());
        let distances: Vec<i64> = installers
            .iter()
            .map(|i| i["distance_m"].as_i64().unwrap())
            .collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
        assert!(
            distances[0] < 30_000,
            "an installer near San Francisco: {distances:?}"
        );
        let slot = installers[0]["slots"][0]["slot_id"].as_str().unwrap();
        let (status, booked) = shopper
            .post(
                &format!("/api/v1/checkouts/{id}/installation"),
                json!({"slot_id": slot}),
            )
            .await;
        assert_eq!(status, 200, "{booked}");
        assert_eq!(booked["booking"]["installer_name"], installers[0]["name"]);
        mesh.stop().await;
    }
}

#[tokio::test]
async fn a_declined_card_keeps_the_checkout_and_its_hold_and_another_card_pays() {
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("dee@example.com", "94103").await;
    let before = shopper.stock("DEV-DC-1002").await;
    let (_, checkout) = shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
    let id = checkout["checkout_id"].as_str().unwrap();

    for card in [DECLINED, INSUFFICIENT_FUNDS] {
        let (status, problem) = shopper.pay(id, card).await;
        assert_eq!(status, 402, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("declined"));
        let (_, after) = shopper.get(&format!("/api/v1/checkouts/{id}")).await;
        assert_eq!(after["state"], "priced", "kept for another card: {after}");
        assert_eq!(after["order_number"], checkout["order_number"]);
        assert!(after["failure"].as_str().unwrap().contains("declined"));
        assert_eq!(
            shopper.stock("DEV-DC-1002").await,
            before - 1,
            "the device stays held"
        );
        assert_eq!(mesh.merchant_balances().await, (0, 0), "nothing charged");
    }

    let (status, paid) = shopper.pay(id, PAYS).await;
    assert_eq!(
        (status, &paid["state"]),
        (200, &json!("completed")),
        "{paid}"
    );
    assert_eq!(paid["order_number"], checkout["order_number"]);
    assert!(paid["failure"].is_null(), "{paid}");
    let (insurer, seller) = mesh.merchant_balances().await;
    assert_eq!(
        insurer + seller,
        minor(&paid["total"]),
        "charged once, in full"
    );
    mesh.stop().await;
}

#[tokio::test]
async fn a_declined_checkout_cancelled_by_the_customer_releases_the_device() {
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("dan@example.com", "94103").await;
    let before = shopper.stock("DEV-DC-1002").await;
    let (_, checkout) = shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
    let id = checkout["checkout_id"].as_str().unwrap();
    assert_eq!(shopper.pay(id, DECLINED).await.0, 402);
    let (status, cancelled) = shopper
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/checkouts/{id}"),
            None,
        )
        .await;
    assert_eq!((status, &cancelled["state"]), (200, &json!("cancelled")));
    assert_eq!(shopper.stock("DEV-DC-1002").await, before, "stock released");
    assert_eq!(mesh.merchant_balances().await, (0, 0));
    // A cancelled checkout cannot be paid afterwards.
    assert_eq!(shopper.pay(id, PAYS).await.0, 409);
    mesh.stop().await;
}

#[tokio::test]
async fn out_of_stock_unknown_zip_and_guards() {
    let mesh = TestMesh::sqlite().await;
    let gateway = mesh.url(Target::Gateway);
    let mut shopper = Shopper::visit(&gateway).await;

    // Not logged in.
    assert_eq!(
        shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await.0,
        401
    );
    // Registered at a ZIP code the gazetteer does not know.
    shopper.register("zed@example.com", "00000").await;

    let (status, problem) = shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1004").await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("out of stock"));
    assert_eq!(mesh.merchant_balances().await, (0, 0));

    let (_, checkout) = shopper.checkout("PLN-COMPREHENSIVE", "DEV-TT-1001").await;
    let id = checkout["checkout_id"].as_str().unwrap();
    assert_eq!(
        checkout["discount"]["target"], "device",
        "theft tracker: $50 off the device"
    );
    // Another customer cannot pay it (nor learn that it exists).
    let mut stranger = Shopper::visit(&gateway).await;
    stranger.register("eve@example.com", "94103").await;
    let (status, problem) = stranger.pay(id, PAYS).await;
    assert_eq!(status, 404, "{problem}");
    let (status, paid) = shopper.pay(id, PAYS).await;
    assert_eq!(
        (status, &paid["state"]),
        (200, &json!("completed")),
        "{paid}"
    );
    // Paying again answers the paid checkout and charges nothing more.
    let (status, again) = shopper.pay(id, PAYS).await;
    assert_eq!((status, &again), (200, &paid));
    // The insurer funds its device discount: the seller is paid the order's full total
    // (as it checks with the account server), the insurer the premium less the $50.
    assert_eq!(
        mesh.merchant_balances().await,
        (
            minor(&checkout["premium_due"]) - minor(&checkout["discount"]["amount"]),
            minor(&checkout["device_price"])
        )
    );
    let (status, problem) = shopper
        .get(&format!("/api/v1/checkouts/{id}/installers"))
        .await;
    assert_eq!(status, 400, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("postal_code"),
        "{problem}"
    );

    // Nor see it.
    assert_eq!(
        stranger.get(&format!("/api/v1/checkouts/{id}")).await.0,
        404
    );

    // Without the CSRF header a state-changing call is refused.
    let refused = reqwest::Client::new()
        .post(format!("{gateway}/api/v1/session"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    mesh.stop().await;
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    let wrong = json!({"login": "alex@example.com", "password": "not the password"});
    for _ in 0..5 {
        assert_eq!(shopper.post("/api/v1/session", wrong.clone()).await.0, 401);
    }
    let (status, problem) = shopper
        .post(
            "/api/v1/session",
            json!({"login": "ALEX@example.com", "password": "tandem-demo-2026"}),
        )
        .await;
    assert_eq!(status, 429, "even the right password waits: {problem}");
    let metrics = tandem_mesh::metrics::global().render();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("tandem_throttle_refusals_total{")
                && l.contains(r#"throttle="login""#)),
        "the refusal is counted: {metrics}"
    );
    // Another login is not affected.
    assert_eq!(
        shopper
            .post(
                "/api/v1/session",
                json!({"login": "CUS-DEMO00000001", "password": "tandem-demo-2026"})
            )
            .await
            .0,
        200
    );
    mesh.stop().await;
}

#[tokio::test]
async fn a_card_processor_that_does_not_answer_charges_nothing_and_the_checkout_stays_payable() {
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("ola@example.com", "94103").await;
    let (_, checkout) = shopper.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
    let id = checkout["checkout_id"].as_str().unwrap();

    let (status, problem) = shopper.pay(id, NO_ANSWER).await;
    assert_eq!(status, 503, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("card processor") && detail.contains("Nothing was charged"),
        "{detail}"
    );
    let (_, after) = shopper.get(&format!("/api/v1/checkouts/{id}")).await;
    assert_eq!(after["state"], "priced", "still payable: {after}");
    assert_eq!(mesh.merchant_balances().await, (0, 0));

    // Another card finishes the same checkout.
    let (status, paid) = shopper.pay(id, PAYS).await;
    assert_eq!(
        (status, &paid["state"]),
        (200, &json!("completed")),
        "{paid}"
    );
    mesh.stop().await;
}

#[tokio::test]
async fn with_the_account_server_down_nothing_is_charged_and_the_checkout_can_be_cancelled() {
    let mesh = TestMesh::start_without(
        Engine::Sqlite,
        ServerConfig::default(),
        &[Target::Settlement],
    )
    .await
    .unwrap();
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("una@example.com", "94103").await;
    let before = shopper.stock("DEV-NAV-1001").await;
    let (_, checkout) = shopper.checkout("PLN-PREMIUM-PLUS", "DEV-NAV-1001").await;
    let id = checkout["checkout_id"].as_str().unwrap();
    let (status, problem) = shopper.pay(id, PAYS).await;
    assert_eq!(status, 503, "{problem}");
    assert_eq!(
        shopper.get(&format!("/api/v1/checkouts/{id}")).await.1["state"],
        "priced",
        "still payable"
    );
    let (status, cancelled) = shopper
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/checkouts/{id}"),
            None,
        )
        .await;
    assert_eq!((status, &cancelled["state"]), (200, &json!("cancelled")));
    assert_eq!(shopper.stock("DEV-NAV-1001").await, before);
    mesh.stop().await;
}

/// A gateway of our own over the mesh's servers and the given database.
async fn gateway(
    mesh: &TestMesh,
    db_url: &str,
    crash_after: Option<tandem_gateway::checkout::State>,
) -> tandem_mesh::testing::Running {
    let mut config = mesh.gateway_config(None);
    config.recover_after = Duration::ZERO;
    let faults = tandem_gateway::checkout::Faults { crash_after };
    common::start_faulty_gateway(config, faults, db_url).await
}

#[tokio::test]
async fn a_gateway_killed_mid_checkout_is_finished_or_compensated_by_the_next() {
    use tandem_gateway::checkout::State;
    let mesh = TestMesh::start_without(Engine::Sqlite, ServerConfig::default(), &[Target::Gateway])
        .await
        .unwrap();
    let db = tandem_mesh::testing::TestDb::sqlite();

    // Killed right after the payment was recorded: the next gateway completes the sale.
    let first = gateway(&mesh, &db.url, Some(State::Paid)).await;
    let mut shopper = Shopper::visit(&first.url).await;
    shopper.register("kim@example.com", "94103").await;
    let before = shopper.stock("DEV-CW-1001").await;
    let (id, premium_due, device_due) = priced(&mut shopper, "DEV-CW-1001").await;
    assert_eq!(
        shopper.pay(&id, PAYS).await.0,
        503,
        "the gateway dies after the payment"
    );
    first.stop().await;

    // Killed after "paying" was recorded, before the card was charged: compensated.
    let second = gateway(&mesh, &db.url, Some(State::Paying)).await;
    let mut other = Shopper::visit(&second.url).await;
    other.register("lee@example.com", "94103").await;
    let (_, unpaid) = other.checkout("PLN-SAFE-DRIVER", "DEV-CW-1001").await;
    let unpaid_id = unpaid["checkout_id"].as_str().unwrap().to_owned();
    assert_eq!(other.pay(&unpaid_id, PAYS).await.0, 503);
    second.stop().await;

    // Killed once the quote and the reservation were made, before the log learnt their
    // numbers: undone by the keys that made them.
    let early = gateway(&mesh, &db.url, Some(State::Creating)).await;
    let mut max = Shopper::visit(&early.url).await;
    max.register("max@example.com", "94103").await;
    assert_eq!(max.checkout("PLN-SAFE-DRIVER", "DEV-CW-1001").await.0, 503);
    early.stop().await;

    // A restarted gateway settles all three at start.
    let third = gateway(&mesh, &db.url, None).await;
    let (mut check, done) = settled(&third.url, "kim@example.com", &id, "completed").await;
    assert!(
        done["policy"]["policy_number"]
            .as_str()
            .unwrap()
            .starts_with("POL-")
    );

    let mut check_other = Shopper::visit(&third.url).await;
    check_other
        .post(
            "/api/v1/session",
            json!({"login": "lee@example.com", "password": "correct horse battery"}),
        )
        .await;
    let undone = check_other
        .get(&format!("/api/v1/checkouts/{unpaid_id}"))
        .await
        .1;
    assert_eq!(undone["state"], "cancelled", "{undone}");

    assert_eq!(
        mesh.merchant_balances().await,
        (premium_due, device_due),
        "exactly one sale was charged"
    );
    let interrupted = interrupted_checkouts(&db.url).await;
    assert_eq!(interrupted.len(), 1, "{interrupted:?}");
    assert_eq!(
        (
            interrupted[0].quote_id.as_deref(),
            interrupted[0].order_number.as_deref()
        ),
        (None, None),
        "the log never learnt the numbers"
    );
    assert_eq!(
        check.stock("DEV-CW-1001").await,
        before - 1,
        "one unit sold, the other two released"
    );
    third.stop().await;
    mesh.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn a_refund_the_card_processor_refuses_is_left_to_staff() {
    use tandem_gateway::checkout::State;
    use tandem_proto::accessory::v1::CancelOrderRequest;
    use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
    let mesh = TestMesh::start_without(Engine::Sqlite, ServerConfig::default(), &[Target::Gateway])
        .await
        .unwrap();
    let db = tandem_mesh::testing::TestDb::sqlite();

    // Paid with a card whose charges cannot be refunded; the gateway dies right after.
    let first = gateway(&mesh, &db.url, Some(State::Paid)).await;
    let mut shopper = Shopper::visit(&first.url).await;
    let me = shopper.register("nora@example.com", "94103").await;
    let customer_id = me["customer"]["customer_id"]
        .as_str()
        .expect("customer_id")
        .to_owned();
    let before = shopper.stock("DEV-CW-1001").await;
    let (id, premium_due, device_due) = priced(&mut shopper, "DEV-CW-1001").await;
    assert_eq!(shopper.pay(&id, NOT_REFUNDABLE).await.0, 503);
    first.stop().await;

    // Meanwhile the seller cancels the reservation: the order cannot be confirmed.
    AccessoryOrdersClient::new(mesh.channel(Target::Accessory))
        .cancel_order(CancelOrderRequest {
            order_number: String::new(),
            customer_id,
            reason: "reservation lapsed".into(),
            reservation_key: format!("{id}:reserve"),
        })
        .await
        .unwrap();

    // The next gateway finds the payment, is refused the order, and tries to refund: the
    // processor refuses, so the checkout says so and is not tried again.
    let second = gateway(&mesh, &db.url, None).await;
    let (mut check, done) = settled(&second.url, "nora@example.com", &id, "refund_failed").await;
    assert!(
        done["failure"]
            .as_str()
            .unwrap()
            .contains("accessory refused the purchase after payment"),
        "{done}"
    );
    // The charge stands in a balanced ledger until staff return it; the device is back.
    assert_eq!(mesh.merchant_balances().await, (premium_due, device_due));
    assert_eq!(check.stock("DEV-CW-1001").await, before);
    second.stop().await;
    // Operators see it: the outcome is counted (only this test ends one that way).
    let metrics = tandem_mesh::metrics::global().render();
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("tandem_checkout_outcomes_total{")
                && l.contains(r#"outcome="refund_failed""#)
                && l.ends_with(" 1")),
        "{metrics}"
    );

    mesh.stop().await;
    db.cleanup().await;
}

/// Logs `login` in at the gateway at `url` and waits (up to 5 s) for checkout `id` to
/// reach `state`, which the gateway's recovery brings about; the shopper and the checkout.
async fn settled(url: &str, login: &str, id: &str, state: &str) -> (Shopper, Value) {
    let mut shopper = Shopper::visit(url).await;
    shopper
        .post(
            "/api/v1/session",
            json!({"login": login, "password": "correct horse battery"}),
        )
        .await;
    let mut done = Value::Null;
    for _ in 0..50 {
        done = shopper.get(&format!("/api/v1/checkouts/{id}")).await.1;
        if done["state"] == state {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["state"], state, "{done}");
    (shopper, done)
}

/// Checkouts the gateway cancelled because they were interrupted before payment.
async fn interrupted_checkouts(
    db_url: &str,
) -> Vec<tandem_gateway::store::entity::checkout::Model> {
    use sea_orm_migration::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use tandem_gateway::store::entity::checkout;
    let db = tandem_gateway::open(db_url).await.unwrap();
    let rows = checkout::Entity::find()
        .filter(checkout::Column::State.eq("cancelled"))
        .filter(checkout::Column::Failure.eq("interrupted before payment"))
        .all(&db)
        .await
        .unwrap();
    db.close().await.ok();
    rows
}

#[test]
fn the_contract_check_refuses_what_the_document_does_not_list() {
    use common::shopper::conforms;
    let doc = json!({
        "paths": {"/api/v1/things/{id}": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
        "components": {"schemas": {"Thing": {"type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}}}}}
    });
    let get = reqwest::Method::GET;
    let check = |status, content_type: &'static str, body: &'static str| {
        let doc = doc.clone();
        let get = get.clone();
        std::panic::catch_unwind(move || {
            conforms(&doc, &get, "/api/v1/things/T-1", status, content_type, body)
        })
        .is_ok()
    };
    assert!(check(200, "application/json", r#"{"id":"T-1"}"#));
    assert!(!check(404, "application/json", "{}"), "an unlisted status");
    assert!(!check(200, "text/plain", "T-1"), "an unlisted content type");
    assert!(
        !check(200, "application/json", r#"{"id":1}"#),
        "a body the schema rejects"
    );
}
