//! Results reach the sales center even when it is down when the buy-back is paid: they
//! wait in the durable outbox (across a restart of the buy-back center too) and are
//! delivered once it is back. Likewise a payout settlement cannot make at inspection
//! waits in the outbox and is made, once, when settlement is back.

mod common;

use std::time::Duration;

use common::*;
use tandem_proto::buyback::v1::*;

#[tokio::test]
async fn results_wait_in_the_outbox_while_the_sales_center_is_down() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let (order, id) = w.item_on_its_way().await;

        // The sales center goes down; the item is inspected and paid all the same.
        w.accessory.take().unwrap().stop().await;
        let paid = w.inspect(&id, Grade::A).await.unwrap();
        assert_eq!(paid.state(), ApplicationState::Paid, "{kind}");
        tokio::time::sleep(Duration::from_millis(600)).await;
        let waiting = wait_for(&mut w.center, &id, ApplicationState::Paid).await;
        assert!(
            waiting.reported_at.is_empty(),
            "not reported while the sales center is down"
        );

        // The buy-back center restarts meanwhile: the outbox is in its database.
        w.buyback.stop().await;
        let (buyback, center, staff) =
            start_buyback(&w.dbs[0], w.accessory_addr, &w.settlement_url).await;
        (w.buyback, w.center, w.staff) = (buyback, center, staff);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            wait_for(&mut w.center, &id, ApplicationState::Paid)
                .await
                .state(),
            ApplicationState::Paid
        );

        // The sales center comes back on its address: the result is delivered, once.
        w.accessory = Some(sales_center(&w.dbs[1], w.accessory_addr).await);
        let reported = wait_for(&mut w.center, &id, ApplicationState::Reported).await;
        assert!(!reported.reported_at.is_empty());
        let shown = w.results_shown(&order, "CUS-A").await;
        assert_eq!(shown.len(), 1, "{kind}");
        assert_eq!(shown[0].application_id, id);
        assert_eq!(shown[0].grade, "A");
        let ledger = w.ledger().await;
        assert_eq!(ledger.transactions, 1);
        assert_eq!(
            balance(&ledger, "customer:CUS-A", "USD"),
            3_500 + 5_000,
            "grade A declared B: the estimate stands"
        );
        assert_sound(&ledger);
        w.stop().await;
    }
}

#[tokio::test]
async fn a_payout_waits_in_the_outbox_while_settlement_is_down() {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let (order, id) = w.item_on_its_way().await;

        // Settlement goes down: the inspection stands, the payout waits.
        let settlement = w.settlement.take().unwrap();
        let addr = settlement.addr;
        settlement.stop().await;
        let inspected = w.inspect(&id, Grade::B).await.unwrap();
        assert_eq!(inspected.state(), ApplicationState::Inspected, "{kind}");
        assert!(inspected.payout_id.is_empty());
        tokio::time::sleep(Duration::from_millis(600)).await;
        let waiting = wait_for(&mut w.center, &id, ApplicationState::Inspected).await;
        assert!(
            waiting.payout_id.is_empty(),
            "not paid while settlement is down"
        );

        // Settlement comes back on its address: paid once, then reported.
        w.settlement = Some(account_server(&w.dbs[2], addr).await);
        let paid = wait_for(&mut w.center, &id, ApplicationState::Reported).await;
        assert_eq!(paid.total_paid.as_ref().unwrap().minor_units, 8_500);
        let states: Vec<_> = paid.history.iter().map(|h| h.state()).collect();
        assert_eq!(
            states[3..],
            [
                ApplicationState::Inspected,
                ApplicationState::Paid,
                ApplicationState::Reported
            ]
        );
        let ledger = w.ledger().await;
        assert_eq!(ledger.transactions, 1, "{kind}");
        assert_eq!(balance(&ledger, "customer:CUS-A", "USD"), 8_500);
        assert_sound(&ledger);
        assert_eq!(w.results_shown(&order, "CUS-A").await.len(), 1);
        w.stop().await;
    }
}
