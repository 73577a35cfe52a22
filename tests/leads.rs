//! The sales desk end to end (seeds 001/002), on the whole mesh over REST like the web
//! page, with a real SMTP server: the demo customer contacts sales staff about a product,
//! updates their registration with and without consent, agrees to purchase notices and
//! buys a bundle; the right salespeople receive the right e-mails and the staff page
//! lists, acknowledges and closes the leads.

mod common;

use std::time::Duration;

use common::shopper::Shopper;
use common::smtp::MailServer;
use common::{TestMesh, leads_config_with_smtp};
use serde_json::json;
use tandem::Target;

const WAIT: Duration = Duration::from_secs(30);
const DANA: &str = "dana.reyes@sales.tandem.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_registration_and_purchase_reach_the_right_staff() {
    for engine in TestMesh::engines().await {
        let smtp = MailServer::start();
        let mesh = TestMesh::start_with_leads(engine, leads_config_with_smtp(&smtp))
            .await
            .unwrap();
        let gateway = mesh.url(Target::Gateway);
        let mut alex = Shopper::visit(&gateway).await;
        let (status, body) = alex
            .post(
                "/api/v1/session",
                json!({"login": "alex@example.com", "password": "tandem-demo-2026"}),
            )
            .await;
        assert_eq!(status, 200, "{engine:?}: {body}");

        // The product information with Detail / Options / Consumables.
        let (status, list) = alex.get("/api/v1/products").await;
        assert_eq!(status, 200);
        let models: Vec<&str> = list["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["model_number"].as_str().unwrap())
            .collect();
        assert!(
            models.contains(&"RL-2 Duo") && models.contains(&"VB-11H"),
            "{models:?}"
        );
        let (_, detail) = alex.get("/api/v1/products/RL-2%20Duo").await;
        assert_eq!(detail["product_id"], "DEV-DC-1002");
        assert!(
            detail["related"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["kind"] == "consumable")
        );

        // Contact sales staff.
        let (status, receipt) = alex
            .post(
                "/api/v1/contact-requests",
                json!({
                "model_number": "RL-2 Duo", "phone": "+1 415 555 0177", "comment": "Parking mode?",
                "actions": ["phone_call"]}),
            )
            .await;
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(receipt["staff_name"], "Dana Reyes");
        let (status, bad) = alex
            .post("/api/v1/contact-requests", json!({"model_number": "RL-2 Duo", "actions": [], "email": "a@b.example\r\nBcc: x@y.example"}))
            .await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(bad["errors"][0]["field"], "email");

        // Registration update, first without then with consent.
        let (_, reg) = alex.get("/api/v1/registration").await;
        let version = reg["consent"]["wording_version"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, done) = alex
            .put("/api/v1/registration", json!({"office": "Morgan Logistics", "forward_to_staff": false, "consent_wording_version": version}))
            .await;
        assert_eq!(
            (status, done["forwarded"].as_bool()),
            (200, Some(false)),
            "{done}"
        );
        let (status, done) = alex
            .put("/api/v1/registration", json!({"section": "Fleet", "forward_to_staff": true, "consent_wording_version": version}))
            .await;
        assert_eq!(
            (status, done["forwarded"].as_bool()),
            (200, Some(true)),
            "{done}"
        );
        assert_eq!(done["registration"]["office"], "Morgan Logistics");

        // Purchases may be told to the salesperson; then a bundle is bought.
        let (status, consent) = alex
            .put(
                "/api/v1/consents/purchases",
                json!({"granted": true, "wording_version": "purchases/1"}),
            )
            .await;
        assert_eq!(
            (status, consent["consent"]["granted"].as_bool()),
            (200, Some(true)),
            "{consent}"
        );
        let (status, checkout) = alex.checkout("PLN-SAFE-DRIVER", "DEV-DC-1002").await;
        assert_eq!(status, 201, "{checkout}");
        let id = checkout["checkout_id"].as_str().unwrap().to_owned();
        let (status, paid) = alex.pay(&id, "4242424242424242").await;
        assert_eq!(
            (status, paid["state"].as_str()),
            (200, Some("completed")),
            "{paid}"
        );
        let order = paid["order_number"].as_str().unwrap().to_owned();

        // The receipt goes to the customer; the contact and the purchase (with what to
        // offer next) go to Dana, who has dashcams in 941; the consented registration
        // change goes to whoever in 941 has the fewest open leads (Sam, round-robin); the
        // change made without consent goes nowhere.
        let receipts = smtp.wait_for("alex@example.com", 1, WAIT).await;
        assert!(receipts[0].body_contains(&order), "{}", receipts[0].data);
        let mails = smtp.wait_for(DANA, 2, WAIT).await;
        smtp.wait_for("sam.okafor@sales.tandem.example", 1, WAIT)
            .await;
        let subjects: Vec<String> = mails.iter().filter_map(|m| m.header("Subject")).collect();
        assert!(
            subjects
                .iter()
                .any(|s| s.starts_with("Contact request: Alex Morgan")),
            "{subjects:?}"
        );
        let purchase = mails
            .iter()
            .find(|m| {
                m.header("Subject")
                    .is_some_and(|s| s.starts_with("Purchase:"))
            })
            .expect("purchase mail");
        assert!(
            purchase.body_contains("256 GB endurance microSD card")
                && purchase.body_contains(&order)
        );
        let registration: Vec<_> = smtp
            .received()
            .into_iter()
            .filter(|m| {
                m.header("Subject")
                    .is_some_and(|s| s.starts_with("Registration update"))
            })
            .collect();
        assert_eq!(registration.len(), 1, "only the consented change");
        assert!(registration[0].body_contains("Section: (none) → Fleet"));
        assert!(!registration[0].body_contains("Office: (none) → Morgan Logistics"));
        let (_, reg) = alex.get("/api/v1/registration").await;
        assert!(
            reg["possessed_products"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["model_number"] == "RL-2 Duo"),
            "{reg}"
        );

        // The staff page: Dana logs in separately and works the leads.
        let mut dana = Shopper::visit(&gateway).await;
        let (status, _) = dana.get("/api/v1/staff/leads").await;
        assert_eq!(status, 401);
        let (status, me) = dana
            .post(
                "/api/v1/staff/session",
                json!({"login": "STF-DANA", "password": "tandem-staff-2026"}),
            )
            .await;
        assert_eq!(status, 200, "{me}");
        let (_, list) = dana.get("/api/v1/staff/leads").await;
        let kinds: Vec<&str> = list["leads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["kind"].as_str().unwrap())
            .collect();
        for kind in ["contact", "purchase"] {
            assert!(kinds.contains(&kind), "{kinds:?}");
        }
        let lead = list["leads"][0]["lead_id"].as_str().unwrap().to_owned();
        assert_eq!(list["leads"][0]["customer"]["name"], "Alex Morgan");
        let (status, acked) = dana
            .post(
                &format!("/api/v1/staff/leads/{lead}/acknowledgement"),
                json!({}),
            )
            .await;
        assert_eq!(
            (status, acked["status"].as_str()),
            (200, Some("acknowledged")),
            "{acked}"
        );
        let (status, closed) = dana
            .post(&format!("/api/v1/staff/leads/{lead}/closure"), json!({}))
            .await;
        assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
        // A customer session is not a staff session.
        let (status, _) = alex.get("/api/v1/staff/leads").await;
        assert_eq!(status, 401);

        // Sam sees none of Dana's leads, and cannot act on them.
        let mut sam = Shopper::visit(&gateway).await;
        let (status, _) = sam
            .post(
                "/api/v1/staff/session",
                json!({"login": "STF-SAM", "password": "tandem-staff-2026"}),
            )
            .await;
        assert_eq!(status, 200);
        let (_, theirs) = sam.get("/api/v1/staff/leads?status=all").await;
        let danas: Vec<&str> = list["leads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["lead_id"].as_str().unwrap())
            .collect();
        assert!(
            theirs["leads"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| !danas.contains(&l["lead_id"].as_str().unwrap())),
            "{theirs}"
        );
        let (status, _) = sam
            .post(
                &format!("/api/v1/staff/leads/{}/acknowledgement", danas[1]),
                json!({}),
            )
            .await;
        assert_eq!(status, 404);

        // Straight to svc-leads over mutual TLS, as a partner allowed every method but
        // without the gateway's assertion (or with a forged one): refused.
        no_assertion_no_answer(&mesh).await;
        mesh.stop().await;
    }
}

/// Customer and staff calls to svc-leads without an end-user assertion, or with one the
/// gateway did not sign, are UNAUTHENTICATED even for a partner the policy allows them.
async fn no_assertion_no_answer(mesh: &TestMesh) {
    use tandem_proto::leads::v1::customers_client::CustomersClient;
    use tandem_proto::leads::v1::staff_leads_client::StaffLeadsClient;
    use tandem_proto::leads::v1::{GetCustomerRequest, ListLeadsRequest};
    let channel = mesh.channel(Target::Leads);
    let get = || GetCustomerRequest {
        customer_id: "CUS-DEMO00000001".into(),
        ..Default::default()
    };
    let err = CustomersClient::new(channel.clone())
        .get_customer(get())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated, "{err:?}");
    let err = StaffLeadsClient::new(channel.clone())
        .list_leads(ListLeadsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        tonic::Code::Unauthenticated,
        "no feed but the crm's"
    );
    // The tests' own key is not the mesh's gateway key.
    let forged = tandem_mesh::testing::as_user(
        get(),
        "CUS-DEMO00000001",
        tandem_mesh::assertion::Role::Customer,
    );
    let err = CustomersClient::new(channel)
        .get_customer(forged)
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated, "{err:?}");
}

/// The gateway keeps recently used sessions in memory: logging out must end the session
/// at once, also for a request that still carries the old cookie (another tab).
#[tokio::test]
async fn a_session_ends_at_logout_even_for_a_tab_that_still_has_its_cookie() {
    let mesh = TestMesh::sqlite().await;
    let mut sam = Shopper::visit(&mesh.url(Target::Gateway)).await;
    sam.register("sam.logout@example.com", "94103").await;
    let mut other_tab = sam.clone();
    assert_eq!(other_tab.get("/api/v1/session").await.0, 200, "used once");
    assert_eq!(
        sam.send(reqwest::Method::DELETE, "/api/v1/session", None)
            .await
            .0,
        204
    );
    assert_eq!(other_tab.get("/api/v1/session").await.0, 401);
    assert_eq!(other_tab.get("/api/v1/account/purchases").await.0, 401);
    mesh.stop().await;
}
