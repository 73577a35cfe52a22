//! "Contact sales staff" over real gRPC with a real SMTP server, on SQLite and (when
//! configured) PostgreSQL: routing to the right salesperson, the e-mail they receive,
//! idempotent retries, and bad input (unknown model, empty form, oversized comment,
//! header injection) refused with nothing stored and nothing sent.

mod common;

use std::time::Duration;

use common::{Server, as_customer, as_staff, outbox_drained, pending_mail, with_demo_desk};
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::eventually;
use tandem_proto::leads::v1::{
    AssignStaffRequest, ContactStaffRequest, GetLeadRequest, Lead, LeadStatus, RequestedAction,
    RoutingRule, Staff, UpsertStaffRequest,
};
use tonic::Code;

const DEMO: &str = "CUS-DEMO00000001";
const WAIT: Duration = Duration::from_secs(20);

fn contact(model: &str) -> ContactStaffRequest {
    ContactStaffRequest {
        customer_id: DEMO.into(),
        model_number: model.into(),
        phone: "+1 415 555 0199".into(),
        email: String::new(),
        comment: "Does the rear camera fit a hatchback?\nBest after 5 pm.".into(),
        actions: vec![
            RequestedAction::SendInformation as i32,
            RequestedAction::PhoneCall as i32,
        ],
        idempotency_key: String::new(),
    }
}

/// The lead a contact request opened.
async fn contacted(server: &mut Server, request: ContactStaffRequest) -> Lead {
    let customer_id = request.customer_id.clone();
    server
        .desk
        .contact_staff(as_customer(&customer_id, request))
        .await
        .expect("contact")
        .into_inner()
        .lead
        .expect("lead")
}

async fn leads_stored(server: &Server) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    svc_leads::store::entity::lead::Entity::find()
        .count(&server.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_contact_request_reaches_the_salesperson_in_charge_by_email() {
    with_demo_desk(async |server, smtp, kind| {
        let lead = contacted(server, contact("RL-2 Duo")).await;
        // 94103 is area 941; Dana has dashcams there (Rio too, but is paused).
        assert_eq!(lead.staff_id, "STF-DANA", "{kind}");
        assert_eq!(lead.routing_rule(), RoutingRule::AreaAndProductLine);
        assert!(
            lead.routing_reason.contains("dashcam in area 941"),
            "{}",
            lead.routing_reason
        );
        assert_eq!(lead.contact_phone, "+1 415 555 0199");
        assert_eq!(
            lead.contact_email, "alex@example.com",
            "registered e-mail by default"
        );

        let mails = smtp
            .wait_for("dana.reyes@sales.tandem.example", 1, WAIT)
            .await;
        let mail = &mails[0];
        assert_eq!(
            mail.message_id(),
            format!("{}.staff@sales.test", lead.lead_id)
        );
        assert!(
            mail.to.iter().any(|t| t == "admin@sales.test"),
            "administrator copy: {:?}",
            mail.to
        );
        assert_eq!(
            mail.header("Subject").as_deref(),
            Some("Contact request: Alex Morgan about Roadlens RL-2 Duo Front + Rear Dashcam")
        );
        for needle in [
            "Alex Morgan",
            "+1 415 555 0199",
            "alex@example.com",
            "Does the rear camera fit a hatchback?",
            "Send information, Call me",
            "RL-2 Duo",
            "500 Market St",
        ] {
            assert!(
                mail.body_contains(needle),
                "{needle} missing:\n{}",
                mail.data
            );
        }
        let emailed = |server: &Server| {
            let mut staff = server.staff.clone();
            let id = lead.lead_id.clone();
            async move {
                staff
                    .get_lead(as_staff(
                        "STF-DANA",
                        GetLeadRequest {
                            lead_id: id,
                            staff_id: "STF-DANA".into(),
                        },
                    ))
                    .await
                    .unwrap()
                    .into_inner()
                    .lead
                    .unwrap()
                    .status()
                    == LeadStatus::Emailed
            }
        };
        eventually("the lead to be marked e-mailed", WAIT, || emailed(server)).await;
    })
    .await;
}

#[tokio::test]
async fn the_own_salesperson_comes_first_and_paused_staff_are_skipped() {
    with_demo_desk(async |server, smtp, _kind| {
        server
            .admin
            .assign_staff(AssignStaffRequest {
                customer_id: DEMO.into(),
                staff_id: "STF-LEE".into(),
            })
            .await
            .expect("assign");
        let lead = contacted(server, contact("RL-1")).await;
        assert_eq!(
            (lead.staff_id.as_str(), lead.routing_rule()),
            ("STF-LEE", RoutingRule::AssignedStaff)
        );

        // Lee goes on leave, Dana too: the area falls back to... nobody for dashcams,
        // so the default owner takes it.
        for (id, name, email, areas, lines) in [
            (
                "STF-LEE",
                "Lee Park",
                "lee.park@sales.tandem.example",
                vec!["100"],
                vec![],
            ),
            (
                "STF-DANA",
                "Dana Reyes",
                "dana.reyes@sales.tandem.example",
                vec!["941"],
                vec!["dashcam"],
            ),
        ] {
            server
                .admin
                .upsert_staff(UpsertStaffRequest {
                    staff: Some(Staff {
                        staff_id: id.into(),
                        name: name.into(),
                        email: email.into(),
                        area_codes: areas.into_iter().map(String::from).collect(),
                        product_lines: lines.into_iter().map(String::from).collect(),
                        capacity: 10,
                        active: false,
                        open_leads: 0,
                    }),
                    password: String::new(),
                })
                .await
                .expect("pause");
        }
        let lead = contacted(server, contact("RL-1")).await;
        assert_eq!(
            (lead.staff_id.as_str(), lead.routing_rule()),
            ("STF-DESK", RoutingRule::DefaultOwner),
            "{}",
            lead.routing_reason
        );
        assert!(
            lead.routing_reason.contains("paused"),
            "{}",
            lead.routing_reason
        );
        smtp.wait_for("desk@sales.tandem.example", 1, WAIT).await;
        smtp.wait_for("lee.park@sales.tandem.example", 1, WAIT)
            .await;
    })
    .await;
}

#[tokio::test]
async fn a_retried_contact_request_is_one_lead_and_one_email() {
    with_demo_desk(async |server, smtp, _kind| {
        let request = ContactStaffRequest {
            idempotency_key: "form-7f3a".into(),
            ..contact("NX-700")
        };
        let first = contacted(server, request.clone()).await;
        let again = contacted(server, request.clone()).await;
        assert_eq!(first.lead_id, again.lead_id);
        let other = ContactStaffRequest {
            comment: "something else".into(),
            ..request
        };
        let err = server
            .desk
            .contact_staff(as_customer(DEMO, other))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(leads_stored(server).await, 1);
        outbox_drained(&server.db, WAIT).await;
        assert_eq!(smtp.to("dana.reyes@sales.tandem.example").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn bad_contact_requests_are_refused_and_nothing_is_stored_or_sent() {
    with_demo_desk(async |server, smtp, kind| {
        let cases: Vec<(&str, ContactStaffRequest, &str)> = vec![
            ("unknown model", contact("ZZ-404"), "model_number"),
            (
                "empty form",
                ContactStaffRequest {
                    customer_id: DEMO.into(),
                    ..Default::default()
                },
                "model_number",
            ),
            (
                "no action ticked",
                ContactStaffRequest {
                    actions: vec![],
                    ..contact("RL-1")
                },
                "actions",
            ),
            (
                "oversized comment",
                ContactStaffRequest {
                    comment: "x".repeat(2_001),
                    ..contact("RL-1")
                },
                "comment",
            ),
            (
                "header injection in the e-mail",
                ContactStaffRequest {
                    email: "alex@example.com\r\nBcc: everyone@evil.example".into(),
                    ..contact("RL-1")
                },
                "email",
            ),
            (
                "header injection in the phone",
                ContactStaffRequest {
                    phone: "+1 415 555 0199\nX-Spam: yes".into(),
                    ..contact("RL-1")
                },
                "phone",
            ),
            (
                "line break in the model number",
                ContactStaffRequest {
                    model_number: "RL-1\r\nSubject: hi".into(),
                    ..contact("RL-1")
                },
                "model_number",
            ),
            (
                "control characters in the comment",
                ContactStaffRequest {
                    comment: "hello\u{0007}\u{001b}[31m".into(),
                    ..contact("RL-1")
                },
                "comment",
            ),
            (
                "unknown action",
                ContactStaffRequest {
                    actions: vec![42],
                    ..contact("RL-1")
                },
                "actions",
            ),
        ];
        for (what, request, field) in cases {
            let err = server
                .desk
                .contact_staff(as_customer(DEMO, request))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{what}: {err:?}");
            let fields: Vec<String> = field_violations(&err).into_iter().map(|(f, _)| f).collect();
            assert_eq!(fields, vec![field.to_owned()], "{what}: {}", err.message());
        }
        let err = server
            .desk
            .contact_staff(as_customer(
                "CUS-NOBODY000000",
                ContactStaffRequest {
                    customer_id: "CUS-NOBODY000000".into(),
                    ..contact("RL-1")
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        assert_eq!(leads_stored(server).await, 0, "{kind}");
        assert_eq!(pending_mail(&server.db).await, 0);
        assert!(
            svc_leads::store::outbox::all(&server.db)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(smtp.received().is_empty());
    })
    .await;
}
