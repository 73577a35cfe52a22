//! Domain values as contract messages.

use tandem_proto::common::v1::Address;
use tandem_proto::install::v1 as pb;

use crate::bookings::BookingView;
use crate::domain::{BookingStatus, Customer, Installer, Place, PostalAddress, Slot, rfc3339};

/// A gazetteer place.
pub fn place(p: &Place) -> pb::Place {
    pb::Place {
        postal_code: p.postal_code.to_owned(),
        city: p.city.to_owned(),
        state: p.state.to_owned(),
        latitude: p.location.lat,
        longitude: p.location.lon,
    }
}

/// An installer.
pub fn installer(i: &Installer) -> pb::Installer {
    pb::Installer {
        installer_id: i.installer_id.clone(),
        name: i.name.clone(),
        phone: i.phone.clone(),
        address: Some(address(&i.address)),
        latitude: i.location.lat,
        longitude: i.location.lon,
        skills: i
            .skills
            .categories()
            .into_iter()
            .map(|c| c as i32)
            .collect(),
    }
}

/// A slot.
pub fn slot(s: &Slot) -> pb::Slot {
    pb::Slot {
        slot_id: s.slot_id.clone(),
        installer_id: s.installer_id.clone(),
        starts_at: rfc3339(s.starts_at),
        ends_at: rfc3339(s.ends_at),
        available: s.available,
    }
}

/// A booking with its installer and slot.
pub fn booking(v: &BookingView) -> pb::Booking {
    let b = &v.booking;
    pb::Booking {
        booking_id: b.booking_id.clone(),
        installer: Some(installer(&v.installer)),
        slot: Some(slot(&v.slot)),
        order_number: b.order_number.clone(),
        product_id: b.product_id.clone(),
        status: match b.status {
            BookingStatus::Booked => pb::BookingStatus::Booked,
            BookingStatus::Cancelled => pb::BookingStatus::Cancelled,
        } as i32,
        customer: Some(customer(&b.customer)),
        category: b.category as i32,
        created_at: rfc3339(b.created_at),
        cancelled_at: b.cancelled_at.map(rfc3339).unwrap_or_default(),
        cancel_reason: b.cancel_reason.clone(),
    }
}

fn customer(c: &Customer) -> pb::InstallCustomer {
    pb::InstallCustomer {
        customer_id: c.customer_id.clone(),
        name: c.name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone(),
        address: Some(address(&c.address)),
    }
}

fn address(a: &PostalAddress) -> Address {
    Address {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
    }
}
