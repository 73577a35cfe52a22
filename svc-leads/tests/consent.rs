//! Registration updates and consent over real gRPC with a real SMTP server, on SQLite and
//! (when configured) PostgreSQL: the update is always saved; the salesperson is e-mailed
//! the change and the products the customer owns only with consent; withdrawing consent
//! stops e-mails still queued.

mod common;

use std::time::Duration;

use common::smtp::MailServer;
use common::{Server, as_customer, outbox_drained, with_demo_desk, with_demo_desk_configured};
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::eventually;
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1::{
    ConsentPurpose, ContactStaffRequest, GetConsentsRequest, NotifyPurchaseRequest, PurchaseLine,
    RequestedAction, SetConsentRequest, UpdateRegistrationRequest,
};
use tonic::Code;

const DEMO: &str = "CUS-DEMO00000001";
const WAIT: Duration = Duration::from_secs(20);
const WORDING: &str = "registration-updates/1";

fn update(phone: &str, forward: bool) -> UpdateRegistrationRequest {
    UpdateRegistrationRequest {
        customer_id: DEMO.into(),
        phone: phone.into(),
        office: "Morgan Logistics".into(),
        forward_to_staff: forward,
        consent_wording_version: WORDING.into(),
        ..Default::default()
    }
}

/// E-mails about registration updates that reached anyone.
fn registration_mails(smtp: &MailServer) -> Vec<common::smtp::Received> {
    smtp.received()
        .into_iter()
        .filter(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("Registration update"))
        })
        .collect()
}

/// Where the demo salesperson `staff_id` (Dana or Sam, who share the demo area) gets mail.
fn email_of(staff_id: &str) -> &'static str {
    if staff_id == "STF-DANA" {
        "dana.reyes@sales.tandem.example"
    } else {
        "sam.okafor@sales.tandem.example"
    }
}

async fn buy_a_dashcam(server: &mut Server) {
    server
        .desk
        .notify_purchase(NotifyPurchaseRequest {
            idempotency_key: "CHK-consent-1".into(),
            customer_id: DEMO.into(),
            checkout_id: "CHK-consent-1".into(),
            order_number: "ORD-100".into(),
            lines: vec![PurchaseLine {
                kind: "device".into(),
                product_id: "DEV-DC-1002".into(),
                name: "Roadlens RL-2 Duo Front + Rear Dashcam".into(),
                product_line: "dashcam".into(),
                quantity: 1,
                amount: Some(Money {
                    minor_units: 21_900,
                    currency: "USD".into(),
                }),
            }],
            total: Some(Money {
                minor_units: 21_900,
                currency: "USD".into(),
            }),
            completed_at: "2026-11-20T10:00:00Z".into(),
            policy_number: String::new(),
            ..Default::default()
        })
        .await
        .expect("purchase");
}

#[tokio::test]
async fn without_consent_the_update_is_saved_and_no_staff_email_is_sent() {
    with_demo_desk(async |server, smtp, kind| {
        buy_a_dashcam(server).await;

        let done = server
            .desk
            .update_registration(as_customer(DEMO, update("+1 415 555 0111", false)))
            .await
            .expect("update")
            .into_inner();
        assert!(done.lead.is_none(), "{kind}");
        let consent = done.consent.unwrap();
        assert!(!consent.granted);
        assert_eq!(consent.wording_version, WORDING);
        assert_eq!(consent.source, "confirmation_page");
        assert_eq!(done.changed_fields, vec!["phone", "office"]);
        let stored = server.customer(DEMO).await;
        assert_eq!(
            (stored.phone.as_str(), stored.office.as_str()),
            ("+1 415 555 0111", "Morgan Logistics")
        );
        assert_eq!(stored.possessed_products.len(), 1);

        // Now with consent: this one must arrive — and be the only one.
        let done = server
            .desk
            .update_registration(as_customer(DEMO, update("+1 415 555 0122", true)))
            .await
            .expect("update with consent")
            .into_inner();
        let lead = done.lead.expect("forwarded");
        assert_eq!(done.changed_fields, vec!["phone"]);
        let staff_email = email_of(&lead.staff_id);
        let mails = smtp.wait_for(staff_email, 1, WAIT).await;
        outbox_drained(&server.db, WAIT).await;
        assert_eq!(
            registration_mails(smtp).len(),
            1,
            "only the consented update is e-mailed"
        );
        let mail = &mails[0];
        assert_eq!(
            mail.message_id(),
            format!("{}.staff@sales.test", lead.lead_id)
        );
        // Staff learn the consented change from what they knew (the phone registered at
        // sign-up), and nothing of the change saved without consent.
        for needle in [
            "Phone: +1 415 555 0134 → +1 415 555 0122",
            "Roadlens RL-2 Duo Front + Rear Dashcam (model RL-2 Duo",
        ] {
            assert!(
                mail.body_contains(needle),
                "{needle} missing:\n{}",
                mail.data
            );
        }
        for secret in ["Morgan Logistics", "0111"] {
            assert!(
                !mail.body_contains(secret),
                "{secret} was not consented:\n{}",
                mail.data
            );
        }

        // Nor does a later lead of another kind carry it.
        let contact = server
            .desk
            .contact_staff(as_customer(
                DEMO,
                ContactStaffRequest {
                    customer_id: DEMO.into(),
                    model_number: "RL-2 Duo".into(),
                    comment: "Parking mode?".into(),
                    actions: vec![RequestedAction::PhoneCall as i32],
                    ..Default::default()
                },
            ))
            .await
            .expect("contact")
            .into_inner()
            .lead
            .unwrap();
        let customer = contact.customer.unwrap();
        assert_eq!(
            (customer.office.as_str(), customer.phone.as_str()),
            ("", "+1 415 555 0122"),
            "{kind}"
        );
        assert_eq!(contact.contact_phone, "+1 415 555 0122");
        let to = email_of(&contact.staff_id);
        let expected = if to == staff_email { 2 } else { 1 };
        let mails = smtp.wait_for(to, expected, WAIT).await;
        let contact_mail = mails.last().unwrap();
        assert!(contact_mail.body_contains("Parking mode?"));
        assert!(
            !contact_mail.body_contains("Morgan Logistics"),
            "{}",
            contact_mail.data
        );

        let consents = server
            .desk
            .get_consents(as_customer(
                DEMO,
                GetConsentsRequest {
                    customer_id: DEMO.into(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(consents.history.len(), 2);
        let standing = consents
            .consents
            .iter()
            .find(|c| c.purpose() == ConsentPurpose::RegistrationUpdates)
            .unwrap();
        assert!(standing.granted);
        assert!(!standing.wording.is_empty());
    })
    .await;
}

#[tokio::test]
async fn withdrawing_consent_stops_emails_still_queued() {
    // The refused message waits long for its retry: withdrawn while queued, not while
    // the SMTP server is taking it.
    let slow_retries = |config: &mut svc_leads::LeadsConfig| {
        config.dispatcher.backoff_base = Duration::from_secs(30);
        config.dispatcher.backoff_max = Duration::from_secs(30);
    };
    with_demo_desk_configured(slow_retries, async |server, smtp, kind| {
        smtp.refuse(true);
        let done = server
            .desk
            .update_registration(as_customer(DEMO, update("+1 415 555 0133", true)))
            .await
            .unwrap()
            .into_inner();
        assert!(done.lead.is_some());
        eventually("a refused attempt recorded", WAIT, || async {
            svc_leads::store::outbox::all(&server.db)
                .await
                .expect("outbox")
                .iter()
                .any(|m| m.attempts > 0 && m.lease_until.is_none())
        })
        .await;
        let withdrawn = server
            .desk
            .set_consent(as_customer(
                DEMO,
                SetConsentRequest {
                    customer_id: DEMO.into(),
                    purpose: ConsentPurpose::RegistrationUpdates as i32,
                    granted: false,
                    wording_version: WORDING.into(),
                    source: "settings".into(),
                },
            ))
            .await
            .expect("withdraw")
            .into_inner();
        assert_eq!(withdrawn.cancelled_messages, 1, "{kind}");
        smtp.refuse(false);
        // Something else that may go: a contact request (its own purpose).
        server
            .desk
            .contact_staff(as_customer(
                DEMO,
                ContactStaffRequest {
                    customer_id: DEMO.into(),
                    model_number: "RL-1".into(),
                    actions: vec![RequestedAction::Visit as i32],
                    ..Default::default()
                },
            ))
            .await
            .unwrap();
        smtp.wait_for("dana.reyes@sales.tandem.example", 1, WAIT)
            .await;
        outbox_drained(&server.db, WAIT).await;
        assert!(
            registration_mails(smtp).is_empty(),
            "withdrawn before it left"
        );
    })
    .await;
}

#[tokio::test]
async fn consent_needs_the_wording_shown_and_a_purpose() {
    with_demo_desk(async |server, _smtp, _kind| {
        let err = server
            .desk
            .update_registration(as_customer(
                DEMO,
                UpdateRegistrationRequest {
                    consent_wording_version: "registration-updates/0".into(),
                    ..update("+1 415 555 0144", true)
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(field_violations(&err)[0].0, "consent_wording_version");
        let err = server
            .desk
            .update_registration(as_customer(
                DEMO,
                UpdateRegistrationRequest {
                    email: "alex@example.com\r\nBcc: x@evil.example".into(),
                    ..update("", true)
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&err)[0].0, "email");
        let err = server
            .desk
            .set_consent(as_customer(
                DEMO,
                SetConsentRequest {
                    customer_id: DEMO.into(),
                    purpose: 0,
                    granted: true,
                    wording_version: "purchases/1".into(),
                    source: String::new(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&err)[0].0, "purpose");
        let stored = server.customer(DEMO).await;
        assert_eq!(stored.phone, "+1 415 555 0134", "nothing changed");
        let consents = server
            .desk
            .get_consents(as_customer(
                DEMO,
                GetConsentsRequest {
                    customer_id: DEMO.into(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(consents.history.is_empty());
    })
    .await;
}
