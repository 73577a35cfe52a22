//! Buy-back end to end through the REST gateway of the real mesh (seed 004): a customer
//! who bought a dashcam sees the designated buy-back center on the order, gets an instant
//! estimate, applies with the order number and the personal data given at purchase, is
//! verified by the sales center and told where to send the device and where the money
//! goes, sends the item, is inspected by the center's staff (a staff member logged in to
//! the desk with their own password, recorded as the inspector; a counteroffer, which
//! needs a note, shows what changed the grade; accepted), is paid price + benefit in one
//! ledger transaction, and the sales center shows the result. A stranger with a guessed
//! order number learns nothing, has no application stored, is told the attempts left and
//! is locked after five — without locking the owner out. On SQLite and PostgreSQL; the
//! ledger is balanced throughout.

mod common;

use std::time::Duration;

use common::shopper::Shopper;
use common::{DESK_LOGIN, TestMesh};
use serde_json::{Value, json};
use tandem::Target;
use tandem_mesh::ServerConfig;

const PAYS: &str = "4242 4242 4242 4242";

/// The customer account's balance, after checking that the whole ledger balances.
async fn credited(mesh: &TestMesh, customer: &str) -> i64 {
    let account = format!("customer:{customer}");
    tandem_mesh::testing::ledger::balance(&mesh.ledger().await, &account, "USD")
}

/// Buys a plan with `product` and pays; the order number.
async fn bought(shopper: &mut Shopper, product: &str) -> String {
    let (status, checkout) = shopper.checkout("PLN-SAFE-DRIVER", product).await;
    assert_eq!(status, 201, "{checkout}");
    let id = checkout["checkout_id"].as_str().unwrap().to_owned();
    let (status, paid) = shopper.pay(&id, PAYS).await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["state"], "completed");
    paid["order_number"].as_str().unwrap().to_owned()
}

fn application(order: &str, name: &str, email: &str) -> Value {
    json!({
        "order_number": order,
        "personal": {"name": name, "email": email, "phone": "(415) 555-0199", "postal_code": "94103"},
        "item": {"category": "dashcam", "maker": "Roadlens", "model": "RL-1"},
        "answers": {"powers_on": true, "screen": "scratched", "damage": "none", "accessories_complete": true}
    })
}

#[tokio::test]
async fn a_customer_sells_back_an_old_dashcam_with_the_order_number() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start(engine, ServerConfig::default())
            .await
            .unwrap();
        let base = mesh.url(Target::Gateway);
        let mut sam = Shopper::visit(&base).await;
        let email = format!("sam-{}@example.com", uuid_like());
        let customer = sam.register(&email, "94103").await;
        let customer_id = customer["customer_id"]
            .as_str()
            .or_else(|| customer["customer"]["customer_id"].as_str())
            .unwrap()
            .to_owned();
        let order = bought(&mut sam, "DEV-DC-1002").await;

        // The sales center designates the buy-back center for the targeted dashcam.
        let (status, designation) = sam.get(&format!("/api/v1/buyback/orders/{order}")).await;
        assert_eq!(status, 200, "{designation}");
        assert_eq!(designation["targeted"], true);
        assert_eq!(designation["center_name"], "Tandem Buy-back Center");
        assert!(
            designation["how_to_apply"]
                .as_str()
                .unwrap()
                .contains(&order)
        );
        assert_eq!(designation["benefits"][0]["amount"]["minor_units"], 5_000);

        // The instant estimate.
        let (status, estimate) = sam
            .post("/api/v1/buyback/estimates", json!({"item": {"category": "dashcam", "maker": "Roadlens", "model": "RL-1"},
                "answers": {"powers_on": true, "screen": "scratched", "damage": "none", "accessories_complete": true}}))
            .await;
        assert_eq!(
            (
                status,
                estimate["grade"].as_str(),
                estimate["price"]["minor_units"].as_i64()
            ),
            (200, Some("B"), Some(3_500)),
            "{estimate}"
        );

        // A typo in the order number is caught by its check character.
        let mut typo = order.clone().into_bytes();
        let i = typo.len() - 1;
        typo[i] = if typo[i] == b'7' { b'8' } else { b'7' };
        let (status, problem) = sam
            .post(
                "/api/v1/buyback/applications",
                application(&String::from_utf8(typo).unwrap(), "Sam Rivera", &email),
            )
            .await;
        assert_eq!(status, 400, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "order_number");

        // A stranger with the order number and a guessed name, and with a guessed order
        // number, gets the same answer: not confirmed, nothing stored, attempts left.
        let mut stranger = Shopper::visit(&base).await;
        stranger
            .register(&format!("eve-{}@example.com", uuid_like()), "10001")
            .await;
        let (status, wrong) = stranger
            .post(
                "/api/v1/buyback/applications",
                application(&order, "Eve Stranger", &email),
            )
            .await;
        assert_eq!(
            (status, wrong["attempts_remaining"].as_u64()),
            (409, Some(4)),
            "{wrong}"
        );
        let guessed = svc_accessory::domain::OrderNumber::generate(4242).to_string();
        let (status, unknown) = stranger
            .post(
                "/api/v1/buyback/applications",
                application(&guessed, "Sam Rivera", &email),
            )
            .await;
        assert_eq!(
            (status, unknown["attempts_remaining"].as_u64()),
            (409, Some(3)),
            "{unknown}"
        );
        let detail = |p: &Value| {
            p["detail"]
                .as_str()
                .unwrap()
                .replace(" 3 attempts", " 4 attempts")
        };
        assert_eq!(detail(&wrong), detail(&unknown), "nothing about the order");
        assert!(detail(&wrong).contains("could not confirm"), "{wrong}");
        assert!(wrong.get("locked_until").is_none());
        let (_, none) = stranger.get("/api/v1/buyback/applications").await;
        assert_eq!(none["applications"], json!([]), "no application stored");

        // The owner, typing the data differently, is verified and sees the benefit.
        let (status, app) = sam
            .post(
                "/api/v1/buyback/applications",
                application(
                    &order.to_lowercase(),
                    "  SAM   RIVERA ",
                    &email.to_uppercase(),
                ),
            )
            .await;
        assert_eq!(
            (status, app["state"].as_str()),
            (201, Some("verified")),
            "{app}"
        );
        assert_eq!(app["benefit"]["minor_units"], 5_000);
        assert_eq!(app["total"]["minor_units"], 8_500);
        assert_eq!(app["purchased"]["product_id"], "DEV-DC-1002");
        let id = app["application_id"].as_str().unwrap().to_owned();
        // Where to send the device, and where the money goes.
        assert_eq!(
            app["shipping"]["label_reference"],
            format!("LBL-{}", &id[3..]),
            "{app}"
        );
        assert_eq!(app["shipping"]["address"]["postal_code"], "94607");
        assert_eq!(
            app["payout_destination"]["account"],
            format!("customer:{customer_id}")
        );
        assert!(
            app["payout_destination"]["how_to_withdraw"]
                .as_str()
                .unwrap()
                .contains("withdraw")
        );
        assert!(app["grade_change"].is_null());
        let (status, shipped) = sam
            .post(
                &format!("/api/v1/buyback/applications/{id}/shipment"),
                json!({}),
            )
            .await;
        assert_eq!(
            (status, shipped["state"].as_str()),
            (200, Some("awaiting_item")),
            "{shipped}"
        );

        // Staff inspect it: a cracked screen, grade C — a counteroffer. The desk needs a
        // staff member's own login; a customer's session is not one.
        let desk = "/api/v1/buyback/desk/applications";
        let mut kai = Shopper::visit(&base).await;
        assert_eq!(kai.get(desk).await.0, 401);
        assert_eq!(
            sam.get(desk).await.0,
            401,
            "a customer session is not a desk one"
        );
        let session = "/api/v1/buyback/desk/session";
        let (status, wrong) = kai
            .post(
                session,
                json!({"login": DESK_LOGIN.0, "password": "not-the-password"}),
            )
            .await;
        assert_eq!(status, 401, "{wrong}");
        let (status, unknown) = kai
            .post(
                session,
                json!({"login": "BBS-NOBODY", "password": "not-the-password"}),
            )
            .await;
        assert_eq!((status, &unknown["detail"]), (401, &wrong["detail"]));
        assert_eq!(kai.get(desk).await.0, 401);
        let (status, me) = kai
            .post(
                session,
                json!({"login": DESK_LOGIN.0, "password": DESK_LOGIN.1}),
            )
            .await;
        assert_eq!(
            (status, me["staff"]["staff_id"].as_str()),
            (200, Some("BBS-KAI")),
            "{me}"
        );
        let (status, me) = kai.get(session).await;
        assert_eq!(
            (status, me["staff"]["name"].as_str()),
            (200, Some("Kai Nakamura")),
            "{me}"
        );
        let (status, waiting) = kai.get(desk).await;
        assert_eq!(status, 200, "{waiting}");
        assert!(
            waiting["applications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["application_id"] == id.as_str())
        );
        let inspection = format!("{desk}/{id}/inspection");
        let (status, silent) = kai.post(&inspection, json!({"grade": "C"})).await;
        assert_eq!(status, 400, "a lower grade needs a note: {silent}");
        assert_eq!(silent["errors"][0]["field"], "note");
        let grade_c = json!({"grade": "C", "note": "screen cracked"});
        assert_eq!(sam.post(&inspection, grade_c.clone()).await.0, 401);
        let (status, offered) = kai.post(&inspection, grade_c).await;
        assert_eq!(
            (status, offered["state"].as_str()),
            (200, Some("counteroffered")),
            "{offered}"
        );
        assert_eq!(offered["inspected_by"], "BBS-KAI");
        // Logged out, the desk is closed again.
        assert_eq!(
            kai.send(reqwest::Method::DELETE, session, None).await.0,
            204
        );
        assert_eq!(kai.get(desk).await.0, 401);
        assert_eq!(offered["offer"]["minor_units"], 2_000);
        assert_eq!(credited(&mesh, &customer_id).await, 0, "nothing paid yet");
        // The customer sees what changed the grade.
        let (_, seen) = sam.get(&format!("/api/v1/buyback/applications/{id}")).await;
        let change = &seen["grade_change"];
        assert_eq!(
            (&change["declared_grade"], &change["inspected_grade"]),
            (&json!("B"), &json!("C")),
            "{seen}"
        );
        assert_eq!(change["inspector_note"], "screen cracked");
        assert_eq!(change["inspected_by"], "BBS-KAI");
        assert_eq!(change["difference"]["minor_units"], -1_500);
        assert!(
            change["declared_condition"]
                .as_str()
                .unwrap()
                .contains("screen scratched")
        );
        assert!(seen["shipping"].is_null(), "the device has arrived");

        // The customer accepts: price and benefit paid together, in one payout.
        let (status, paid) = sam
            .post(
                &format!("/api/v1/buyback/applications/{id}/counteroffer"),
                json!({"accept": true}),
            )
            .await;
        assert_eq!(
            (status, paid["state"].as_str()),
            (200, Some("paid")),
            "{paid}"
        );
        assert_eq!(paid["total_paid"]["minor_units"], 7_000);
        assert_eq!(credited(&mesh, &customer_id).await, 7_000);

        // The result reaches the sales center, which shows it with the order.
        let mut reported = Value::Null;
        for _ in 0..100 {
            reported = sam
                .get(&format!("/api/v1/buyback/applications/{id}"))
                .await
                .1;
            if reported["state"] == "reported" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(reported["state"], "reported", "{reported}");
        let states: Vec<&str> = reported["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["state"].as_str().unwrap())
            .collect();
        assert_eq!(
            states,
            [
                "applied",
                "verified",
                "awaiting_item",
                "counteroffered",
                "inspected",
                "paid",
                "reported"
            ]
        );
        let (_, designation) = sam.get(&format!("/api/v1/buyback/orders/{order}")).await;
        assert_eq!(
            designation["results"][0]["application_id"],
            id.as_str(),
            "{designation}"
        );
        assert_eq!(designation["results"][0]["grade"], "C");
        let (_, mine) = sam.get("/api/v1/buyback/applications").await;
        assert_eq!(mine["applications"].as_array().unwrap().len(), 1);
        let (status, _) = stranger
            .get(&format!("/api/v1/buyback/applications/{id}"))
            .await;
        assert_eq!(status, 404, "another customer's application is not shown");

        // The stranger keeps guessing: told the attempts left, then locked out with a
        // clear message saying until when.
        for left in [2, 1, 0] {
            let (status, guess) = stranger
                .post(
                    "/api/v1/buyback/applications",
                    application(&order, &format!("Guess {left}"), &email),
                )
                .await;
            assert_eq!(
                (status, guess["attempts_remaining"].as_u64()),
                (409, Some(left)),
                "{guess}"
            );
        }
        let (status, locked) = stranger
            .post(
                "/api/v1/buyback/applications",
                application(&order, "Sam Rivera", &email),
            )
            .await;
        assert_eq!(
            (status, locked["attempts_remaining"].as_u64()),
            (429, Some(0)),
            "{locked}"
        );
        assert!(locked["locked_until"].is_string(), "{locked}");
        assert!(
            locked["detail"].as_str().unwrap().contains("locked until"),
            "{locked}"
        );
        // The owner is not locked out by the stranger's guesses: verified again (and told
        // the order was already bought back against).
        let (status, again) = sam
            .post(
                "/api/v1/buyback/applications",
                application(&order, "Sam Rivera", &email),
            )
            .await;
        assert_eq!(status, 201, "{again}");
        assert!(
            again["reason"]
                .as_str()
                .unwrap()
                .contains("already under way or done"),
            "{again}"
        );

        // A device that is not targeted: the application says so.
        let tracker = bought(&mut sam, "DEV-TT-1001").await;
        let (_, d) = sam.get(&format!("/api/v1/buyback/orders/{tracker}")).await;
        assert_eq!(d["targeted"], false);
        let (status, untargeted) = sam
            .post(
                "/api/v1/buyback/applications",
                application(&tracker, "Sam Rivera", &email),
            )
            .await;
        assert_eq!(
            (status, untargeted["state"].as_str()),
            (201, Some("rejected"))
        );
        assert!(
            untargeted["reason"]
                .as_str()
                .unwrap()
                .contains("not targeted"),
            "{untargeted}"
        );
        assert_eq!(credited(&mesh, &customer_id).await, 7_000);
        mesh.stop().await;
    }
}

fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
