//! The buy-back center acts on the gateway's signed end-user assertion, over real gRPC on
//! SQLite and PostgreSQL: customers' calls need a customer's assertion and reach only
//! their own applications; staff calls need a buy-back staff member's, who logs in with
//! their own password and is recorded as the inspector; missing, expired, forged and
//! wrong-role assertions are refused and change nothing; the price table and estimate are
//! public; the administration adds, changes and retires staff members; and the server
//! refuses to start without a verifier.

mod common;

use common::*;
use tandem_mesh::assertion::{Role, Signer, UserAssertion};
use tandem_mesh::testing::{as_user, user_keys};
use tandem_proto::accessory::v1::{DeviceCategory, UsedItem};
use tandem_proto::buyback::v1::*;
use tonic::{Code, Request};

/// `message` carrying the raw assertion `token`.
fn with_token<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    tandem_mesh::assertion::attach(&mut request, token);
    request
}

/// Assertions that must be refused, for `subject` in `role`: none, expired, forged,
/// malformed — each with the code it gets.
fn bad_tokens(subject: &str, role: Role) -> Vec<(Option<String>, Code)> {
    let expired = user_keys().0.sign_assertion(&UserAssertion {
        subject: subject.into(),
        role,
        expires_at: chrono::Utc::now().timestamp() - 5,
    });
    let path = std::env::temp_dir().join(format!("tandem-forger-{}", uuid::Uuid::new_v4()));
    let forger = Signer::open_or_create(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let forged = forger.sign(subject, role, std::time::Duration::from_secs(60));
    vec![
        (None, Code::Unauthenticated),
        (Some(expired), Code::Unauthenticated),
        (Some(forged), Code::Unauthenticated),
        (Some("v1.e30.AAAA".into()), Code::Unauthenticated),
    ]
}

/// `message` with `token` (or none).
fn maybe<T>(message: T, token: &Option<String>) -> Request<T> {
    match token {
        Some(t) => with_token(message, t),
        None => Request::new(message),
    }
}

#[tokio::test]
async fn customers_act_only_on_their_own_applications_with_a_valid_assertion() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let (order, id) = w.item_on_its_way().await;
        let before = wait_state(&mut w, &id).await;

        // Bad assertions: refused, nothing applied, shipped or answered.
        for (token, code) in bad_tokens("CUS-A", Role::Customer) {
            let submit = w
                .center
                .submit_application(maybe(application("bad", "A", &order, alex()), &token))
                .await
                .unwrap_err();
            assert_eq!(submit.code(), code, "{kind} submit {token:?}");
            let get = GetApplicationRequest {
                application_id: id.clone(),
                customer_id: String::new(),
            };
            assert_eq!(
                w.center
                    .get_application(maybe(get, &token))
                    .await
                    .unwrap_err()
                    .code(),
                code
            );
            let respond = RespondToCounterofferRequest {
                application_id: id.clone(),
                customer_id: String::new(),
                accept: false,
            };
            assert_eq!(
                w.center
                    .respond_to_counteroffer(maybe(respond, &token))
                    .await
                    .unwrap_err()
                    .code(),
                code
            );
        }
        // A staff member's assertion is not a customer's.
        let as_staff_submit = w
            .center
            .submit_application(as_staff(application("st", "A", &order, alex())))
            .await
            .unwrap_err();
        assert_eq!(as_staff_submit.code(), Code::PermissionDenied);
        let staff_ships = w
            .center
            .ship_item(as_staff(ShipItemRequest {
                application_id: id.clone(),
                customer_id: String::new(),
            }))
            .await
            .unwrap_err();
        assert_eq!(staff_ships.code(), Code::PermissionDenied);
        // A sales salesperson's neither.
        let sales = w
            .center
            .list_applications(as_user(
                ListApplicationsRequest::default(),
                "STF-1",
                Role::SalesStaff,
            ))
            .await
            .unwrap_err();
        assert_eq!(sales.code(), Code::PermissionDenied);

        // Another customer: the application reads as unknown, their list is empty, and
        // naming the owner in customer_id is refused.
        let not_found = w
            .center
            .get_application(as_user(
                GetApplicationRequest {
                    application_id: id.clone(),
                    customer_id: String::new(),
                },
                "CUS-B",
                Role::Customer,
            ))
            .await
            .unwrap_err();
        assert_eq!(not_found.code(), Code::NotFound);
        let theirs = w
            .center
            .list_applications(as_user(
                ListApplicationsRequest::default(),
                "CUS-B",
                Role::Customer,
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(theirs.applications.is_empty(), "{theirs:?}");
        let naming = w
            .center
            .list_applications(as_user(
                ListApplicationsRequest {
                    customer_id: "CUS-A".into(),
                    ..Default::default()
                },
                "CUS-B",
                Role::Customer,
            ))
            .await
            .unwrap_err();
        assert_eq!(naming.code(), Code::PermissionDenied, "{naming:?}");
        let mut for_a = application("b1", "B", &order, alex());
        for_a.customer_id = "CUS-A".into();
        let applying_for_a = w
            .center
            .submit_application(as_user(for_a, "CUS-B", Role::Customer))
            .await
            .unwrap_err();
        assert_eq!(applying_for_a.code(), Code::PermissionDenied);
        for accept in [true, false] {
            let err = w.respond(&id, "CUS-B", accept).await.unwrap_err();
            assert_eq!(err.code(), Code::NotFound);
        }
        assert_eq!(
            w.ship(&id, "CUS-B").await.unwrap_err().code(),
            Code::NotFound
        );

        // Nothing changed; the owner sees it, in their list too.
        let after = wait_state(&mut w, &id).await;
        assert_eq!(
            (
                after.state(),
                after.updated_at.as_str(),
                after.history.len()
            ),
            (
                before.state(),
                before.updated_at.as_str(),
                before.history.len()
            )
        );
        let mine = w
            .center
            .list_applications(as_user(
                ListApplicationsRequest::default(),
                "CUS-A",
                Role::Customer,
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(mine.applications.len(), 1);
        assert_eq!(mine.applications[0].application_id, id);

        // The price table and the estimate are public.
        assert!(
            !w.center
                .list_price_table(ListPriceTableRequest::default())
                .await
                .unwrap()
                .into_inner()
                .entries
                .is_empty()
        );
        let estimate = w
            .center
            .estimate(EstimateRequest {
                item: Some(UsedItem {
                    category: DeviceCategory::Dashcam as i32,
                    maker: "Roadlens".into(),
                    model: "RL-1".into(),
                }),
                answers: application("e", "A", &order, alex()).answers,
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(estimate.price.unwrap().minor_units, 3_500);
        w.stop().await;
    }
}

/// The application `id` as staff see it.
async fn wait_state(w: &mut World, id: &str) -> Application {
    w.center
        .get_application(as_staff(GetApplicationRequest {
            application_id: id.into(),
            customer_id: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .application
        .unwrap()
}

#[tokio::test]
async fn staff_log_in_with_their_own_password_and_are_recorded_as_the_inspector() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let login = |login: &str, password: &str| AuthenticateStaffRequest {
            login: login.into(),
            password: password.into(),
        };

        // Right password, by staff ID or e-mail (any case); no assertion needed.
        let mia = w
            .staff
            .authenticate_staff(login(
                "BBS-MIA",
                svc_buyback::store::seed::DEMO_STAFF_PASSWORD,
            ))
            .await
            .unwrap()
            .into_inner()
            .staff
            .unwrap();
        assert_eq!((mia.staff_id.as_str(), mia.active), ("BBS-MIA", true));
        let by_email = w
            .staff
            .authenticate_staff(login(
                "Kai.Nakamura@buyback.tandem.example",
                svc_buyback::store::seed::DEMO_STAFF_PASSWORD,
            ))
            .await
            .unwrap()
            .into_inner()
            .staff
            .unwrap();
        assert_eq!(by_email.staff_id, "BBS-KAI");

        // A wrong password and an unknown login get the very same answer.
        let wrong = w
            .staff
            .authenticate_staff(login("BBS-MIA", "not-the-password"))
            .await
            .unwrap_err();
        let unknown = w
            .staff
            .authenticate_staff(login("BBS-NOBODY", "not-the-password"))
            .await
            .unwrap_err();
        assert_eq!(wrong.code(), Code::Unauthenticated);
        assert_eq!(
            (wrong.code(), wrong.message()),
            (unknown.code(), unknown.message())
        );
        let empty = w
            .staff
            .authenticate_staff(login("BBS-MIA", ""))
            .await
            .unwrap_err();
        assert_eq!(empty.code(), Code::InvalidArgument);

        // GetStaff is the asserted staff member.
        let me = w
            .staff
            .get_staff(as_user(GetStaffRequest {}, "BBS-MIA", Role::BuybackStaff))
            .await
            .unwrap()
            .into_inner()
            .staff
            .unwrap();
        assert_eq!(me.name, "Mia Chen");
        for (token, code) in bad_tokens("BBS-MIA", Role::BuybackStaff) {
            assert_eq!(
                w.staff
                    .get_staff(maybe(GetStaffRequest {}, &token))
                    .await
                    .unwrap_err()
                    .code(),
                code
            );
        }

        // Inspections: refused without a valid staff assertion, nothing changed...
        let (_, id) = w.item_on_its_way().await;
        let inspect = |grade: Grade| InspectItemRequest {
            application_id: id.clone(),
            grade: grade as i32,
            note: "screen cracked".into(),
        };
        let mut refusals = bad_tokens("BBS-MIA", Role::BuybackStaff);
        refusals.push((
            Some(
                user_keys()
                    .0
                    .sign("CUS-A", Role::Customer, std::time::Duration::from_secs(60)),
            ),
            Code::PermissionDenied,
        ));
        // ...and for someone the assertion names who is not on the staff.
        refusals.push((
            Some(user_keys().0.sign(
                "BBS-NOBODY",
                Role::BuybackStaff,
                std::time::Duration::from_secs(60),
            )),
            Code::PermissionDenied,
        ));
        for (token, code) in refusals {
            let err = w
                .staff
                .inspect_item(maybe(inspect(Grade::C), &token))
                .await
                .unwrap_err();
            assert_eq!(err.code(), code, "{kind} {token:?}: {err:?}");
        }
        let untouched = wait_state(&mut w, &id).await;
        assert_eq!(untouched.state(), ApplicationState::AwaitingItem);
        assert!(untouched.inspected_by.is_empty());

        // ...and recorded with the staff member who made it.
        let offered = w
            .staff
            .inspect_item(as_user(inspect(Grade::C), "BBS-MIA", Role::BuybackStaff))
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        assert_eq!(offered.state(), ApplicationState::Counteroffered);
        assert_eq!(offered.inspected_by, "BBS-MIA");
        assert!(
            offered
                .history
                .last()
                .unwrap()
                .note
                .contains("inspected by BBS-MIA"),
            "{offered:?}"
        );

        // A staff member who leaves can no longer log in, read or inspect.
        let db = tandem_mesh::db::connect(&w.dbs[0].url).await.unwrap();
        assert!(
            svc_buyback::store::staff::set_active(&db, "BBS-MIA", false)
                .await
                .unwrap()
        );
        db.close().await.ok();
        let gone = w
            .staff
            .authenticate_staff(login(
                "BBS-MIA",
                svc_buyback::store::seed::DEMO_STAFF_PASSWORD,
            ))
            .await
            .unwrap_err();
        assert_eq!(
            (gone.code(), gone.message()),
            (unknown.code(), unknown.message())
        );
        let stale = w
            .staff
            .get_staff(as_user(GetStaffRequest {}, "BBS-MIA", Role::BuybackStaff))
            .await
            .unwrap_err();
        assert_eq!(stale.code(), Code::PermissionDenied);
        w.stop().await;
    }
}

#[tokio::test]
async fn the_center_refuses_to_start_without_an_assertion_verifier() {
    let db = tandem_mesh::testing::TestDb::sqlite();
    let conn = <svc_buyback::BuybackCenter as tandem_mesh::Service>::open_demo(&db.url)
        .await
        .unwrap();
    let peers = peers("127.0.0.1:1".parse().unwrap(), "http://127.0.0.1:1");
    let listener = tandem_mesh::testing::listener().await;
    let served = <svc_buyback::BuybackCenter as tandem_mesh::Service>::serve(
        listener,
        conn,
        peers,
        tandem_mesh::ServerConfig::default(),
        tandem_mesh::CancellationToken::new(),
    )
    .await;
    let err = served.expect_err("no verifier, no server");
    assert!(
        format!("{err:#}").contains("TANDEM_USER_ASSERTION_PUBLIC_KEY"),
        "{err:#}"
    );
    db.cleanup().await;
}

#[tokio::test]
async fn the_administration_adds_changes_and_retires_staff_members() {
    use tandem_proto::buyback::v1::buyback_admin_client::BuybackAdminClient;
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let mut admin =
            BuybackAdminClient::new(tandem_mesh::testing::connect(&w.buyback.url).await);
        let upsert = |id: &str, email: &str, password: &str, active: bool| UpsertStaffRequest {
            staff_id: id.into(),
            name: "Noor Haddad".into(),
            email: email.into(),
            password: password.into(),
            active,
        };
        let login = |password: &str| AuthenticateStaffRequest {
            login: "noor@buyback.example".into(),
            password: password.into(),
        };

        // Bad input names the field; a new member needs a password.
        for (request, field) in [
            (
                upsert("BBS NOOR", "noor@buyback.example", "noor-password-1", true),
                "staff_id",
            ),
            (upsert("BBS-NOOR", "noor", "noor-password-1", true), "email"),
            (
                upsert("BBS-NOOR", "noor@buyback.example", "short", true),
                "password",
            ),
            (
                upsert("BBS-NOOR", "noor@buyback.example", "", true),
                "password",
            ),
        ] {
            let err = admin.upsert_staff(request).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{kind} {field}: {err:?}");
            assert_eq!(tandem_mesh::status::field_violations(&err)[0].0, field);
        }

        // Added (twice: idempotent), then logs in.
        for _ in 0..2 {
            let noor = admin
                .upsert_staff(upsert(
                    "BBS-NOOR",
                    "Noor@Buyback.example",
                    "noor-password-1",
                    true,
                ))
                .await
                .unwrap()
                .into_inner()
                .staff
                .unwrap();
            assert_eq!(
                (noor.email.as_str(), noor.active),
                ("noor@buyback.example", true)
            );
        }
        w.staff
            .authenticate_staff(login("noor-password-1"))
            .await
            .unwrap();
        // Another member's e-mail is refused.
        let taken = admin
            .upsert_staff(upsert("BBS-KAI", "noor@buyback.example", "", true))
            .await
            .unwrap_err();
        assert_eq!(taken.code(), Code::AlreadyExists, "{taken:?}");
        // A new password replaces the old one; none given keeps it.
        admin
            .upsert_staff(upsert(
                "BBS-NOOR",
                "noor@buyback.example",
                "noor-password-2",
                true,
            ))
            .await
            .unwrap();
        assert_eq!(
            w.staff
                .authenticate_staff(login("noor-password-1"))
                .await
                .unwrap_err()
                .code(),
            Code::Unauthenticated
        );
        admin
            .upsert_staff(upsert("BBS-NOOR", "noor@buyback.example", "", true))
            .await
            .unwrap();
        w.staff
            .authenticate_staff(login("noor-password-2"))
            .await
            .unwrap();
        // Retired: no login, no inspection.
        admin
            .upsert_staff(upsert("BBS-NOOR", "noor@buyback.example", "", false))
            .await
            .unwrap();
        assert_eq!(
            w.staff
                .authenticate_staff(login("noor-password-2"))
                .await
                .unwrap_err()
                .code(),
            Code::Unauthenticated
        );
        let (_, id) = w.item_on_its_way().await;
        let refused = w
            .staff
            .inspect_item(as_user(
                InspectItemRequest {
                    application_id: id,
                    grade: Grade::B as i32,
                    note: String::new(),
                },
                "BBS-NOOR",
                Role::BuybackStaff,
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied);
        w.stop().await;
    }
}
