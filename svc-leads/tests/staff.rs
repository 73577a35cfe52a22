//! The salesperson's side and a CRM over real gRPC, on SQLite and (when configured)
//! PostgreSQL: staff log in, list their leads with the forwarded customer details,
//! acknowledge and close them; another salesperson cannot touch them; a CRM pulls every
//! lead changed since a moment, page by page.

mod common;

use std::time::Duration;

use common::{Server, as_customer, as_staff, with_demo_desk};
use tandem_proto::common::v1::PageRequest;
use tandem_proto::leads::v1::{
    AuthenticateStaffRequest, ContactStaffRequest, Lead, LeadActionRequest, LeadKind, LeadStatus,
    ListLeadsRequest, RequestedAction,
};
use tonic::{Code, Status};

const DEMO: &str = "CUS-DEMO00000001";

/// The lead as acknowledging it answered, for the salesperson `req` names.
async fn acknowledge(server: &mut Server, req: LeadActionRequest) -> Result<Lead, Status> {
    let staff_id = req.staff_id.clone();
    let reply = server
        .staff
        .acknowledge_lead(as_staff(&staff_id, req))
        .await?;
    Ok(reply.into_inner().lead.expect("lead"))
}

/// The lead as closing it answered, for the salesperson `req` names.
async fn close(server: &mut Server, req: LeadActionRequest) -> Result<Lead, Status> {
    let staff_id = req.staff_id.clone();
    let reply = server.staff.close_lead(as_staff(&staff_id, req)).await?;
    Ok(reply.into_inner().lead.expect("lead"))
}

#[tokio::test]
async fn staff_see_acknowledge_and_close_their_leads() {
    with_demo_desk(async |server, _smtp, kind| {
        for model in ["RL-1", "NX-700", "FCW-3"] {
            server
                .desk
                .contact_staff(as_customer(
                    DEMO,
                    ContactStaffRequest {
                        customer_id: DEMO.into(),
                        model_number: model.into(),
                        comment: format!("about {model}"),
                        actions: vec![RequestedAction::Visit as i32],
                        ..Default::default()
                    },
                ))
                .await
                .unwrap();
        }
        let dana = server
            .staff
            .authenticate_staff(AuthenticateStaffRequest {
                login: "Dana.Reyes@sales.tandem.example".into(),
                password: "tandem-staff-2026".into(),
            })
            .await
            .expect("login")
            .into_inner()
            .staff
            .unwrap();
        assert_eq!(dana.staff_id, "STF-DANA");
        assert_eq!(
            dana.open_leads, 2,
            "RL-1 and NX-700 are Dana's, FCW-3 is Sam's"
        );
        for (login, password) in [
            ("STF-DANA", "wrong-password!"),
            ("nobody@sales.tandem.example", "tandem-staff-2026"),
        ] {
            let err = server
                .staff
                .authenticate_staff(AuthenticateStaffRequest {
                    login: login.into(),
                    password: password.into(),
                })
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::Unauthenticated);
        }

        let list = |staff: &str| ListLeadsRequest {
            staff_id: staff.into(),
            ..Default::default()
        };
        let mine = server
            .staff
            .list_leads(as_staff("STF-DANA", list("STF-DANA")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(mine.leads.len(), 2, "{kind}");
        assert_eq!(mine.leads[0].model_number, "NX-700", "newest first");
        let customer = mine.leads[0].customer.clone().unwrap();
        assert_eq!(
            (customer.name.as_str(), customer.phone.as_str()),
            ("Alex Morgan", "+1 415 555 0134")
        );
        let lead_id = mine.leads[1].lead_id.clone();

        let act = |staff: &str| LeadActionRequest {
            lead_id: lead_id.clone(),
            staff_id: staff.into(),
        };
        let err = acknowledge(server, act("STF-SAM")).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "another salesperson's lead");
        let acked = acknowledge(server, act("STF-DANA")).await.unwrap();
        assert_eq!(acked.status(), LeadStatus::Acknowledged);
        assert!(!acked.acknowledged_at.is_empty());
        let again = acknowledge(server, act("STF-DANA")).await.unwrap();
        assert_eq!(again.acknowledged_at, acked.acknowledged_at, "idempotent");
        let closed = close(server, act("STF-DANA")).await.unwrap();
        assert_eq!(closed.status(), LeadStatus::Closed);
        let err = acknowledge(server, act("STF-DANA")).await.unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition);

        let open = server
            .staff
            .list_leads(as_staff(
                "STF-DANA",
                ListLeadsRequest {
                    statuses: vec![
                        LeadStatus::New as i32,
                        LeadStatus::Emailed as i32,
                        LeadStatus::Acknowledged as i32,
                    ],
                    ..list("STF-DANA")
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(open.leads.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_crm_pulls_every_lead_changed_since_page_by_page() {
    with_demo_desk(async |server, _smtp, kind| {
        let start = chrono::Utc::now() - chrono::Duration::seconds(1);
        for i in 0..5 {
            server
                .desk
                .contact_staff(as_customer(
                    DEMO,
                    ContactStaffRequest {
                        customer_id: DEMO.into(),
                        model_number: if i % 2 == 0 { "RL-1" } else { "VB-11H" }.into(),
                        actions: vec![RequestedAction::PhoneCall as i32],
                        ..Default::default()
                    },
                ))
                .await
                .unwrap();
        }
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let page = server
                .staff
                .list_leads(ListLeadsRequest {
                    updated_after: start.to_rfc3339(),
                    kinds: vec![LeadKind::Contact as i32],
                    page: Some(PageRequest {
                        page_size: 2,
                        page_token: token.clone(),
                    }),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            assert_eq!(page.page.as_ref().unwrap().total_size, 5);
            seen.extend(page.leads.into_iter().map(|l| l.lead_id));
            token = page.page.unwrap().next_page_token;
            if token.is_empty() {
                break;
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (5, 5), "{kind}");
        let later = server
            .staff
            .list_leads(ListLeadsRequest {
                updated_after: (chrono::Utc::now() + chrono::Duration::seconds(5)).to_rfc3339(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(later.leads.is_empty());
        let err = server
            .staff
            .list_leads(ListLeadsRequest {
                updated_after: "yesterday".into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        tokio::time::sleep(Duration::ZERO).await;
    })
    .await;
}
