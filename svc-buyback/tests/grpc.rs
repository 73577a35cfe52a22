//! The buy-back center over real gRPC with a real sales center and account server, on
//! SQLite and PostgreSQL: applications verified by the sales center, explicit states with
//! enforced transitions, inspection and counteroffers, price + benefit in ONE payout
//! (replay-safe, ledger balanced), and the result reported to the sales center. Failed
//! verifications and the lock are in `verification.rs`, what the customer is told to do
//! next in `guidance.rs`.

mod common;

use common::*;
use tandem_proto::buyback::v1::*;
use tonic::Code;

#[tokio::test]
async fn a_verified_buyback_is_inspected_paid_in_one_payout_and_reported() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let order = w.buy("DEV-DC-1002", "A").await;

        let verified = w.submit(application("k1", "A", &order, alex())).await;
        assert_eq!(
            verified.state(),
            ApplicationState::Verified,
            "{kind}: {verified:?}"
        );
        assert_eq!(verified.declared_grade(), Grade::B);
        assert_eq!(verified.estimate.as_ref().unwrap().minor_units, 3_500);
        assert_eq!(
            verified.benefit.as_ref().unwrap().minor_units,
            5_000,
            "RL-1 → RL-2 Duo upgrade bonus"
        );
        assert_eq!(verified.purchased.as_ref().unwrap().model, "RL-2 Duo");
        let states: Vec<_> = verified.history.iter().map(|h| h.state()).collect();
        assert_eq!(
            states,
            [ApplicationState::Applied, ApplicationState::Verified]
        );

        // A replay is the same application; the key for another request is refused.
        let again = w.submit(application("k1", "A", &order, alex())).await;
        assert_eq!(again.application_id, verified.application_id);
        let mut other = application("k1", "A", &order, alex());
        other.item.as_mut().unwrap().model = "RL-2 Duo".into();
        assert_eq!(
            w.center
                .submit_application(by_applicant(other))
                .await
                .unwrap_err()
                .code(),
            Code::InvalidArgument
        );

        // Transitions are enforced: nothing is inspected before it is sent.
        let id = verified.application_id.clone();
        let early = w.inspect(&id, Grade::B).await.unwrap_err();
        assert_eq!(early.code(), Code::FailedPrecondition, "{early:?}");
        let shipped = w.ship(&id, "CUS-A").await.unwrap();
        assert_eq!(shipped.state(), ApplicationState::AwaitingItem);
        let stranger = w.ship(&id, "CUS-B").await.unwrap_err();
        assert_eq!(stranger.code(), Code::NotFound);

        // Inspected as declared: paid at once, price and benefit in one payout.
        let paid = w.inspect(&id, Grade::B).await.unwrap();
        assert_eq!(paid.state(), ApplicationState::Paid, "{paid:?}");
        assert_eq!(paid.total_paid.as_ref().unwrap().minor_units, 8_500);
        let replay = w.inspect(&id, Grade::B).await.unwrap();
        assert_eq!(
            replay.payout_id, paid.payout_id,
            "an inspection replay pays nothing more"
        );
        let ledger = w.ledger().await;
        assert_eq!(
            ledger.transactions, 1,
            "one ledger transaction for price + benefit"
        );
        for (account, expected) in [
            ("customer:CUS-A", 8_500),
            ("merchant:buyback", -3_500),
            ("merchant:accessory", -5_000),
        ] {
            assert_eq!(balance(&ledger, account, "USD"), expected, "{account}");
        }
        assert_sound(&ledger);

        // The result reaches the sales center, which shows it with the order.
        let reported = wait_for(&mut w.center, &id, ApplicationState::Reported).await;
        assert!(!reported.reported_at.is_empty());
        let shown = w.results_shown(&order, "CUS-A").await;
        assert_eq!(shown.len(), 1);
        let result = &shown[0];
        assert_eq!(
            (result.application_id.as_str(), result.grade.as_str()),
            (id.as_str(), "B")
        );
        assert_eq!(result.price.as_ref().unwrap().minor_units, 3_500);
        assert_eq!(result.benefit.as_ref().unwrap().minor_units, 5_000);
        assert_eq!(result.payout_id, paid.payout_id);

        // After it is reported nothing moves any more, and the order was bought back once.
        let late = w.ship(&id, "CUS-A").await.unwrap_err();
        assert_eq!(late.code(), Code::FailedPrecondition);
        let twice = w.submit(application("k2", "A", &order, alex())).await;
        assert_eq!(twice.state(), ApplicationState::Rejected);
        assert!(
            twice.reason.contains("already under way or done"),
            "{}",
            twice.reason
        );
        assert_eq!(w.ledger().await.transactions, 1);
        w.stop().await;
    }
}

#[tokio::test]
async fn a_counteroffer_is_accepted_and_paid_or_declined_and_returned() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let first = w.buy("DEV-DC-1002", "A").await;
        let second = w.buy("DEV-DC-1001", "B").await;
        let accept = w.submit(application("a", "A", &first, alex())).await;
        let decline = w.submit(application("d", "B", &second, alex())).await;
        assert_eq!(
            decline.benefit.as_ref().unwrap().minor_units,
            2_000,
            "RL-1 bought: the dashcam bonus"
        );
        for (app, who) in [(&accept, "CUS-A"), (&decline, "CUS-B")] {
            w.ship(&app.application_id, who).await.unwrap();
            let offered = w.inspect(&app.application_id, Grade::C).await.unwrap();
            assert_eq!(offered.state(), ApplicationState::Counteroffered, "{kind}");
            assert_eq!(
                offered.offer.as_ref().unwrap().minor_units,
                2_000,
                "the grade-C price"
            );
        }
        assert_eq!(
            w.ledger().await.transactions,
            0,
            "nothing paid on a counteroffer"
        );

        let paid = w
            .respond(&accept.application_id, "CUS-A", true)
            .await
            .unwrap();
        assert_eq!(paid.state(), ApplicationState::Paid);
        assert_eq!(paid.total_paid.as_ref().unwrap().minor_units, 2_000 + 5_000);
        let states: Vec<_> = paid.history.iter().map(|h| h.state()).collect();
        assert_eq!(
            states,
            [
                ApplicationState::Applied,
                ApplicationState::Verified,
                ApplicationState::AwaitingItem,
                ApplicationState::Counteroffered,
                ApplicationState::Inspected,
                ApplicationState::Paid
            ]
        );

        let returned = w
            .respond(&decline.application_id, "CUS-B", false)
            .await
            .unwrap();
        assert_eq!(returned.state(), ApplicationState::Returned);
        assert!(returned.payout_id.is_empty());
        let changed_mind = w
            .respond(&decline.application_id, "CUS-B", true)
            .await
            .unwrap_err();
        assert_eq!(changed_mind.code(), Code::FailedPrecondition);
        // The order is free again for another device.
        let retry = w.submit(application("d2", "B", &second, alex())).await;
        assert_eq!(retry.state(), ApplicationState::Verified);

        let ledger = w.ledger().await;
        assert_eq!(ledger.transactions, 1);
        for (account, expected) in [("customer:CUS-A", 7_000), ("customer:CUS-B", 0)] {
            assert_eq!(balance(&ledger, account, "USD"), expected, "{account}");
        }
        assert_sound(&ledger);
        wait_for(
            &mut w.center,
            &accept.application_id,
            ApplicationState::Reported,
        )
        .await;
        w.stop().await;
    }
}
