//! What happens to a paid order before and after it ships, over real gRPC with a real
//! installer server and account server, on SQLite and PostgreSQL: a paid order is
//! cancelled with its installation booking, its stock comes back once and the reply says
//! what the customer is owed; a shipped order cannot be cancelled (ORDER_SHIPPED) and
//! nothing changes; another customer's order is NOT_FOUND; an installer server that is
//! down makes the cancellation UNAVAILABLE with nothing changed, and a retry finishes it.

mod common;

use common::{CUSTOMER, PRICE, start};
use sea_orm::EntityTrait;
use svc_accessory::store::entity::sales_order;
use tandem_mesh::testing::TestDb;
use tandem_proto::accessory::v1::{OrderStatus, REASON_ORDER_SHIPPED};
use tonic::Code;

#[tokio::test]
async fn a_paid_order_is_cancelled_with_its_booking_and_the_refund_it_owes() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let kind = m.kind();
        let before = m.stock().await;
        let (order, payment_id) = m.paid_order("paid-1").await;
        let slot = m.slots(1).await.remove(0);
        let booked = m.arrange(&order, &slot, "install-1").await.unwrap();
        let booking_id = booked.booking_id.clone();
        assert_eq!(m.stock().await, before - 1);

        // Another customer's order: the same NOT_FOUND as GetOrder, nothing changes.
        let other = m.cancel(&order, "CUS-X").await.unwrap_err();
        assert_eq!(other.code(), Code::NotFound, "{kind}");
        assert_eq!(m.order(&order).await.status, OrderStatus::Confirmed as i32);
        assert!(!m.cancelled_at_installer(&booking_id).await);

        let reply = m.cancel(&order, CUSTOMER).await.unwrap();
        let cancelled = reply.order.clone().unwrap();
        assert_eq!(cancelled.status, OrderStatus::Cancelled as i32, "{kind}");
        let refund = reply.refund.clone().expect("refund");
        assert_eq!(
            (refund.minor_units, refund.currency.as_str()),
            (PRICE, "USD")
        );
        assert_eq!(reply.payment_id, payment_id);
        assert_eq!(reply.payment_reference, order.order_number);
        // The booking is cancelled at the installer, and the order says so.
        assert!(m.cancelled_at_installer(&booking_id).await, "{kind}");
        assert_eq!(cancelled.booking_id, "");
        let appointment = cancelled.appointment.clone().unwrap();
        assert_eq!(appointment.booking_id, booking_id);
        assert!(!appointment.cancelled_at.is_empty());
        assert_eq!(m.stock().await, before, "stock back ({kind})");

        // A replay: the same reply, the stock returned once.
        let again = m.cancel(&order, CUSTOMER).await.unwrap();
        assert_eq!(again, reply, "{kind}");
        assert_eq!(m.stock().await, before);
        // A cancelled order cannot ship.
        let ship = m.ship(&order, "1Z999").await.unwrap_err();
        assert_eq!(ship.code(), Code::FailedPrecondition);
        m.stop().await;
    }
}

#[tokio::test]
async fn an_unpaid_reservation_owes_nothing_back() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let before = m.stock().await;
        let alex = tandem_mesh::testing::orders::alex_morgan(CUSTOMER, "alex@example.com");
        let channel = tandem_mesh::testing::connect(&m.seller.url).await;
        let order =
            tandem_mesh::testing::orders::reserve(&channel, alex, common::DEVICE, "r-1").await;
        let reply = m.cancel(&order, CUSTOMER).await.unwrap();
        assert_eq!(
            reply.order.unwrap().status,
            OrderStatus::Cancelled as i32,
            "{}",
            m.kind()
        );
        assert_eq!(
            (
                reply.refund,
                reply.payment_id.as_str(),
                reply.payment_reference.as_str()
            ),
            (None, "", "")
        );
        assert_eq!(m.stock().await, before);
        m.stop().await;
    }
}

#[tokio::test]
async fn a_shipped_order_cannot_be_cancelled_and_nothing_changes() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let kind = m.kind();
        let (order, _) = m.paid_order("ship-1").await;
        let slot = m.slots(1).await.remove(0);
        let booking_id = m.arrange(&order, &slot, "i").await.unwrap().booking_id;
        let after_sale = m.stock().await;

        let shipped = m.ship(&order, " 1Z999AA10123456784 ").await.unwrap();
        assert_eq!(shipped.status, OrderStatus::Shipped as i32, "{kind}");
        assert_eq!(shipped.carrier_reference, "1Z999AA10123456784");
        assert!(!shipped.shipped_at.is_empty());
        // Idempotent with the same reference; another reference is refused.
        assert_eq!(m.ship(&order, "1Z999AA10123456784").await.unwrap(), shipped);
        let other = m.ship(&order, "1Z000").await.unwrap_err();
        assert_eq!(other.code(), Code::FailedPrecondition);
        assert!(
            other.message().contains("1Z999AA10123456784"),
            "{}",
            other.message()
        );

        let refused = m.cancel(&order, CUSTOMER).await.unwrap_err();
        assert_eq!(refused.code(), Code::FailedPrecondition, "{kind}");
        assert_eq!(
            tandem_mesh::status::reason(&refused).as_deref(),
            Some(REASON_ORDER_SHIPPED)
        );
        // Nothing changed: still shipped, stock sold, booking live.
        assert_eq!(m.order(&order).await, shipped);
        assert_eq!(m.stock().await, after_sale);
        assert!(!m.cancelled_at_installer(&booking_id).await);
        m.stop().await;
    }
}

#[tokio::test]
async fn shipping_needs_a_paid_order_and_a_carrier_reference() {
    let mut m = start(TestDb::sqlite()).await;
    let alex = tandem_mesh::testing::orders::alex_morgan(CUSTOMER, "alex@example.com");
    let channel = tandem_mesh::testing::connect(&m.seller.url).await;
    let reserved =
        tandem_mesh::testing::orders::reserve(&channel, alex, common::DEVICE, "r-1").await;
    let unpaid = m.ship(&reserved, "1Z1").await.unwrap_err();
    assert_eq!(unpaid.code(), Code::FailedPrecondition);
    assert!(
        unpaid.message().contains("not paid"),
        "{}",
        unpaid.message()
    );

    let (paid, _) = m.paid_order("p").await;
    for bad in ["", "   ", &"x".repeat(101), "1Z\n1"] {
        let err = m.ship(&paid, bad).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{bad:?}");
        assert!(
            err.message().starts_with("carrier_reference"),
            "{}",
            err.message()
        );
    }
    assert_eq!(m.order(&paid).await.status, OrderStatus::Confirmed as i32);

    let unknown = svc_accessory::domain::OrderNumber::generate(7).to_string();
    let err = m
        .ship(
            &tandem_proto::accessory::v1::Order {
                order_number: unknown,
                ..Default::default()
            },
            "1Z1",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    m.stop().await;
}

#[tokio::test]
async fn with_the_installer_server_down_a_cancellation_changes_nothing_and_a_retry_finishes_it() {
    for db in TestDb::all().await {
        let mut m = start(db).await;
        let kind = m.kind();
        let (order, payment_id) = m.paid_order("down-1").await;
        let slot = m.slots(1).await.remove(0);
        let booking_id = m.arrange(&order, &slot, "i").await.unwrap().booking_id;
        let sold = m.stock().await;
        let before = m.order(&order).await;
        let addr = m.install.as_ref().unwrap().addr;
        m.stop_install().await;

        let down = m.cancel(&order, CUSTOMER).await.unwrap_err();
        assert_eq!(down.code(), Code::Unavailable, "{kind}: {down:?}");
        assert!(
            down.message().contains("nothing changed"),
            "{}",
            down.message()
        );
        assert_eq!(m.order(&order).await, before, "{kind}");
        assert_eq!(m.stock().await, sold);
        // The claim against shipping is given back.
        let row = sales_order::Entity::find_by_id(order.order_number.clone())
            .one(&m.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.cancel_claimed_until, None, "{kind}");

        m.restart_install(addr).await;
        let reply = m.cancel(&order, CUSTOMER).await.unwrap();
        assert_eq!(reply.payment_id, payment_id, "{kind}");
        assert!(m.cancelled_at_installer(&booking_id).await);
        assert_eq!(m.stock().await, sold + 1);
        m.stop().await;
    }
}
