//! Purchase and interest notices over real gRPC with a real SMTP server, on SQLite and
//! (when configured) PostgreSQL: a completed checkout fills the possessed products and
//! sends the receipt once however often it is retried; the salesperson hears of it, with
//! the related items to offer, only with the customer's consent; interest notices follow
//! the deployment setting, ownership and consent. The receipt shows the installation
//! appointment (installer, address, phone, local time with its zone) when one is booked,
//! and the policyholder and vehicle when given.

mod common;

use std::time::Duration;

use common::smtp::MailServer;
use common::{Server, as_customer, leads_config, outbox_drained, with_demo_desk};
use svc_leads::store::outbox;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1::{
    Appointment, ConsentPurpose, GetCustomerRequest, GetProductRequest, NoteProductViewRequest,
    NoteProductViewResponse, NotifyPurchaseRequest, NotifyPurchaseResponse, PurchaseLine,
    SetConsentRequest, UpsertProductRequest,
};
use tonic::Code;

const DEMO: &str = "CUS-DEMO00000001";
const WAIT: Duration = Duration::from_secs(20);

fn usd(minor: i64) -> Option<Money> {
    Some(Money {
        minor_units: minor,
        currency: "USD".into(),
    })
}

fn purchase(checkout: &str) -> NotifyPurchaseRequest {
    NotifyPurchaseRequest {
        idempotency_key: checkout.into(),
        customer_id: DEMO.into(),
        checkout_id: checkout.into(),
        order_number: "ORD-2026-000123".into(),
        lines: vec![
            PurchaseLine {
                kind: "insurance".into(),
                product_id: "PLN-SAFE-DRIVER".into(),
                name: "Safe Driver".into(),
                product_line: String::new(),
                quantity: 1,
                amount: usd(61_200),
            },
            PurchaseLine {
                kind: "device".into(),
                product_id: "DEV-DC-1002".into(),
                name: "Roadlens RL-2 Duo Front + Rear Dashcam".into(),
                product_line: "dashcam".into(),
                quantity: 1,
                amount: usd(19_710),
            },
        ],
        total: usd(80_910),
        completed_at: "2026-11-20T10:00:00Z".into(),
        policy_number: "POL-77".into(),
        ..Default::default()
    }
}

/// What the desk answered to the notice of checkout `checkout`.
async fn noticed(server: &mut Server, checkout: &str) -> NotifyPurchaseResponse {
    server
        .desk
        .notify_purchase(purchase(checkout))
        .await
        .expect("notice")
        .into_inner()
}

/// The demo customer opening the details of `model`.
fn view(model: &str) -> NoteProductViewRequest {
    NoteProductViewRequest {
        customer_id: DEMO.into(),
        model_number: model.into(),
    }
}

/// What the desk answered to [`view`]`(model)`.
async fn viewed(server: &mut Server, model: &str) -> NoteProductViewResponse {
    server
        .desk
        .note_product_view(as_customer(DEMO, view(model)))
        .await
        .expect("view")
        .into_inner()
}

async fn consent(server: &mut Server, purpose: ConsentPurpose, version: &str, granted: bool) {
    server
        .desk
        .set_consent(as_customer(
            DEMO,
            SetConsentRequest {
                customer_id: DEMO.into(),
                purpose: purpose as i32,
                granted,
                wording_version: version.into(),
                source: "settings".into(),
            },
        ))
        .await
        .expect("consent");
}

#[tokio::test]
async fn a_purchase_sends_one_receipt_and_tells_staff_only_with_consent() {
    with_demo_desk(async |server, smtp, kind| {
        // Without consent: receipt only.
        let first = noticed(server, "CHK-A").await;
        assert!(first.lead.is_none(), "{kind}");
        assert_eq!(first.receipt_message_id, "CHK-A.receipt@sales.test");
        assert_eq!(first.possessed_products.len(), 1);
        assert_eq!(first.possessed_products[0].model_number, "RL-2 Duo");

        // With consent: a retried notice changes nothing; a new one tells Dana.
        consent(server, ConsentPurpose::Purchases, "purchases/1", true).await;
        let again = noticed(server, "CHK-A").await;
        assert!(again.lead.is_none(), "a retry is the first answer");
        let second = noticed(server, "CHK-B").await;
        let lead = second.lead.expect("told with consent");
        assert_eq!(lead.staff_id, "STF-DANA");
        assert_eq!(lead.model_number, "RL-2 Duo");
        assert_eq!(lead.reference, "CHK-B");
        let retry = noticed(server, "CHK-B").await;
        assert_eq!(retry.lead.unwrap().lead_id, lead.lead_id);

        let receipts = smtp.wait_for("alex@example.com", 2, WAIT).await;
        let staff = smtp
            .wait_for("dana.reyes@sales.tandem.example", 1, WAIT)
            .await;
        outbox_drained(&server.db, WAIT).await;
        assert_eq!(
            smtp.to("alex@example.com").len(),
            2,
            "one receipt per checkout"
        );
        assert_eq!(smtp.to("dana.reyes@sales.tandem.example").len(), 1);
        let receipt = receipts
            .iter()
            .find(|m| m.message_id() == "CHK-A.receipt@sales.test")
            .unwrap();
        assert!(
            !receipt.to.iter().any(|t| t.contains("admin")),
            "receipts are not copied"
        );
        for needle in ["ORD-2026-000123", "POL-77", "Safe Driver", "USD 809.10"] {
            assert!(
                receipt.body_contains(needle),
                "{needle} missing:\n{}",
                receipt.data
            );
        }
        let mail = &staff[0];
        for needle in [
            "Rear camera module (RL-RC1)",
            "256 GB endurance microSD card",
            "Polarising lens filter",
            "USD 197.10",
            "CHK-B",
        ] {
            assert!(
                mail.body_contains(needle),
                "{needle} missing:\n{}",
                mail.data
            );
        }
        let customer = server.customer(DEMO).await;
        assert_eq!(
            customer.possessed_products.len(),
            2,
            "one per checkout, not per retry"
        );
        // A caller that does not show them (checkout) gets the customer without them.
        let omitting = GetCustomerRequest {
            customer_id: DEMO.into(),
            omit_possessed_products: true,
        };
        let bare = server
            .client
            .get_customer(as_customer(DEMO, omitting))
            .await
            .expect("get")
            .into_inner()
            .customer
            .expect("customer");
        assert!(bare.possessed_products.is_empty(), "{kind}");
        assert_eq!(bare.email, customer.email);

        // A notice for a customer the desk does not know queues nothing.
        let queued = outbox::all(&server.db).await.unwrap().len();
        let err = server
            .desk
            .notify_purchase(NotifyPurchaseRequest {
                customer_id: "CUS-AAAAAAAAAAAA".into(),
                ..purchase("CHK-C")
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{kind}");
        assert_eq!(outbox::all(&server.db).await.unwrap().len(), queued);
        let err = server
            .desk
            .notify_purchase(NotifyPurchaseRequest {
                total: usd(1),
                ..purchase("CHK-B")
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::InvalidArgument,
            "same key, different notice"
        );
    })
    .await;
}

#[tokio::test]
async fn a_product_renamed_by_the_sales_company_is_named_so_from_the_next_purchase() {
    with_demo_desk(async |server, _smtp, kind| {
        let first = noticed(server, "CHK-A").await;
        let before = &first.possessed_products[0];
        assert_eq!(before.model_number, "RL-2 Duo", "{kind}");
        let mut product = server
            .desk
            .get_product(GetProductRequest {
                model_number: "RL-2 Duo".into(),
            })
            .await
            .expect("product")
            .into_inner()
            .product
            .expect("product information");
        assert_eq!(product.name, before.name, "{kind}");
        product.name = "Roadlens RL-2 Duo (2027 edition)".into();
        server
            .admin
            .upsert_product(UpsertProductRequest {
                product: Some(product),
            })
            .await
            .expect("renamed");
        let next = noticed(server, "CHK-B").await;
        assert_eq!(
            next.possessed_products[0].name, "Roadlens RL-2 Duo (2027 edition)",
            "{kind}: the purchase after the change names the product as it is now"
        );
    })
    .await;
}

#[tokio::test]
async fn interest_notices_follow_the_setting_ownership_and_consent() {
    for db in TestDb::all().await {
        let smtp = MailServer::start();
        let mut off = Server::start_with(&db, true, leads_config(&smtp.url)).await;
        let noted = viewed(&mut off, "VB-11H").await;
        assert!(!noted.notified);
        assert!(noted.reason.contains("off"), "{}", noted.reason);
        off.stop().await;

        let mut config = leads_config(&smtp.url);
        config.desk.interest_notices = true;
        let mut server = Server::start_with(&db, false, config).await;
        let noted = viewed(&mut server, "VB-11H").await;
        assert!(!noted.notified, "no consent yet");
        consent(
            &mut server,
            ConsentPurpose::ProductInterest,
            "product-interest/1",
            true,
        )
        .await;
        let noted = viewed(&mut server, "VB-11H").await;
        assert!(noted.notified, "{}", noted.reason);
        let lead = noted.lead.unwrap();
        assert_eq!(lead.staff_id, "STF-SAM", "EV chargers in 941 are Sam's");
        let noted = viewed(&mut server, "VB-11H").await;
        assert!(!noted.notified, "one open interest lead per product");
        noticed(&mut server, "CHK-C").await;
        let noted = viewed(&mut server, "RL-2 Duo").await;
        assert!(!noted.notified);
        assert!(noted.reason.contains("owns"), "{}", noted.reason);
        let err = server
            .desk
            .note_product_view(as_customer(DEMO, view("NOPE-1")))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        let mails = smtp
            .wait_for("sam.okafor@sales.tandem.example", 1, WAIT)
            .await;
        assert!(
            mails[0]
                .header("Subject")
                .unwrap()
                .starts_with("Interest: Alex Morgan")
        );
        server.stop().await;
        db.cleanup().await;
    }
}

/// The appointment booked with a checkout: the installer server's UTC start, the
/// installer's zone.
fn booked() -> Appointment {
    Appointment {
        installer_name: "Bay Auto Electrics".into(),
        installer_address: "1200 Folsom St, San Francisco, CA 94103".into(),
        installer_phone: "+1 415 555 0190".into(),
        starts_at: "2026-11-24T17:30:00Z".into(),
        time_zone: "America/Los_Angeles".into(),
        booking_id: "BKG-0001".into(),
    }
}

#[tokio::test]
async fn the_receipt_shows_the_appointment_only_when_one_is_booked() {
    with_demo_desk(async |server, smtp, kind| {
        let with = server
            .desk
            .notify_purchase(NotifyPurchaseRequest {
                appointment: Some(booked()),
                policyholder_name: "Alex Morgan".into(),
                vehicle: "2021 Toyota Camry".into(),
                ..purchase("CHK-APT")
            })
            .await
            .expect("notice with an appointment")
            .into_inner();
        let without = noticed(server, "CHK-NONE").await;

        // A bad appointment is refused naming the field, and no receipt is queued.
        let err = server
            .desk
            .notify_purchase(NotifyPurchaseRequest {
                appointment: Some(Appointment {
                    starts_at: "next Tuesday".into(),
                    ..booked()
                }),
                ..purchase("CHK-BAD")
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{kind}");
        assert!(
            err.message().contains("appointment.starts_at"),
            "{}",
            err.message()
        );
        let err = server
            .desk
            .notify_purchase(NotifyPurchaseRequest {
                vehicle: "2021 Toyota\r\nBcc: x@evil.test".into(),
                ..purchase("CHK-BAD")
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert!(err.message().contains("vehicle"), "{}", err.message());

        smtp.wait_for("alex@example.com", 2, WAIT).await;
        outbox_drained(&server.db, WAIT).await;
        let receipts = smtp.to("alex@example.com");
        assert_eq!(receipts.len(), 2, "{kind}: no receipt for refused notices");
        let of = |id: &str| {
            receipts
                .iter()
                .find(|m| m.message_id() == id)
                .unwrap_or_else(|| panic!("{id} not received"))
                .clone()
        };
        let with = of(&with.receipt_message_id);
        for needle in [
            "Installation appointment",
            "Bay Auto Electrics",
            "1200 Folsom St, San Francisco, CA 94103",
            "+1 415 555 0190",
            "Tuesday, November 24, 2026 at 9:30 AM PST (America/Los_Angeles, UTC-08:00)",
            "BKG-0001",
            "Policyholder:  Alex Morgan",
            "2021 Toyota Camry",
            "ORD-2026-000123",
        ] {
            assert!(
                with.body_contains(needle),
                "{needle} missing:\n{}",
                with.data
            );
        }
        let without = of(&without.receipt_message_id);
        for absent in [
            "Installation appointment",
            "Bay Auto Electrics",
            "Policyholder",
            "Vehicle",
        ] {
            assert!(
                !without.body_contains(absent),
                "{absent} in:\n{}",
                without.data
            );
        }
        assert!(without.body_contains("ORD-2026-000123"));
    })
    .await;
}
