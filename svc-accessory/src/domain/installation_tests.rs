//! Unit tests of the after-sale rules: cancellation by status, what a cancelled paid order
//! owes, shipping, and installation bookings (replay, reschedule, cancellation).

use chrono::{TimeZone, Utc};
use tandem_proto::accessory::v1::DeviceCategory;

use super::installation::{
    Appointment, BookingState, Rebooking, installation_to_cancel, may_install, rebooking,
};
use super::order::{
    Buyer, Cancellation, Order, OrderStatus, RefundDue, Shipped, cancellation, carrier_reference,
    may_confirm, may_ship,
};

fn order(status: OrderStatus) -> Order {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    Order {
        order_number: "TA-0000-0000-0000-0".into(),
        buyer: Buyer::default(),
        product_id: "DEV-CW-1001".into(),
        product_name: "FCW-3".into(),
        category: DeviceCategory::CollisionWarning,
        quantity: 1,
        unit_price_minor: 29_900,
        amount_minor: 29_900,
        currency: "USD".into(),
        needs_installation: true,
        status,
        reserved_until: at,
        payment_id: (status != OrderStatus::Reserved).then(|| "PAY-1".into()),
        booking_id: None,
        created_at: at,
        shipped_at: None,
        carrier_reference: None,
        appointment: None,
    }
}

fn booked(order: &mut Order, booking_id: &str, cancelled: bool) {
    order.booking_id = Some(booking_id.into());
    order.appointment = Some(Appointment {
        booking_id: booking_id.into(),
        cancelled_at: cancelled.then(Utc::now),
        ..Appointment::default()
    });
}

#[test]
fn cancellation_depends_on_the_status_and_a_shipped_order_cannot_be() {
    let n = "TA-0000-0000-0000-0";
    assert_eq!(
        cancellation(n, OrderStatus::Reserved),
        Ok(Cancellation::Release)
    );
    assert_eq!(
        cancellation(n, OrderStatus::Confirmed),
        Ok(Cancellation::Refund)
    );
    assert_eq!(
        cancellation(n, OrderStatus::Cancelled),
        Ok(Cancellation::Done)
    );
    assert_eq!(
        cancellation(n, OrderStatus::Shipped),
        Err(Shipped(n.into()))
    );
}

#[test]
fn only_a_cancelled_paid_order_owes_a_refund_of_its_total() {
    let mut cancelled_paid = order(OrderStatus::Cancelled);
    assert_eq!(
        cancelled_paid.refund_due(),
        Some(RefundDue {
            amount_minor: 29_900,
            currency: "USD".into(),
            payment_id: "PAY-1".into(),
            payment_reference: "TA-0000-0000-0000-0".into(),
        })
    );
    cancelled_paid.payment_id = None; // a reservation released unpaid
    assert_eq!(cancelled_paid.refund_due(), None);
    assert_eq!(order(OrderStatus::Confirmed).refund_due(), None);
    assert_eq!(order(OrderStatus::Shipped).refund_due(), None);
}

#[test]
fn shipping_takes_a_paid_order_and_replays_with_the_same_reference() {
    assert_eq!(may_ship(OrderStatus::Confirmed, None, "1Z"), Ok(true));
    assert_eq!(may_ship(OrderStatus::Shipped, Some("1Z"), "1Z"), Ok(false));
    assert!(
        may_ship(OrderStatus::Shipped, Some("1Z"), "2Z")
            .unwrap_err()
            .0
            .contains("\"1Z\"")
    );
    assert!(may_ship(OrderStatus::Reserved, None, "1Z").is_err());
    assert!(may_ship(OrderStatus::Cancelled, None, "1Z").is_err());
    assert_eq!(carrier_reference(" 1Z 99 "), Ok("1Z 99".into()));
    for bad in ["", "  ", "a\tb", &"x".repeat(101)] {
        assert_eq!(
            carrier_reference(bad).unwrap_err().field,
            "carrier_reference",
            "{bad:?}"
        );
    }
    // A shipped order is still paid: a replay of its confirmation is answered.
    assert_eq!(
        may_confirm(OrderStatus::Shipped, Some("PAY-1"), "PAY-1"),
        Ok(false)
    );
    assert!(OrderStatus::Shipped.is_paid() && !OrderStatus::Cancelled.is_paid());
    assert_eq!(OrderStatus::parse("shipped"), Some(OrderStatus::Shipped));
}

#[test]
fn installation_needs_a_paid_order_of_a_device_that_needs_it() {
    assert!(may_install(&order(OrderStatus::Confirmed)).is_ok());
    assert!(may_install(&order(OrderStatus::Shipped)).is_ok());
    assert!(may_install(&order(OrderStatus::Reserved)).is_err());
    assert!(may_install(&order(OrderStatus::Cancelled)).is_err());
    let mut no_installer = order(OrderStatus::Confirmed);
    no_installer.needs_installation = false;
    assert!(may_install(&no_installer).is_err());
}

#[test]
fn a_booking_is_a_replay_a_reschedule_or_a_cancelled_key() {
    let mut o = order(OrderStatus::Confirmed);
    assert_eq!(
        rebooking(&o, "BK-1", false),
        Ok(Rebooking::New { replaces: None })
    );
    booked(&mut o, "BK-1", false);
    assert_eq!(o.live_booking(), Some("BK-1"));
    assert_eq!(rebooking(&o, "BK-1", false), Ok(Rebooking::Replay));
    assert_eq!(
        rebooking(&o, "BK-2", false),
        Ok(Rebooking::New {
            replaces: Some("BK-1".into())
        })
    );
    let gone = rebooking(&o, "BK-0", true).unwrap_err();
    assert!(gone.0.starts_with("idempotency_key"), "{}", gone.0);
    // After the installation was cancelled, a new booking replaces nothing.
    booked(&mut o, "BK-1", true);
    assert_eq!(o.live_booking(), None);
    assert_eq!(
        rebooking(&o, "BK-3", false),
        Ok(Rebooking::New { replaces: None })
    );
}

#[test]
fn an_installation_is_cancelled_once() {
    let mut o = order(OrderStatus::Confirmed);
    assert!(installation_to_cancel(&o).is_err(), "never booked");
    booked(&mut o, "BK-1", false);
    assert_eq!(installation_to_cancel(&o), Ok(Some("BK-1".into())));
    booked(&mut o, "BK-1", true);
    assert_eq!(installation_to_cancel(&o), Ok(None), "a replay");
}

#[test]
fn booking_states_round_trip() {
    for state in [
        BookingState::Booked,
        BookingState::ToCancel,
        BookingState::Cancelled,
    ] {
        assert_eq!(BookingState::parse(state.as_str()), Some(state));
    }
    assert_eq!(BookingState::parse("nope"), None);
}
