//! The customer's own e-mails over real gRPC with a real SMTP server, on SQLite and (when
//! configured) PostgreSQL: an installation appointment booked, moved or cancelled is
//! e-mailed to the customer once however often the notice is retried, without a staff
//! lead; and a customer's list of e-mails holds their receipts and appointment notices
//! only — never the e-mails to staff about them, never another customer's.

mod common;

use std::time::Duration;

use common::{Server, as_customer, outbox_drained, with_demo_desk};
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1::{
    Appointment, AppointmentChange, ConsentPurpose, CustomerMail, CustomerMailKind,
    CustomerMailStatus, ListCustomerMailRequest, NotifyAppointmentRequest, NotifyPurchaseRequest,
    PurchaseLine, SetConsentRequest,
};
use tonic::Code;

const DEMO: &str = "CUS-DEMO00000001";
const WAIT: Duration = Duration::from_secs(20);

fn appointment(starts_at: &str) -> Appointment {
    Appointment {
        installer_name: "Bay Auto Electrics".into(),
        installer_address: "1200 Folsom St, San Francisco, CA 94103".into(),
        installer_phone: "+1 415 555 0190".into(),
        starts_at: starts_at.into(),
        time_zone: "America/Los_Angeles".into(),
        booking_id: "BKG-0001".into(),
    }
}

fn notice(key: &str, customer_id: &str, change: AppointmentChange) -> NotifyAppointmentRequest {
    NotifyAppointmentRequest {
        idempotency_key: key.into(),
        customer_id: customer_id.into(),
        order_number: "ORD-2026-000123".into(),
        change: change as i32,
        appointment: Some(appointment("2026-11-24T17:30:00Z")),
        previous: None,
    }
}

fn purchase(checkout: &str, customer_id: &str) -> NotifyPurchaseRequest {
    let usd = |minor_units| {
        Some(Money {
            minor_units,
            currency: "USD".into(),
        })
    };
    NotifyPurchaseRequest {
        idempotency_key: checkout.into(),
        customer_id: customer_id.into(),
        checkout_id: checkout.into(),
        order_number: format!("ORD-{checkout}"),
        lines: vec![PurchaseLine {
            kind: "device".into(),
            product_id: "DEV-DC-1002".into(),
            name: "Roadlens RL-2 Duo Front + Rear Dashcam".into(),
            product_line: "dashcam".into(),
            quantity: 1,
            amount: usd(21_900),
        }],
        total: usd(21_900),
        completed_at: "2026-11-20T10:00:00Z".into(),
        ..Default::default()
    }
}

/// The e-mails `customer_id` lists, as that customer.
async fn mail_of(server: &mut Server, customer_id: &str) -> Vec<CustomerMail> {
    server
        .desk
        .list_customer_mail(as_customer(customer_id, ListCustomerMailRequest::default()))
        .await
        .expect("list mail")
        .into_inner()
        .mail
}

async fn leads_stored(server: &Server) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    svc_leads::store::entity::lead::Entity::find()
        .count(&server.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_appointment_notice_is_emailed_once_however_often_it_is_retried() {
    with_demo_desk(async |server, smtp, kind| {
        let booked = notice("BKG-0001/booked", DEMO, AppointmentChange::Booked);
        let first = server
            .desk
            .notify_appointment(booked.clone())
            .await
            .expect("booked")
            .into_inner();
        assert!(
            first.message_id.ends_with(".appointment@sales.test"),
            "{}",
            first.message_id
        );
        // Retries, one after the other and at once, answer the first e-mail.
        let retry = server
            .desk
            .notify_appointment(booked.clone())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(retry.message_id, first.message_id, "{kind}");
        let concurrent = futures::future::join_all((0..4).map(|_| {
            let mut desk = server.desk.clone();
            let booked = booked.clone();
            async move { desk.notify_appointment(booked).await }
        }))
        .await;
        for answer in concurrent {
            assert_eq!(
                answer.expect("retry").into_inner().message_id,
                first.message_id
            );
        }
        // The same key with another appointment is refused; so are an unknown customer
        // and a move without the appointment it replaces — none of them queues anything.
        let err = server
            .desk
            .notify_appointment(NotifyAppointmentRequest {
                appointment: Some(appointment("2026-11-25T17:30:00Z")),
                ..booked.clone()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
        assert!(
            err.message().contains("idempotency_key"),
            "{}",
            err.message()
        );
        let err = server
            .desk
            .notify_appointment(notice(
                "k-unknown",
                "CUS-AAAAAAAAAAAA",
                AppointmentChange::Booked,
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{err:?}");
        let err = server
            .desk
            .notify_appointment(notice("k-moved", DEMO, AppointmentChange::Rescheduled))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert!(err.message().starts_with("previous"), "{}", err.message());

        // Moved, then cancelled (the cancelled appointment given as `previous`).
        let moved = server
            .desk
            .notify_appointment(NotifyAppointmentRequest {
                appointment: Some(appointment("2026-11-25T21:00:00Z")),
                previous: Some(appointment("2026-11-24T17:30:00Z")),
                ..notice("BKG-0001/moved/1", DEMO, AppointmentChange::Rescheduled)
            })
            .await
            .expect("moved")
            .into_inner();
        let cancelled = server
            .desk
            .notify_appointment(NotifyAppointmentRequest {
                appointment: None,
                previous: Some(appointment("2026-11-25T21:00:00Z")),
                ..notice("BKG-0001/cancelled", DEMO, AppointmentChange::Cancelled)
            })
            .await
            .expect("cancelled")
            .into_inner();

        smtp.wait_for("alex@example.com", 3, WAIT).await;
        outbox_drained(&server.db, WAIT).await;
        let mails = smtp.to("alex@example.com");
        assert_eq!(
            mails.len(),
            3,
            "{kind}: one e-mail per notice, not per retry"
        );
        let of = |id: &str| {
            mails
                .iter()
                .find(|m| m.message_id() == id)
                .unwrap_or_else(|| panic!("{id} not received"))
                .clone()
        };
        let booked = of(&first.message_id);
        // The subject's dash is RFC 2047-encoded: the words around it are plain.
        let subject = booked.header("Subject").unwrap();
        assert!(
            subject.starts_with("Your installation appointment is booked ")
                && subject.ends_with(" order ORD-2026-000123"),
            "{subject}"
        );
        for needle in [
            "Bay Auto Electrics",
            "1200 Folsom St, San Francisco, CA 94103",
            "+1 415 555 0190",
            "Tuesday, November 24, 2026 at 9:30 AM PST (America/Los_Angeles, UTC-08:00)",
        ] {
            assert!(
                booked.body_contains(needle),
                "{needle} missing:\n{}",
                booked.data
            );
        }
        assert!(!booked.to.iter().any(|t| t.contains("admin")), "no copies");
        let moved = of(&moved.message_id);
        assert!(moved.header("Subject").unwrap().contains("is moved"));
        for needle in [
            "Wednesday, November 25, 2026 at 1:00 PM PST",
            "Instead of",
            "Tuesday, November 24, 2026 at 9:30 AM PST",
        ] {
            assert!(
                moved.body_contains(needle),
                "{needle} missing:\n{}",
                moved.data
            );
        }
        let cancelled = of(&cancelled.message_id);
        assert!(
            cancelled
                .header("Subject")
                .unwrap()
                .contains("is cancelled")
        );
        assert!(cancelled.body_contains("Wednesday, November 25, 2026 at 1:00 PM PST"));
        assert_eq!(smtp.received().len(), 3, "nothing to staff");
        assert_eq!(leads_stored(server).await, 0, "no staff lead");
    })
    .await;
}

#[tokio::test]
async fn a_customer_lists_their_own_emails_only() {
    with_demo_desk(async |server, smtp, kind| {
        // The demo customer lets staff hear of purchases: their receipt comes with a
        // staff e-mail about the same checkout, which is not theirs to list.
        server
            .desk
            .set_consent(as_customer(
                DEMO,
                SetConsentRequest {
                    purpose: ConsentPurpose::Purchases as i32,
                    granted: true,
                    wording_version: "purchases/1".into(),
                    ..Default::default()
                },
            ))
            .await
            .expect("consent");
        let other = server.register("jordan.lee@example.com").await.customer_id;
        let receipt = server
            .desk
            .notify_purchase(purchase("CHK-MINE", DEMO))
            .await
            .expect("purchase")
            .into_inner();
        assert!(receipt.lead.is_some(), "staff told, with consent");
        // Queued a moment later, so that "newest first" is seen.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let booked = server
            .desk
            .notify_appointment(notice("BKG-0001/booked", DEMO, AppointmentChange::Booked))
            .await
            .expect("booked")
            .into_inner();
        server
            .desk
            .notify_purchase(purchase("CHK-THEIRS", &other))
            .await
            .expect("the other customer's purchase");

        smtp.wait_for("dana.reyes@sales.tandem.example", 1, WAIT)
            .await;
        outbox_drained(&server.db, WAIT).await;
        let mine = mail_of(server, DEMO).await;
        let ids: Vec<&str> = mine.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                booked.message_id.as_str(),
                receipt.receipt_message_id.as_str()
            ],
            "{kind}: newest first, no staff e-mail, not the other customer's"
        );
        let (appointment, receipt_mail) = (&mine[0], &mine[1]);
        assert_eq!(appointment.kind(), CustomerMailKind::Appointment);
        assert_eq!(appointment.reference, "ORD-2026-000123");
        assert!(appointment.subject.contains("is booked"));
        assert_eq!(receipt_mail.kind(), CustomerMailKind::Receipt);
        assert_eq!(receipt_mail.reference, "CHK-MINE");
        assert_eq!(receipt_mail.subject, "Your order ORD-CHK-MINE — receipt");
        for m in &mine {
            assert_eq!(m.status(), CustomerMailStatus::Sent, "{}", m.message_id);
            assert_eq!(m.to, "alex@example.com");
            assert!(!m.sent_at.is_empty() && m.sent_at >= m.queued_at, "{m:?}");
        }

        let theirs = mail_of(server, &other).await;
        assert_eq!(theirs.len(), 1, "{kind}");
        assert_eq!(theirs[0].reference, "CHK-THEIRS");
        assert_eq!(theirs[0].to, "jordan.lee@example.com");

        // Queued but not yet sent: listed as queued, with no sent time.
        smtp.refuse(true);
        server
            .desk
            .notify_appointment(notice(
                "BKG-0001/cancelled",
                DEMO,
                AppointmentChange::Cancelled,
            ))
            .await
            .expect("cancelled");
        let now = mail_of(server, DEMO).await;
        assert_eq!(now.len(), 3);
        assert_eq!(now[0].status(), CustomerMailStatus::Queued, "{:?}", now[0]);
        assert!(now[0].sent_at.is_empty());
        smtp.refuse(false);
        outbox_drained(&server.db, WAIT).await;

        // Another customer cannot list the demo customer's e-mails.
        let err = server
            .desk
            .list_customer_mail(as_customer(
                &other,
                ListCustomerMailRequest {
                    customer_id: DEMO.into(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
    })
    .await;
}
