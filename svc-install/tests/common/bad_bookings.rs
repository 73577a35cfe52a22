//! Booking requests with one bad field each, and the field the refusal must name: shared
//! by the unit test of the request rules (`src/domain/rules_tests.rs`) and the gRPC test
//! (`tests/booking.rs`).

use tandem_proto::common::v1::Address;
use tandem_proto::install::v1::{BookInstallationRequest, InstallCustomer};

/// Spoils one field of a valid request.
pub type Spoil = fn(&mut BookInstallationRequest);

/// (field named by the refusal, how the field is spoilt), field by field in request order.
pub const BAD_BOOKINGS: &[(&str, Spoil)] = &[
    ("idempotency_key", |r| r.idempotency_key.clear()),
    ("idempotency_key", |r| {
        r.idempotency_key = "has space".into()
    }),
    ("slot_id", |r| r.slot_id.clear()),
    ("slot_id", |r| r.slot_id = "  ".into()),
    ("order_number", |r| r.order_number.clear()),
    ("product_id", |r| r.product_id.clear()),
    ("product_id", |r| r.product_id = "x".repeat(101)),
    ("category", |r| r.category = 0),
    ("category", |r| r.category = 99),
    ("customer", |r| r.customer = None),
    ("customer.name", |r| customer(r).name.clear()),
    ("customer.name", |r| customer(r).name = " ".into()),
    ("customer.phone", |r| customer(r).phone.clear()),
    ("customer.phone", |r| customer(r).phone = "12345".into()),
    ("customer.phone", |r| customer(r).phone = "call me".into()),
    ("customer.email", |r| customer(r).email = "a@b".into()),
    ("customer.email", |r| customer(r).email = "nope".into()),
    ("customer.address", |r| customer(r).address = None),
    ("customer.address.line1", |r| address(r).line1.clear()),
    ("customer.address.postal_code", |r| {
        address(r).postal_code = "00000".into()
    }),
    ("customer.address.postal_code", |r| {
        address(r).postal_code = "9410".into()
    }),
    ("customer.address.country", |r| {
        address(r).country = "CA".into()
    }),
];

fn customer(r: &mut BookInstallationRequest) -> &mut InstallCustomer {
    r.customer.get_or_insert_default()
}

fn address(r: &mut BookInstallationRequest) -> &mut Address {
    customer(r).address.get_or_insert_default()
}
