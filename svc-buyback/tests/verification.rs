//! Failed purchase verifications over real gRPC with a real sales center, on SQLite and
//! PostgreSQL: a mismatch stores no application and answers FAILED_PRECONDITION with the
//! attempts remaining (the same for an unknown order number as for wrong data); a replay
//! is not counted again; bad input is not counted; five failures lock the customer out
//! until their 24-hour window ends — across a restart, without asking the sales center,
//! and without locking out the owner of the order; a match gives its attempt back.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use svc_buyback::store::attempts::{self, Reserved};
use tandem_mesh::Service;
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::{TestDb, as_user};
use tandem_proto::accessory::v1::PersonalData;
use tandem_proto::buyback::v1::*;
use tonic::{Code, Status};
use tonic_types::StatusExt;

/// The `ErrorInfo` of a refused application: reason, attempts remaining, locked until.
fn refusal(status: &Status) -> (String, u32, Option<DateTime<Utc>>) {
    let info = status
        .get_details_error_info()
        .unwrap_or_else(|| panic!("no ErrorInfo: {status:?}"));
    assert_eq!(info.domain, tandem_mesh::status::ERROR_DOMAIN);
    let remaining = info.metadata["attempts_remaining"].parse().unwrap();
    let until = info
        .metadata
        .get("locked_until")
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc));
    (info.reason, remaining, until)
}

/// `request`'s refusal for its customer.
async fn refused(w: &mut World, request: SubmitApplicationRequest) -> Status {
    w.center
        .submit_application(by_applicant(request))
        .await
        .expect_err("refused")
}

/// The applications customer `who` has.
async fn applications_of(w: &mut World, who: &str) -> usize {
    w.center
        .list_applications(as_user(
            ListApplicationsRequest::default(),
            &format!("CUS-{who}"),
            Role::Customer,
        ))
        .await
        .unwrap()
        .into_inner()
        .applications
        .len()
}

fn named(name: &str) -> PersonalData {
    PersonalData {
        name: name.into(),
        ..alex()
    }
}

#[tokio::test]
async fn a_failed_verification_stores_nothing_and_five_lock_the_customer_out() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let order = w.buy("DEV-DC-1002", "A").await;
        let tracker = w.buy("DEV-TT-1001", "T").await;

        let wrong = refused(
            &mut w,
            application("w1", "S", &order, named("Sam Stranger")),
        )
        .await;
        assert_eq!(wrong.code(), Code::FailedPrecondition, "{kind}: {wrong:?}");
        assert_eq!(
            refusal(&wrong),
            ("PURCHASE_NOT_VERIFIED".to_owned(), 4, None)
        );
        assert!(
            wrong.message().contains("could not confirm")
                && wrong.message().contains("4 attempts left"),
            "{}",
            wrong.message()
        );
        assert_eq!(applications_of(&mut w, "S").await, 0, "nothing stored");

        // A replay is answered again, not counted again.
        let again = refused(
            &mut w,
            application("w1", "S", &order, named("Sam Stranger")),
        )
        .await;
        assert_eq!(refusal(&again).1, 4, "{again:?}");

        // An unknown order number: the same words, one attempt fewer.
        let unknown_number = svc_accessory::domain::OrderNumber::generate(99).to_string();
        let unknown = refused(&mut w, application("w2", "S", &unknown_number, alex())).await;
        assert_eq!(unknown.code(), Code::FailedPrecondition);
        assert_eq!(refusal(&unknown).1, 3);
        assert_eq!(
            unknown.message().replace("3 attempts", "4 attempts"),
            wrong.message(),
            "nothing tells an unknown order from wrong data"
        );

        // Bad input is not a failed verification.
        let mut typo = order.clone().into_bytes();
        let i = typo.len() - 1;
        typo[i] = if typo[i] == b'7' { b'8' } else { b'7' };
        let typo = String::from_utf8(typo).unwrap();
        let mut unpriced = application("u1", "S", &order, alex());
        unpriced.item.as_mut().unwrap().model = "RL-99".into();
        for (request, code) in [
            (application("w3", "S", &typo, alex()), Code::InvalidArgument),
            (unpriced, Code::NotFound),
        ] {
            assert_eq!(refused(&mut w, request).await.code(), code);
        }

        // Goods that are not targeted: a verified purchase, stored as rejected.
        let plain = w.submit(application("t1", "T", &tracker, alex())).await;
        assert_eq!(plain.state(), ApplicationState::Rejected);
        assert!(plain.reason.contains("not targeted"), "{}", plain.reason);
        assert!(plain.shipping.is_none() && plain.payout_destination.is_none());

        // The stranger keeps guessing: 2, 1, then none left — locked for the window.
        for (n, left) in [(3, 2), (4, 1)] {
            let guess = refused(
                &mut w,
                application(&format!("g{n}"), "S", &order, named(&format!("Guess {n}"))),
            )
            .await;
            assert_eq!(refusal(&guess).1, left);
        }
        let last = refused(&mut w, application("g5", "S", &order, named("Guess 5"))).await;
        assert_eq!(last.code(), Code::FailedPrecondition);
        let (_, left, until) = refusal(&last);
        let until = until.expect("locked until");
        assert_eq!(left, 0);
        let in_a_day = Utc::now() + Duration::hours(24);
        assert!(
            until <= in_a_day && until > in_a_day - Duration::minutes(5),
            "{until}"
        );
        assert!(
            last.message().contains("locked until"),
            "{}",
            last.message()
        );

        // The counter outlives a restart of the center.
        let (server, center, staff) =
            start_buyback(&w.dbs[0], w.accessory_addr, &w.settlement_url).await;
        std::mem::replace(&mut w.buyback, server).stop().await;
        (w.center, w.staff) = (center, staff);

        // Locked: refused without asking the sales center — even with data that matches.
        let locked = refused(&mut w, application("g6", "S", &order, alex())).await;
        assert_eq!(locked.code(), Code::ResourceExhausted, "{locked:?}");
        assert_eq!(
            refusal(&locked),
            ("VERIFICATION_LOCKED".to_owned(), 0, Some(until))
        );
        assert!(locked.message().contains("Too many failed verifications"));
        assert_eq!(applications_of(&mut w, "S").await, 0);

        // The owner is not locked out by the stranger; a match gives its attempt back.
        let slip = refused(&mut w, application("o0", "A", &order, named("Alex Morgen"))).await;
        assert_eq!(refusal(&slip).1, 4);
        let owner = w.submit(application("o1", "A", &order, alex())).await;
        assert_eq!(owner.state(), ApplicationState::Verified, "{owner:?}");
        let second = w.buy("DEV-DC-1001", "A").await;
        let slip = refused(
            &mut w,
            application("o2", "A", &second, named("Alex Morgen")),
        )
        .await;
        assert_eq!(refusal(&slip).1, 3, "the match was not counted");
        assert_eq!(w.ledger().await.transactions, 0);
        w.stop().await;
    }
}

#[tokio::test]
async fn the_counting_window_starts_again_after_a_day() {
    let mut dbs = vec![TestDb::sqlite()];
    dbs.extend(TestDb::postgres().await);
    for db in dbs {
        let conn = svc_buyback::BuybackCenter::open_demo(&db.url)
            .await
            .unwrap();
        let yesterday = Utc::now() - Duration::hours(25);
        for n in 1..=5 {
            match attempts::reserve(&conn, "CUS-Y", yesterday).await.unwrap() {
                Reserved::Counted(c) => assert_eq!(c.failures, n),
                locked => panic!("{n}: {locked:?}"),
            }
        }
        assert!(matches!(
            attempts::reserve(&conn, "CUS-Y", yesterday).await.unwrap(),
            Reserved::Locked(_)
        ));
        let now = Utc::now();
        let Reserved::Counted(fresh) = attempts::reserve(&conn, "CUS-Y", now).await.unwrap() else {
            panic!("a new window");
        };
        assert_eq!(fresh.failures, 1);
        attempts::release(&conn, "CUS-Y").await.unwrap();
        assert_eq!(
            attempts::current(&conn, "CUS-Y")
                .await
                .unwrap()
                .unwrap()
                .failures,
            0
        );
        drop(conn);
        db.cleanup().await;
    }
}
