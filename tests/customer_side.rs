//! The customer's side of a sale (issue 15) through the REST gateway of the real mesh:
//! a plan alone, a device alone, conditions confirmed against the registration, the
//! purchases consent answered at checkout, the appointment chosen before payment and named
//! in the receipt, then moved and cancelled, and cancelling the policy in its cooling-off
//! period and the order before it ships — each refunded once, the ledger balanced. On
//! SQLite, and on PostgreSQL when configured.

mod common;

use std::time::Duration;

use common::shopper::{Shopper, minor};
use common::smtp::MailServer;
use common::{Engine, TestMesh, leads_config_with_smtp};
use serde_json::{Value, json};
use tandem::Target;
use tandem_mesh::ServerConfig;
use tandem_proto::accessory::v1::ShipOrderRequest;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;

const PAYS: &str = "4242 4242 4242 4242";
const WAIT: Duration = Duration::from_secs(30);

/// Starts and pays a checkout of `body`; the completed checkout.
async fn buy(shopper: &mut Shopper, body: Value) -> Value {
    let (status, checkout) = shopper.post("/api/v1/checkouts", body).await;
    assert_eq!(status, 201, "{checkout}");
    let id = checkout["checkout_id"].as_str().unwrap().to_owned();
    let (status, paid) = shopper.pay(&id, PAYS).await;
    assert_eq!(
        (status, &paid["state"]),
        (200, &json!("completed")),
        "{paid}"
    );
    paid
}

/// Polls checkout `id` until `done` holds for it.
async fn until(
    shopper: &mut Shopper,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (_, c) = shopper.get(&format!("/api/v1/checkouts/{id}")).await;
        if done(&c) {
            return c;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {c}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_plan_alone_and_a_device_alone_go_through_the_same_checkout_without_discount() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start(engine, ServerConfig::default())
            .await
            .unwrap();
        let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
        shopper.register("solo@example.com", "94103").await;

        let body = shopper.checkout_body(Some("PLN-SAFE-DRIVER"), None).await;
        let plan = buy(&mut shopper, body).await;
        assert!(
            plan["device"].is_null() && plan["order_number"].is_null(),
            "{plan}"
        );
        assert!(plan["discount"].is_null(), "no bundle, no discount: {plan}");
        assert_eq!(minor(&plan["total"]), minor(&plan["premium"]));
        assert!(
            plan["policy"]["policy_number"]
                .as_str()
                .unwrap()
                .starts_with("POL-")
        );
        assert_eq!(
            mesh.merchant_balances().await,
            (minor(&plan["total"]), 0),
            "{engine:?}"
        );

        let before = shopper.stock("DEV-DC-1002").await;
        let device = buy(&mut shopper, json!({"product_id": "DEV-DC-1002"})).await;
        assert!(
            device["plan"].is_null() && device["policy"].is_null(),
            "{device}"
        );
        assert!(device["discount"].is_null(), "{device}");
        assert_eq!(minor(&device["device_due"]), minor(&device["device_price"]));
        assert_eq!(shopper.stock("DEV-DC-1002").await, before - 1);
        assert_eq!(
            mesh.merchant_balances().await,
            (minor(&plan["total"]), minor(&device["total"]))
        );

        let (status, list) = shopper.get("/api/v1/account/purchases").await;
        assert_eq!(status, 200, "{list}");
        let ids: Vec<&str> = list["purchases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["checkout_id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [&device["checkout_id"], &plan["checkout_id"]].map(|v| v.as_str().unwrap()),
            "newest first"
        );
        // Each gets its receipt, the plan alone (no order number) too.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let (_, mail) = shopper.get("/api/v1/account/mail").await;
            let subjects: Vec<&str> = mail["mail"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["subject"].as_str().unwrap())
                .collect();
            let policy = plan["policy"]["policy_number"].as_str().unwrap();
            if subjects.len() == 2 {
                assert!(subjects[1].contains(policy), "{subjects:?}");
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "{mail}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        mesh.stop().await;
    }
}

#[tokio::test]
async fn conditions_that_contradict_the_registration_are_named_at_once_and_start_nothing() {
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("rated@example.com", "94103").await;
    let before = shopper.stock("DEV-DC-1002").await;

    // Every field error at once, in plain words.
    let (status, problem) = shopper
        .post(
            "/api/v1/checkouts",
            json!({"plan_id": "PLN-SAFE-DRIVER", "product_id": "DEV-DC-1002", "conditions": {
                "driver_age": 12, "vehicle_class": "boat", "vehicle_year": 2020,
                "annual_mileage": 9000, "postal_code": "9410"}}),
        )
        .await;
    assert_eq!(status, 400, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "conditions.driver_age",
            "conditions.vehicle_class",
            "conditions.postal_code",
            "vehicle"
        ],
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Driver age must be between 16 and 99")
    );

    // Valid, but not what the registration says: a wrong age, an unconfirmed ZIP code.
    let mut body = shopper
        .checkout_body(Some("PLN-SAFE-DRIVER"), Some("DEV-DC-1002"))
        .await;
    let age = body["conditions"]["driver_age"].as_u64().unwrap();
    body["conditions"]["driver_age"] = json!(age + 4);
    body["conditions"]["postal_code"] = json!("10001");
    body["confirm_postal_code"] = json!(false);
    let (status, problem) = shopper.post("/api/v1/checkouts", body.clone()).await;
    assert_eq!(status, 400, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("makes you {age}, not {}", age + 4)),
        "{detail}"
    );
    assert!(
        detail.contains("94103"),
        "the registered ZIP code is named: {detail}"
    );
    let (_, list) = shopper.get("/api/v1/account/purchases").await;
    assert_eq!(list["purchases"], json!([]), "nothing started");
    assert_eq!(shopper.stock("DEV-DC-1002").await, before, "nothing held");

    // The right age and a confirmed ZIP code: priced, and the policy records it all.
    body["conditions"]["driver_age"] = json!(age);
    body["confirm_postal_code"] = json!(true);
    let paid = buy(&mut shopper, body).await;
    assert_eq!(paid["conditions"]["postal_code"], "10001", "{paid}");
    assert_eq!(paid["vehicle"]["make"], "Toyota");
    let id = paid["checkout_id"].as_str().unwrap();
    let (status, schedule) = shopper.get(&format!("/api/v1/checkouts/{id}/policy")).await;
    assert_eq!(status, 200, "{schedule}");
    assert_eq!(schedule["policyholder"]["name"], "Sam Rivera");
    assert_eq!(schedule["policyholder"]["date_of_birth"], "1990-05-01");
    assert_eq!(schedule["policyholder"]["address"]["postal_code"], "94103");
    assert_eq!(
        (
            &schedule["vehicle"]["make"],
            &schedule["vehicle"]["model"],
            &schedule["vehicle"]["plate"]
        ),
        (&json!("Toyota"), &json!("Camry"), &json!("7ABC123"))
    );
    assert_eq!(schedule["conditions"]["postal_code"], "10001");
    assert_eq!(schedule["conditions"]["driver_age"], json!(age));
    mesh.stop().await;
}

#[tokio::test]
async fn the_purchases_consent_is_recorded_as_answered_at_checkout() {
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("consent@example.com", "94103").await;
    let (_, consents) = shopper.get("/api/v1/consents").await;
    let purchases = |c: &Value| {
        c["consents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["purpose"] == "purchases")
            .cloned()
            .unwrap()
    };
    let version = purchases(&consents)["wording_version"].clone();
    assert_eq!(purchases(&consents)["granted"], false);

    for answer in [true, false] {
        let mut body = shopper.checkout_body(None, Some("DEV-DC-1002")).await;
        body["notify_staff"] = json!(answer);
        body["consent_wording_version"] = version.clone();
        let (status, checkout) = shopper.post("/api/v1/checkouts", body).await;
        assert_eq!(status, 201, "{checkout}");
        let (_, consents) = shopper.get("/api/v1/consents").await;
        assert_eq!(purchases(&consents)["granted"], answer, "{consents}");
        let last = consents["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["purpose"] == "purchases")
            .max_by_key(|r| r["recorded_at"].as_str().unwrap().to_owned())
            .unwrap()
            .clone();
        assert_eq!(
            (&last["source"], &last["wording_version"], &last["granted"]),
            (&json!("confirmation_page"), &version, &json!(answer)),
            "{consents}"
        );
    }

    // The answer without the wording shown is refused, and nothing is started.
    let mut body = shopper.checkout_body(None, Some("DEV-DC-1002")).await;
    body["notify_staff"] = json!(true);
    let (status, problem) = shopper.post("/api/v1/checkouts", body).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "consent_wording_version");
    mesh.stop().await;
}

#[tokio::test]
async fn cancelling_the_policy_and_the_order_refunds_each_once_and_the_ledger_balances() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start(engine, ServerConfig::default())
            .await
            .unwrap();
        let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
        shopper.register("change@example.com", "94103").await;
        let before = shopper.stock("DEV-DC-1002").await;
        let body = shopper
            .checkout_body(Some("PLN-SAFE-DRIVER"), Some("DEV-DC-1002"))
            .await;
        let paid = buy(&mut shopper, body).await;
        let id = paid["checkout_id"].as_str().unwrap().to_owned();
        let (premium_due, device_due) = (minor(&paid["premium_due"]), minor(&paid["device_due"]));
        assert_eq!(
            mesh.merchant_balances().await,
            (premium_due, device_due),
            "{engine:?}"
        );

        // The policy, in its cooling-off period: the insurer's line comes back.
        let path = format!("/api/v1/checkouts/{id}/policy/cancellation");
        let (status, cancelled) = shopper.post(&path, json!({})).await;
        assert_eq!(status, 200, "{cancelled}");
        assert_eq!(
            minor(&cancelled["policy"]["cancellation"]["refund"]),
            premium_due
        );
        let refunded = until(&mut shopper, &id, "policy refunded", |c| {
            c["policy"]["cancellation"]["refund_state"] == "refunded"
        })
        .await;
        assert_eq!(
            mesh.merchant_balances().await,
            (0, device_due),
            "{engine:?}: {refunded}"
        );
        let (status, again) = shopper.post(&path, json!({})).await;
        assert_eq!((status, &again["policy"]), (200, &refunded["policy"]));
        assert_eq!(
            mesh.merchant_balances().await,
            (0, device_due),
            "a replay refunds nothing"
        );
        let (_, schedule) = shopper.get(&format!("/api/v1/checkouts/{id}/policy")).await;
        assert_eq!(schedule["cancelled"], true, "the insurer knows: {schedule}");

        // The order, before it ships: the seller's line comes back, the device too.
        let path = format!("/api/v1/checkouts/{id}/order/cancellation");
        let (status, cancelled) = shopper.post(&path, json!({})).await;
        assert_eq!(status, 200, "{cancelled}");
        until(&mut shopper, &id, "order refunded", |c| {
            c["order_cancellation"]["refund_state"] == "refunded"
        })
        .await;
        assert_eq!(mesh.merchant_balances().await, (0, 0), "{engine:?}");
        assert_eq!(shopper.stock("DEV-DC-1002").await, before);
        assert_eq!(shopper.post(&path, json!({})).await.0, 200);
        assert_eq!(mesh.merchant_balances().await, (0, 0));

        // A shipped order cannot be cancelled; nothing changes.
        let shipped = buy(&mut shopper, json!({"product_id": "DEV-DC-1002"})).await;
        let mut warehouse = AccessoryOrdersClient::new(mesh.channel_as(Target::Accessory, "admin"));
        warehouse
            .ship_order(ShipOrderRequest {
                order_number: shipped["order_number"].as_str().unwrap().into(),
                carrier_reference: "1Z999".into(),
            })
            .await
            .unwrap();
        let id = shipped["checkout_id"].as_str().unwrap();
        let (status, problem) = shopper
            .post(
                &format!("/api/v1/checkouts/{id}/order/cancellation"),
                json!({}),
            )
            .await;
        assert_eq!(status, 409, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("shipped"),
            "{problem}"
        );
        assert_eq!(
            mesh.merchant_balances().await,
            (0, minor(&shipped["total"]))
        );
        mesh.stop().await;
    }
}

#[tokio::test]
async fn an_appointment_chosen_before_payment_is_in_the_receipt_then_moved_and_cancelled() {
    let smtp = MailServer::start();
    let mesh = TestMesh::start_with_leads(Engine::Sqlite, leads_config_with_smtp(&smtp))
        .await
        .unwrap();
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("fit@example.com", "94103").await;
    let body = shopper
        .checkout_body(Some("PLN-SAFE-DRIVER"), Some("DEV-DC-1002"))
        .await;
    let (_, checkout) = shopper.post("/api/v1/checkouts", body).await;
    let id = checkout["checkout_id"].as_str().unwrap().to_owned();
    let (_, list) = shopper
        .get(&format!("/api/v1/checkouts/{id}/installers"))
        .await;
    let installer = &list["installers"][0];
    let (first, second) = (
        installer["slots"][0]["slot_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        installer["slots"][1]["slot_id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );

    let (status, paid) = shopper
        .post(
            &format!("/api/v1/checkouts/{id}/payment"),
            json!({"slot_id": first, "card": {"number": PAYS, "expiry_month": 12,
                "expiry_year": 2031, "cvc": "123", "holder_name": "Sam Rivera"}}),
        )
        .await;
    assert_eq!(
        (status, &paid["state"]),
        (200, &json!("completed")),
        "{paid}"
    );
    let booking = &paid["booking"];
    assert_eq!(booking["installer_name"], installer["name"], "{paid}");
    assert_eq!(booking["installer_phone"], installer["phone"]);
    assert!(
        !booking["installer_address"].as_str().unwrap().is_empty(),
        "{paid}"
    );

    let receipt = smtp.wait_for("fit@example.com", 1, WAIT).await;
    let name = installer["name"].as_str().unwrap();
    assert!(
        receipt[0].body_contains(name)
            && receipt[0].body_contains(installer["phone"].as_str().unwrap()),
        "the receipt names the appointment:\n{}",
        receipt[0].data
    );
    assert!(
        receipt[0].body_contains("Sam Rivera") && receipt[0].body_contains("Toyota Camry"),
        "the receipt names the policyholder and the car:\n{}",
        receipt[0].data
    );

    // Moved, then cancelled: an e-mail each, and the booking follows.
    let path = format!("/api/v1/checkouts/{id}/installation");
    let (status, moved) = shopper.post(&path, json!({"slot_id": second})).await;
    assert_eq!(status, 200, "{moved}");
    assert_ne!(moved["booking"]["booking_id"], booking["booking_id"]);
    let (status, cancelled) = shopper.send(reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 200, "{cancelled}");
    assert!(cancelled["booking"].is_null(), "{cancelled}");
    let mails = smtp.wait_for("fit@example.com", 3, WAIT).await;
    let subjects: Vec<String> = mails.iter().filter_map(|m| m.header("Subject")).collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");

    let (status, mail) = shopper.get("/api/v1/account/mail").await;
    assert_eq!(status, 200, "{mail}");
    let kinds: Vec<&str> = mail["mail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["appointment", "appointment", "receipt"], "{mail}");
    mesh.stop().await;
}

#[tokio::test]
async fn cancellations_back_to_back_each_finish_refunded() {
    // The policy's refund lands in the background while the order's cancellation is
    // being recorded: neither may put the other's refund state back.
    let mesh = TestMesh::sqlite().await;
    let mut shopper = Shopper::visit(&mesh.url(Target::Gateway)).await;
    shopper.register("both@example.com", "94103").await;
    let body = shopper
        .checkout_body(Some("PLN-SAFE-DRIVER"), Some("DEV-DC-1002"))
        .await;
    let paid = buy(&mut shopper, body).await;
    let id = paid["checkout_id"].as_str().unwrap().to_owned();
    for part in ["policy", "order"] {
        let path = format!("/api/v1/checkouts/{id}/{part}/cancellation");
        let (status, body) = shopper.post(&path, json!({})).await;
        assert_eq!(status, 200, "{body}");
    }
    let done = until(&mut shopper, &id, "both refunded", |c| {
        c["policy"]["cancellation"]["refund_state"] == "refunded"
            && c["order_cancellation"]["refund_state"] == "refunded"
    })
    .await;
    assert_eq!(mesh.merchant_balances().await, (0, 0), "{done}");
    mesh.stop().await;
}
