//! The leads server acts on the gateway's end-user assertion, never on request fields
//! naming the user — over real gRPC on SQLite and (when configured) PostgreSQL: a
//! missing, expired, forged or wrong-role assertion is refused and nothing changes; a
//! customer cannot read or change another customer; a salesperson sees and handles only
//! their own leads, whatever `staff_id` says; the server does not start without the key
//! that checks assertions. Over mutual TLS with the built-in policy: the `crm` partner
//! reads every lead but cannot acknowledge or close one; other partners get no feed.

mod common;

use std::time::Duration;

use common::{Server, as_customer, as_staff, with_demo_desk};
use tandem_mesh::assertion::{Role, Signer, UserAssertion};
use tandem_mesh::partner::{Access, Policy};
use tandem_mesh::pki::LocalCa;
use tandem_mesh::testing::{TestDb, user_keys};
use tandem_mesh::tls::TlsMaterial;
use tandem_mesh::{ClientConfig, ServerConfig, Service};
use tandem_proto::common::v1::Money;
use tandem_proto::leads::v1::customers_client::CustomersClient;
use tandem_proto::leads::v1::sales_desk_client::SalesDeskClient;
use tandem_proto::leads::v1::staff_leads_client::StaffLeadsClient;
use tandem_proto::leads::v1::{
    ConsentPurpose, ContactStaffRequest, GetConsentsRequest, GetCustomerRequest, GetLeadRequest,
    GetStaffRequest, LeadActionRequest, LeadStatus, ListCustomerMailRequest, ListLeadsRequest,
    NoteProductViewRequest, NotifyPurchaseRequest, PurchaseLine, RequestedAction,
    SetConsentRequest, UpdateCustomerRequest, UpdateRegistrationRequest,
};
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

const DEMO: &str = "CUS-DEMO00000001";
const DANA: &str = "STF-DANA";
const SAM: &str = "STF-SAM";

/// What a call carries in place of a valid assertion for the user it names.
#[derive(Clone, Debug)]
enum Bearer {
    /// No assertion.
    Nothing,
    /// The right user, expired a minute ago.
    Expired,
    /// The right user, signed with a key that is not the gateway's.
    Forged,
    /// The right subject in the wrong role.
    WrongRole,
    /// A valid assertion (same role) for this user: refused when it is not the user the
    /// call names.
    For(String),
}

impl Bearer {
    /// The status a call carrying this must be refused with.
    fn refusal(&self) -> Code {
        match self {
            Bearer::Nothing | Bearer::Expired | Bearer::Forged => Code::Unauthenticated,
            Bearer::WrongRole | Bearer::For(_) => Code::PermissionDenied,
        }
    }
}

/// `message` carrying what `bearer` says instead of a valid assertion for `subject` as
/// `role`.
fn carrying<T>(bearer: &Bearer, subject: &str, role: Role, message: T) -> Request<T> {
    let mut request = Request::new(message);
    let token = match bearer {
        Bearer::Nothing => return request,
        Bearer::Expired => user_keys().0.sign_assertion(&UserAssertion {
            subject: subject.to_owned(),
            role,
            expires_at: chrono::Utc::now().timestamp() - 60,
        }),
        Bearer::Forged => foreign_signer().sign(subject, role, Duration::from_secs(300)),
        Bearer::WrongRole => {
            let other = match role {
                Role::Customer => Role::SalesStaff,
                _ => Role::Customer,
            };
            user_keys().0.sign(subject, other, Duration::from_secs(300))
        }
        Bearer::For(who) => user_keys().0.sign(who, role, Duration::from_secs(300)),
    };
    tandem_mesh::assertion::attach(&mut request, &token);
    request
}

/// A signing key that is not the one the server trusts.
fn foreign_signer() -> Signer {
    let path = std::env::temp_dir().join(format!(
        "tandem-foreign-key-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let signer = Signer::open_or_create(&path).expect("foreign key");
    std::fs::remove_file(path).ok();
    signer
}

/// Calls the customer RPC `rpc` about the demo customer carrying `bearer`.
async fn customer_call(server: &mut Server, rpc: &str, bearer: &Bearer) -> Result<(), Status> {
    let id = || DEMO.to_owned();
    match rpc {
        "GetCustomer" => server
            .client
            .get_customer(carrying(
                bearer,
                DEMO,
                Role::Customer,
                GetCustomerRequest {
                    customer_id: id(),
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "UpdateCustomer" => server
            .client
            .update_customer(carrying(
                bearer,
                DEMO,
                Role::Customer,
                UpdateCustomerRequest {
                    customer_id: id(),
                    phone: "+1 415 555 0999".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "ContactStaff" => server
            .desk
            .contact_staff(carrying(
                bearer,
                DEMO,
                Role::Customer,
                ContactStaffRequest {
                    customer_id: id(),
                    model_number: "RL-1".into(),
                    actions: vec![RequestedAction::PhoneCall as i32],
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "UpdateRegistration" => server
            .desk
            .update_registration(carrying(
                bearer,
                DEMO,
                Role::Customer,
                UpdateRegistrationRequest {
                    customer_id: id(),
                    office: "Hijacked Inc".into(),
                    forward_to_staff: true,
                    consent_wording_version: "registration-updates/1".into(),
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "GetConsents" => server
            .desk
            .get_consents(carrying(
                bearer,
                DEMO,
                Role::Customer,
                GetConsentsRequest { customer_id: id() },
            ))
            .await
            .map(drop),
        "SetConsent" => server
            .desk
            .set_consent(carrying(
                bearer,
                DEMO,
                Role::Customer,
                SetConsentRequest {
                    customer_id: id(),
                    purpose: ConsentPurpose::Purchases as i32,
                    granted: true,
                    wording_version: "purchases/1".into(),
                    source: String::new(),
                },
            ))
            .await
            .map(drop),
        "NoteProductView" => server
            .desk
            .note_product_view(carrying(
                bearer,
                DEMO,
                Role::Customer,
                NoteProductViewRequest {
                    customer_id: id(),
                    model_number: "VB-11H".into(),
                },
            ))
            .await
            .map(drop),
        "ListCustomerMail" => server
            .desk
            .list_customer_mail(carrying(
                bearer,
                DEMO,
                Role::Customer,
                ListCustomerMailRequest { customer_id: id() },
            ))
            .await
            .map(drop),
        other => panic!("no customer RPC {other}"),
    }
}

const CUSTOMER_RPCS: [&str; 8] = [
    "GetCustomer",
    "UpdateCustomer",
    "ContactStaff",
    "UpdateRegistration",
    "GetConsents",
    "SetConsent",
    "NoteProductView",
    "ListCustomerMail",
];

async fn leads_stored(server: &Server) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    svc_leads::store::entity::lead::Entity::find()
        .count(&server.db)
        .await
        .unwrap()
}

/// Interest notices on, so that a product view could open a lead.
fn interest_notices(config: &mut svc_leads::LeadsConfig) {
    config.desk.interest_notices = true;
}

#[tokio::test]
async fn customer_calls_act_only_for_the_customer_of_a_valid_assertion() {
    common::with_demo_desk_configured(interest_notices, async |server, _smtp, kind| {
        let other = server
            .register("someone.else@example.com")
            .await
            .customer_id;
        // The demo customer agreed to everything, so a hijacked call would show.
        for (purpose, version) in [
            (
                ConsentPurpose::RegistrationUpdates,
                "registration-updates/1",
            ),
            (ConsentPurpose::ProductInterest, "product-interest/1"),
        ] {
            server
                .desk
                .set_consent(as_customer(
                    DEMO,
                    SetConsentRequest {
                        purpose: purpose as i32,
                        granted: true,
                        wording_version: version.into(),
                        ..Default::default()
                    },
                ))
                .await
                .expect("consent, for the customer of the assertion");
        }
        let before = server.customer(DEMO).await;
        let consents_before = consent_history(server).await;

        let bearers = [
            Bearer::Nothing,
            Bearer::Expired,
            Bearer::Forged,
            Bearer::WrongRole,
            Bearer::For(other.clone()),
        ];
        for rpc in CUSTOMER_RPCS {
            for bearer in &bearers {
                let err = customer_call(server, rpc, bearer)
                    .await
                    .expect_err(&format!("{rpc} carrying {bearer:?} must be refused"));
                assert_eq!(
                    err.code(),
                    bearer.refusal(),
                    "{rpc} {bearer:?} {kind}: {err:?}"
                );
            }
        }

        assert_eq!(server.customer(DEMO).await, before, "nothing changed");
        assert_eq!(consent_history(server).await, consents_before);
        assert_eq!(leads_stored(server).await, 0, "{kind}");
        assert!(
            svc_leads::store::outbox::all(&server.db)
                .await
                .unwrap()
                .is_empty(),
            "no e-mail queued"
        );

        // The same calls with the demo customer's own assertion are served; an empty
        // customer_id means the customer of the assertion.
        for rpc in CUSTOMER_RPCS {
            customer_call(server, rpc, &Bearer::For(DEMO.into()))
                .await
                .unwrap_or_else(|e| panic!("{rpc} for the demo customer: {e:?}"));
        }
        let me = server
            .client
            .get_customer(as_customer(DEMO, GetCustomerRequest::default()))
            .await
            .unwrap()
            .into_inner()
            .customer
            .unwrap();
        assert_eq!(me.customer_id, DEMO);
        assert_eq!(me.office, "Hijacked Inc", "the demo customer's own update");
        // The other customer's record was never touched.
        let theirs = server.customer(&other).await;
        assert!(theirs.office.is_empty());
        assert_eq!(theirs.name, "Jordan Lee");
    })
    .await;
}

async fn consent_history(server: &mut Server) -> usize {
    server
        .desk
        .get_consents(as_customer(DEMO, GetConsentsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .history
        .len()
}

/// Opens contact leads: RL-1 and NX-700 go to Dana, FCW-3 to Sam (the demo area 941).
async fn three_leads(server: &mut Server) -> Vec<String> {
    let mut ids = Vec::new();
    for model in ["RL-1", "NX-700", "FCW-3"] {
        let lead = server
            .desk
            .contact_staff(as_customer(
                DEMO,
                ContactStaffRequest {
                    model_number: model.into(),
                    actions: vec![RequestedAction::Visit as i32],
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .lead
            .unwrap();
        ids.push(lead.lead_id);
    }
    ids
}

/// Calls the staff RPC `rpc` about `lead_id` as Dana, carrying `bearer`.
async fn staff_call(
    server: &mut Server,
    rpc: &str,
    lead_id: &str,
    bearer: &Bearer,
) -> Result<(), Status> {
    let action = || LeadActionRequest {
        lead_id: lead_id.to_owned(),
        staff_id: DANA.into(),
    };
    match rpc {
        "GetStaff" => server
            .staff
            .get_staff(carrying(
                bearer,
                DANA,
                Role::SalesStaff,
                GetStaffRequest {
                    staff_id: DANA.into(),
                },
            ))
            .await
            .map(drop),
        "ListLeads" => server
            .staff
            .list_leads(carrying(
                bearer,
                DANA,
                Role::SalesStaff,
                ListLeadsRequest {
                    staff_id: DANA.into(),
                    ..Default::default()
                },
            ))
            .await
            .map(drop),
        "GetLead" => server
            .staff
            .get_lead(carrying(
                bearer,
                DANA,
                Role::SalesStaff,
                GetLeadRequest {
                    lead_id: lead_id.to_owned(),
                    staff_id: DANA.into(),
                },
            ))
            .await
            .map(drop),
        "AcknowledgeLead" => server
            .staff
            .acknowledge_lead(carrying(bearer, DANA, Role::SalesStaff, action()))
            .await
            .map(drop),
        "CloseLead" => server
            .staff
            .close_lead(carrying(bearer, DANA, Role::SalesStaff, action()))
            .await
            .map(drop),
        other => panic!("no staff RPC {other}"),
    }
}

const STAFF_RPCS: [&str; 5] = [
    "GetStaff",
    "ListLeads",
    "GetLead",
    "AcknowledgeLead",
    "CloseLead",
];

#[tokio::test]
async fn a_salesperson_sees_and_handles_only_their_own_leads() {
    with_demo_desk(async |server, _smtp, kind| {
        let ids = three_leads(server).await;
        let (danas, sams) = (&ids[0], &ids[2]);

        // Refused: expired, forged, a customer's, another salesperson's naming Dana; and
        // — but for the plaintext feed reads, below — none at all.
        for rpc in STAFF_RPCS {
            for bearer in [
                Bearer::Nothing,
                Bearer::Expired,
                Bearer::Forged,
                Bearer::WrongRole,
                Bearer::For(SAM.into()),
            ] {
                let feed_read = matches!(rpc, "ListLeads" | "GetLead");
                if feed_read && matches!(bearer, Bearer::Nothing) {
                    continue; // a plaintext server without partners: the feed (see below)
                }
                let err = staff_call(server, rpc, danas, &bearer)
                    .await
                    .expect_err(&format!("{rpc} carrying {bearer:?} must be refused"));
                assert_eq!(err.code(), bearer.refusal(), "{rpc} {bearer:?}: {err:?}");
            }
        }
        let untouched = staff_list(server, DANA, "").await;
        assert!(
            untouched
                .iter()
                .all(|l| l.status() == LeadStatus::New || l.status() == LeadStatus::Emailed),
            "nothing acknowledged or closed"
        );

        // An empty staff_id is the salesperson of the assertion, not every lead.
        let mine = staff_list(server, DANA, "").await;
        assert_eq!(mine.len(), 2, "{kind}");
        assert!(mine.iter().all(|l| l.staff_id == DANA));
        assert_eq!(staff_list(server, SAM, "").await.len(), 1);
        let err = server
            .staff
            .list_leads(as_staff(
                DANA,
                ListLeadsRequest {
                    staff_id: SAM.into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::PermissionDenied,
            "naming another: {err:?}"
        );

        // Sam's lead is not Dana's to read, acknowledge or close.
        let err = server
            .staff
            .get_lead(as_staff(
                DANA,
                GetLeadRequest {
                    lead_id: sams.clone(),
                    staff_id: String::new(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        for close in [false, true] {
            let request = as_staff(
                DANA,
                LeadActionRequest {
                    lead_id: sams.clone(),
                    staff_id: String::new(),
                },
            );
            let err = if close {
                server.staff.close_lead(request).await
            } else {
                server.staff.acknowledge_lead(request).await
            }
            .unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "close {close}");
            let err = server
                .staff
                .acknowledge_lead(as_staff(
                    DANA,
                    LeadActionRequest {
                        lead_id: sams.clone(),
                        staff_id: SAM.into(),
                    },
                ))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::PermissionDenied);
        }
        let sams_lead = &staff_list(server, SAM, "").await[0];
        assert!(sams_lead.acknowledged_at.is_empty() && sams_lead.closed_at.is_empty());

        // Dana's own, with an empty staff_id: served.
        let me = server
            .staff
            .get_staff(as_staff(DANA, GetStaffRequest::default()))
            .await
            .unwrap()
            .into_inner()
            .staff
            .unwrap();
        assert_eq!((me.staff_id.as_str(), me.open_leads), (DANA, 2));
        let acked = server
            .staff
            .acknowledge_lead(as_staff(
                DANA,
                LeadActionRequest {
                    lead_id: danas.clone(),
                    staff_id: String::new(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .lead
            .unwrap();
        assert_eq!(acked.status(), LeadStatus::Acknowledged);

        // A plaintext server has no partners: a read without any assertion is the feed
        // (the server is open to every caller in that mode, SalesAdmin included).
        let feed = server
            .staff
            .list_leads(ListLeadsRequest::default())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(feed.leads.len(), 3);
    })
    .await;
}

async fn staff_list(
    server: &mut Server,
    staff_id: &str,
    named: &str,
) -> Vec<tandem_proto::leads::v1::Lead> {
    server
        .staff
        .list_leads(as_staff(
            staff_id,
            ListLeadsRequest {
                staff_id: named.into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .leads
}

#[tokio::test]
async fn the_server_does_not_start_without_the_key_that_checks_assertions() {
    let db = TestDb::sqlite();
    let conn = svc_leads::SalesDesk::open(&db.url).await.expect("open db");
    let listener = tandem_mesh::testing::listener().await;
    let config = svc_leads::LeadsConfig::new(std::env::temp_dir());
    let err = svc_leads::SalesDesk::serve(
        listener,
        conn,
        config,
        ServerConfig::default(),
        tandem_mesh::CancellationToken::new(),
    )
    .await
    .expect_err("no assertion verifier");
    let text = format!("{err:#}");
    assert!(
        text.contains("TANDEM_USER_ASSERTION_PUBLIC_KEY"),
        "names the setting: {text}"
    );
    db.cleanup().await;
}

/// The built-in partner policy of `tandem` (src/policy.toml of the workspace).
const POLICY: &str = include_str!("../../src/policy.toml");

/// A channel to `url` as partner `name`, with a certificate from `ca`.
fn partner(ca: &LocalCa, url: &str, name: &str) -> Channel {
    let material = TlsMaterial::load(&ca.issue(name, &[], false).unwrap()).unwrap();
    let config = ClientConfig {
        tls: Some(material),
        ..ClientConfig::default()
    };
    tandem_mesh::client::channel(url, &config).unwrap()
}

#[tokio::test]
async fn over_mutual_tls_only_the_crm_reads_the_whole_feed_and_only_reads_it() {
    for db in TestDb::all().await {
        let dir = std::env::temp_dir().join(format!(
            "tandem-leads-pki-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let ca = LocalCa::open_or_create(&dir).unwrap();
        let files = ca
            .issue("leads", &["127.0.0.1", "localhost"], false)
            .unwrap();
        let config = ServerConfig {
            tls: Some(TlsMaterial::load(&files).unwrap()),
            access: Access::Partners(std::sync::Arc::new(Policy::from_toml(POLICY).unwrap())),
            ..tandem_mesh::testing::server_config()
        };
        let settings = svc_leads::LeadsConfig::new(dir.join("mail"));
        let server = Server::start_configured(&db, true, settings, config).await;
        let url = server.running.url.clone();
        let gateway = partner(&ca, &url, "gateway");
        let crm = partner(&ca, &url, "crm");
        let admin = partner(&ca, &url, "admin");

        // The gateway, for the demo customer: three leads (two Dana's, one Sam's).
        let mut desk = SalesDeskClient::new(gateway.clone());
        let mut lead_ids = Vec::new();
        for model in ["RL-1", "NX-700", "FCW-3"] {
            let lead = desk
                .contact_staff(as_customer(
                    DEMO,
                    ContactStaffRequest {
                        model_number: model.into(),
                        actions: vec![RequestedAction::Visit as i32],
                        ..Default::default()
                    },
                ))
                .await
                .unwrap()
                .into_inner()
                .lead
                .unwrap();
            lead_ids.push(lead.lead_id);
        }
        // A purchase notice is the gateway's own call: no assertion (it may come long
        // after the customer's expired).
        let usd = |minor_units| {
            Some(Money {
                minor_units,
                currency: "USD".into(),
            })
        };
        desk.notify_purchase(NotifyPurchaseRequest {
            idempotency_key: "CHK-tls-1".into(),
            customer_id: DEMO.into(),
            checkout_id: "CHK-tls-1".into(),
            order_number: "ORD-1".into(),
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
            policy_number: String::new(),
            ..Default::default()
        })
        .await
        .expect("purchase notice without an assertion");

        // The CRM: every lead, read-only, without an assertion.
        let mut feed = StaffLeadsClient::new(crm.clone());
        let all = feed
            .list_leads(ListLeadsRequest::default())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(all.leads.len(), 3, "{}", db.kind);
        let sams = feed
            .list_leads(ListLeadsRequest {
                staff_id: SAM.into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(sams.leads.len(), 1, "a CRM may filter by salesperson");
        for id in &lead_ids {
            feed.get_lead(GetLeadRequest {
                lead_id: id.clone(),
                staff_id: String::new(),
            })
            .await
            .expect("the CRM reads any lead");
        }
        for close in [false, true] {
            let request = LeadActionRequest {
                lead_id: lead_ids[0].clone(),
                staff_id: DANA.into(),
            };
            let err = if close {
                feed.close_lead(as_staff(DANA, request)).await
            } else {
                feed.acknowledge_lead(as_staff(DANA, request)).await
            }
            .unwrap_err();
            assert_eq!(err.code(), Code::PermissionDenied, "close {close}: {err:?}");
        }
        let err = CustomersClient::new(crm.clone())
            .get_customer(GetCustomerRequest {
                customer_id: DEMO.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = SalesDeskClient::new(crm)
            .notify_purchase(NotifyPurchaseRequest::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);

        // The gateway gets no feed: without an assertion it is refused, with Dana's
        // it reads Dana's leads.
        let mut staff = StaffLeadsClient::new(gateway.clone());
        let err = staff
            .list_leads(ListLeadsRequest::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");
        let err = staff
            .get_lead(GetLeadRequest {
                lead_id: lead_ids[2].clone(),
                staff_id: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated);
        let danas = staff
            .list_leads(as_staff(DANA, ListLeadsRequest::default()))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(danas.leads.len(), 2);
        let err = CustomersClient::new(gateway)
            .get_customer(GetCustomerRequest {
                customer_id: DEMO.into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::Unauthenticated,
            "the gateway needs the customer's"
        );

        // The administration keeps SalesAdmin and nothing else.
        let err = StaffLeadsClient::new(admin)
            .list_leads(ListLeadsRequest::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);

        // Nothing the refused calls tried changed a lead.
        let after = feed
            .list_leads(ListLeadsRequest::default())
            .await
            .unwrap()
            .into_inner();
        assert!(
            after
                .leads
                .iter()
                .all(|l| l.acknowledged_at.is_empty() && l.closed_at.is_empty())
        );
        server.stop().await;
        db.cleanup().await;
        std::fs::remove_dir_all(dir).ok();
    }
}
