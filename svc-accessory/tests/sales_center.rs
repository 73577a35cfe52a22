//! The sales center's side of buy-back over real gRPC, on SQLite and PostgreSQL: the
//! order confirmation designates the buy-back center; VerifyPurchase answers match or
//! no-match only, with normalised matching, the same reply for an unknown order number
//! as for wrong data, only for an asserted customer, and throttling per caller (partner
//! and end user) and order, per caller and per order number that holds across restarts
//! and replicas and never lets a stranger lock the owner out; RecordBuybackResult is
//! idempotent and shown with the order.

use prost::Message;
use tandem_mesh::assertion::{Role, UserAssertion};
use tandem_mesh::testing::orders::{alex_morgan, buy};
use tandem_mesh::testing::{Running, TestDb, as_user, connect, user_keys};
use tandem_proto::accessory::v1::sales_center_client::SalesCenterClient;
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::Money;
use tonic::Code;
use tonic::transport::Channel;

async fn serve(conn: sea_orm::DatabaseConnection) -> (Running, Channel) {
    let server = svc_accessory::testing::serve(conn).await;
    let channel = connect(&server.url).await;
    (server, channel)
}

async fn open(db: &TestDb) -> sea_orm::DatabaseConnection {
    svc_accessory::testing::open_demo(&db.url).await
}

/// Buys `product` as Alex Morgan (CUS-A) and pays at the shared account server (which
/// the seller of `testing::serve` asks); returns the confirmation.
async fn buy_as_alex(channel: &Channel, product: &str, key: &str) -> ConfirmOrderResponse {
    let alex = alex_morgan("CUS-A", "Alex.Morgan@example.com");
    let settlement = connect(&svc_settlement::testing::shared()).await;
    buy(channel, &settlement, alex, product, key).await
}

/// The number of a paid order of an RL-2 Duo dashcam (targeted for buy-back) by Alex.
async fn dashcam_order(channel: &Channel, key: &str) -> String {
    buy_as_alex(channel, "DEV-DC-1002", key)
        .await
        .order
        .unwrap()
        .order_number
}

fn alex() -> PersonalData {
    PersonalData {
        name: "ALEX  morgan".into(),
        email: "alex.morgan@EXAMPLE.com".into(),
        phone: "(415) 555-0134".into(),
        postal_code: "94103".into(),
    }
}

/// A verification made for customer `caller` (it carries the tests' assertion for them).
fn verify(
    order_number: &str,
    personal: PersonalData,
    caller: &str,
) -> tonic::Request<VerifyPurchaseRequest> {
    let request = VerifyPurchaseRequest {
        order_number: order_number.into(),
        personal: Some(personal),
        used_item: Some(UsedItem {
            category: DeviceCategory::Dashcam as i32,
            maker: "Roadlens".into(),
            model: "RL-1".into(),
        }),
        ..Default::default()
    };
    as_user(request, caller, Role::Customer)
}

/// A well-formed order number that no order has.
fn unknown_number(seed: u64) -> String {
    svc_accessory::domain::OrderNumber::generate(seed).to_string()
}

#[tokio::test]
async fn the_confirmation_designates_the_buyback_center_for_targeted_goods() {
    for db in TestDb::all().await {
        let (server, channel) = serve(open(&db).await).await;
        let targeted = buy_as_alex(&channel, "DEV-DC-1002", "t1").await;
        let d = targeted.buyback.unwrap();
        assert!(d.targeted, "{}", db.kind);
        assert_eq!(d.center_name, "Tandem Buy-back Center");
        assert_eq!(d.apply_path, "/#/buyback");
        let number = targeted.order.unwrap().order_number;
        assert!(d.how_to_apply.contains(&number), "{}", d.how_to_apply);
        assert_eq!(d.benefits[0].rule_id, "BR-RL2-RL1", "most specific first");
        let plain = buy_as_alex(&channel, "DEV-TT-1001", "t2").await;
        assert!(
            !plain.buyback.unwrap().targeted,
            "trackers are not targeted"
        );
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn verification_matches_normalised_data_and_says_nothing_else_on_a_mismatch() {
    for db in TestDb::all().await {
        let (server, channel) = serve(open(&db).await).await;
        let mut center = SalesCenterClient::new(channel.clone());
        let number = dashcam_order(&channel, "m1").await;

        let matched = center
            .verify_purchase(verify(
                &number.to_lowercase().replace('-', " "),
                alex(),
                "c1",
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(matched.result(), VerifyResult::Match, "{}", db.kind);
        let goods = matched.goods.unwrap();
        assert_eq!(
            (goods.maker.as_str(), goods.model.as_str()),
            ("Roadlens", "RL-2 Duo")
        );
        let benefit = matched.benefit.unwrap();
        assert_eq!(benefit.rule_id, "BR-RL2-RL1");
        assert_eq!(benefit.amount.unwrap().minor_units, 5_000);

        // Each field wrong on its own: no match, and nothing else in the reply.
        let wrong = [
            PersonalData {
                name: "Alex Morgen".into(),
                ..alex()
            },
            PersonalData {
                email: "alex@example.com".into(),
                ..alex()
            },
            PersonalData {
                phone: "415 555 0199".into(),
                ..alex()
            },
            PersonalData {
                postal_code: "94110".into(),
                ..alex()
            },
        ];
        let mut replies = Vec::new();
        for (i, personal) in wrong.into_iter().enumerate() {
            let reply = center
                .verify_purchase(verify(&number, personal, &format!("field-{i}")))
                .await
                .unwrap()
                .into_inner();
            assert_eq!(reply.result(), VerifyResult::NoMatch, "field {i}");
            replies.push(reply.encode_to_vec());
        }
        // An unknown order number gets the very same bytes as wrong data.
        let unknown = center
            .verify_purchase(verify(&unknown_number(42), alex(), "stranger"))
            .await
            .unwrap()
            .into_inner();
        replies.push(unknown.encode_to_vec());
        assert!(
            replies.windows(2).all(|w| w[0] == w[1]),
            "identical replies"
        );
        assert_eq!(
            VerifyPurchaseResponse::decode(replies[0].as_slice()).unwrap(),
            VerifyPurchaseResponse {
                result: VerifyResult::NoMatch as i32,
                ..Default::default()
            }
        );

        // A typo is caught by the check character, before anything is counted.
        let mut typo = number.clone().into_bytes();
        let last = typo.len() - 2;
        typo[last] = if typo[last] == b'7' { b'8' } else { b'7' };
        let err = center
            .verify_purchase(verify(&String::from_utf8(typo).unwrap(), alex(), "c1"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert!(err.message().starts_with("order_number"), "{err:?}");
        let missing = center
            .verify_purchase(verify(
                &number,
                PersonalData {
                    phone: " ".into(),
                    ..alex()
                },
                "c1",
            ))
            .await
            .unwrap_err();
        assert!(
            missing.message().starts_with("personal.phone"),
            "{missing:?}"
        );
        server.stop().await;
        db.cleanup().await;
    }
}

async fn attempt(
    center: &mut SalesCenterClient<Channel>,
    number: &str,
    p: PersonalData,
    caller: &str,
) -> Result<VerifyResult, tonic::Status> {
    center
        .verify_purchase(verify(number, p, caller))
        .await
        .map(|r| r.into_inner().result())
}

#[tokio::test]
async fn guessing_is_throttled_per_caller_and_order_per_caller_and_per_order_across_restarts_and_replicas()
 {
    for db in TestDb::all().await {
        let conn = open(&db).await;
        let (first, channel) = serve(conn.clone()).await;
        let (second, other) = serve(open(&db).await).await;
        let mut a = SalesCenterClient::new(channel.clone());
        let mut b = SalesCenterClient::new(other);
        let number = dashcam_order(&channel, "g1").await;
        let wrong = PersonalData {
            name: "Someone Else".into(),
            ..alex()
        };

        // Matches give their attempt back: the owner is never locked out by checking.
        for _ in 0..7 {
            assert_eq!(
                attempt(&mut a, &number, alex(), "owner").await.unwrap(),
                VerifyResult::Match
            );
        }
        // A stranger's five failures on the order, spread over two replicas...
        for i in 0..5 {
            let center = if i % 2 == 0 { &mut a } else { &mut b };
            assert_eq!(
                attempt(center, &number, wrong.clone(), "stranger")
                    .await
                    .unwrap(),
                VerifyResult::NoMatch
            );
        }
        // ...lock the stranger out of it, even with the right data...
        let locked = attempt(&mut b, &number, alex(), "stranger")
            .await
            .unwrap_err();
        assert_eq!(locked.code(), Code::ResourceExhausted, "{}", db.kind);
        let metrics = tandem_mesh::metrics::global().render();
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("tandem_throttle_refusals_total{")
                    && l.contains(r#"throttle="verify_purchase""#)),
            "the refusal is counted: {metrics}"
        );
        assert!(
            locked
                .message()
                .starts_with("too many verification attempts"),
            "{locked:?}"
        );
        // ...and not the owner, whatever the stranger claimed to be in the request.
        let mut claiming = verify(&number, wrong.clone(), "stranger");
        #[allow(deprecated)]
        {
            claiming.get_mut().caller = "owner".into();
        }
        assert_eq!(
            a.verify_purchase(claiming).await.unwrap_err().code(),
            Code::ResourceExhausted
        );
        assert_eq!(
            attempt(&mut b, &number, alex(), "owner").await.unwrap(),
            VerifyResult::Match,
            "the owner still verifies"
        );

        // An unknown order number locks the same way, with the same message.
        let unknown = unknown_number(7);
        for _ in 0..5 {
            assert_eq!(
                attempt(&mut a, &unknown, alex(), "y").await.unwrap(),
                VerifyResult::NoMatch
            );
        }
        let locked_unknown = attempt(&mut a, &unknown, alex(), "y").await.unwrap_err();
        assert_eq!(locked_unknown.code(), Code::ResourceExhausted);
        assert_eq!(locked_unknown.message(), locked.message());

        // Per caller: twenty failures over different order numbers, then refused
        // anywhere.
        for seed in 100..120 {
            assert_eq!(
                attempt(&mut b, &unknown_number(seed), alex(), "prober")
                    .await
                    .unwrap(),
                VerifyResult::NoMatch
            );
        }
        assert_eq!(
            attempt(&mut a, &unknown_number(200), alex(), "prober")
                .await
                .unwrap_err()
                .code(),
            Code::ResourceExhausted
        );

        // Per order: fifty failures by ten callers on one order reach the ceiling, for
        // everyone.
        let crowded = dashcam_order(&channel, "g2").await;
        for n in 0..50 {
            let center = if n % 2 == 0 { &mut a } else { &mut b };
            assert_eq!(
                attempt(center, &crowded, wrong.clone(), &format!("crowd-{}", n / 5))
                    .await
                    .unwrap(),
                VerifyResult::NoMatch,
                "attempt {n}"
            );
        }
        for who in ["crowd-new", "owner"] {
            assert_eq!(
                attempt(&mut a, &crowded, alex(), who)
                    .await
                    .unwrap_err()
                    .code(),
                Code::ResourceExhausted,
                "{who}"
            );
        }

        // Concurrent guesses by one caller at a fresh order number never get more than
        // five tries.
        let fresh = unknown_number(300);
        let calls = (0..16).map(|i| {
            let mut c = if i % 2 == 0 { a.clone() } else { b.clone() };
            let fresh = fresh.clone();
            async move { attempt(&mut c, &fresh, alex(), "racer").await }
        });
        let results = futures::future::join_all(calls).await;
        let tried = results.iter().filter(|r| r.is_ok()).count();
        let refused = results
            .iter()
            .filter(|r| matches!(r, Err(s) if s.code() == Code::ResourceExhausted))
            .count();
        assert_eq!((tried, refused), (5, 11), "{results:?}");

        // A restart forgets nothing.
        first.stop().await;
        second.stop().await;
        let (restarted, channel) = serve(open(&db).await).await;
        let mut c = SalesCenterClient::new(channel);
        for (locked_number, caller) in [
            (number.clone(), "stranger"),
            (unknown_number(201), "prober"),
            (crowded.clone(), "owner"),
        ] {
            assert_eq!(
                attempt(&mut c, &locked_number, alex(), caller)
                    .await
                    .unwrap_err()
                    .code(),
                Code::ResourceExhausted
            );
        }
        // Once the window is over the counters are swept and the owner verifies again.
        let conn = open(&db).await;
        let swept = svc_accessory::store::buyback::sweep_throttle(&conn, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(swept, 0, "nothing is swept while windows are open");
        let after = chrono::Utc::now() + chrono::Duration::minutes(61);
        assert!(
            svc_accessory::store::buyback::sweep_throttle(&conn, after)
                .await
                .unwrap()
                > 0
        );
        assert_eq!(
            attempt(&mut c, &crowded, alex(), "owner").await.unwrap(),
            VerifyResult::Match
        );
        restarted.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn verification_needs_a_valid_customer_assertion_and_counts_nothing_without_one() {
    for db in TestDb::all().await {
        let (server, channel) = serve(open(&db).await).await;
        let mut center = SalesCenterClient::new(channel.clone());
        let number = dashcam_order(&channel, "a1").await;
        let bare = verify(&number, alex(), "owner").into_inner();

        let missing = center.verify_purchase(bare.clone()).await.unwrap_err();
        assert_eq!(missing.code(), Code::Unauthenticated, "{missing:?}");

        let expired = user_keys().0.sign_assertion(&UserAssertion {
            subject: "owner".into(),
            role: Role::Customer,
            expires_at: chrono::Utc::now().timestamp() - 1,
        });
        let foreign_key =
            std::env::temp_dir().join(format!("tandem-foreign-{}", std::process::id()));
        let foreign = tandem_mesh::assertion::Signer::open_or_create(&foreign_key).unwrap();
        std::fs::remove_file(&foreign_key).ok();
        let forged = foreign.sign("owner", Role::Customer, std::time::Duration::from_secs(60));
        for (token, code) in [
            (expired, Code::Unauthenticated),
            (forged, Code::Unauthenticated),
            ("v1.junk.junk".to_owned(), Code::Unauthenticated),
        ] {
            let mut request = tonic::Request::new(bare.clone());
            tandem_mesh::assertion::attach(&mut request, &token);
            assert_eq!(
                center.verify_purchase(request).await.unwrap_err().code(),
                code
            );
        }
        let staff = as_user(bare.clone(), "BBS-1", Role::BuybackStaff);
        assert_eq!(
            center.verify_purchase(staff).await.unwrap_err().code(),
            Code::PermissionDenied
        );

        // None of those counted: five failures are still allowed to the owner.
        let wrong = PersonalData {
            name: "Someone Else".into(),
            ..alex()
        };
        for _ in 0..5 {
            assert_eq!(
                attempt(&mut center, &number, wrong.clone(), "owner")
                    .await
                    .unwrap(),
                VerifyResult::NoMatch
            );
        }
        assert_eq!(
            attempt(&mut center, &number, alex(), "owner")
                .await
                .unwrap_err()
                .code(),
            Code::ResourceExhausted
        );
        server.stop().await;
        db.cleanup().await;
    }
}

fn result(application: &str, number: &str, price: i64) -> RecordBuybackResultRequest {
    let usd = |minor_units| {
        Some(Money {
            minor_units,
            currency: "USD".into(),
        })
    };
    RecordBuybackResultRequest {
        result: Some(BuybackResult {
            application_id: application.into(),
            order_number: number.into(),
            center_id: "BBC-TANDEM".into(),
            used_item: Some(UsedItem {
                category: DeviceCategory::Dashcam as i32,
                maker: "Roadlens".into(),
                model: "RL-1".into(),
            }),
            grade: "B".into(),
            price: usd(price),
            benefit: usd(5_000),
            payout_id: "po_1".into(),
            paid_at: "2026-12-10T10:00:00Z".into(),
            recorded_at: String::new(),
        }),
    }
}

#[tokio::test]
async fn results_are_recorded_once_and_shown_with_the_order() {
    for db in TestDb::all().await {
        let (server, channel) = serve(open(&db).await).await;
        let mut center = SalesCenterClient::new(channel.clone());
        let number = dashcam_order(&channel, "r1").await;
        // The result, then the same result again.
        let mut recorded = Vec::new();
        for _ in 0..2 {
            let reply = center
                .record_buyback_result(result("BB-1", &number, 4_500))
                .await
                .unwrap();
            recorded.push(reply.into_inner().result.unwrap());
        }
        let (first, again) = (recorded[0].clone(), &recorded[1]);
        assert!(!first.recorded_at.is_empty());
        assert_eq!(*again, first, "{}: a replay is a no-op", db.kind);
        // Another result for the application, and a result for no paid order.
        for (refused, code) in [
            (result("BB-1", &number, 9_999), Code::InvalidArgument),
            (result("BB-2", &unknown_number(5), 4_500), Code::NotFound),
        ] {
            let err = center.record_buyback_result(refused).await.unwrap_err();
            assert_eq!(err.code(), code);
        }

        // The designation, for the customer of the assertion only.
        let asking = |customer_id: &str, for_whom: &str| {
            as_user(
                GetBuybackDesignationRequest {
                    order_number: number.clone(),
                    customer_id: customer_id.into(),
                },
                for_whom,
                Role::Customer,
            )
        };
        let shown = center
            .get_buyback_designation(asking("", "CUS-A"))
            .await
            .unwrap()
            .into_inner();
        assert!(shown.designation.unwrap().targeted);
        assert_eq!(shown.results, vec![first]);
        let not_yours = center
            .get_buyback_designation(asking("", "CUS-B"))
            .await
            .unwrap_err();
        assert_eq!(not_yours.code(), Code::NotFound);
        let named_other = center
            .get_buyback_designation(asking("CUS-A", "CUS-B"))
            .await
            .unwrap_err();
        assert_eq!(named_other.code(), Code::PermissionDenied);
        let unasserted = center
            .get_buyback_designation(GetBuybackDesignationRequest {
                order_number: number.clone(),
                customer_id: "CUS-A".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(unasserted.code(), Code::Unauthenticated);
        server.stop().await;
        db.cleanup().await;
    }
}
