//! Rendering every template, escaping, and the message envelope.

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::appointment::{
    APPOINTMENT as APPOINTMENT_FIELDS, Appointment, AppointmentChange, AppointmentNotice,
};
use crate::domain::lead::{Lead, LeadCustomer};
use crate::domain::{
    Address, LeadKind, LeadStatus, ProductInfo, RelatedItem, RelatedKind, RequestedAction, Rule,
};
use crate::store::outbox::{Audience, NewMail};
use crate::store::seed::demo_registration;
use tandem_proto::leads::v1 as pb;

fn settings() -> MailSettings {
    MailSettings {
        from: "Tandem sales desk <desk@sales.example>".into(),
        admin_copy: Some("admin@sales.example".into()),
    }
}

fn lead(kind: LeadKind) -> Lead {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 2, 10, 0, 0)
        .single()
        .unwrap();
    Lead {
        lead_id: "LEAD-0123456789ABCDEF".into(),
        kind,
        status: LeadStatus::New,
        customer: LeadCustomer {
            customer_id: "CUS-DEMO00000001".into(),
            name: "Alex <b>Morgan</b>".into(),
            email: "alex@example.com".into(),
            phone: "+1 415 555 0134".into(),
            // 500 Market St, San Francisco, CA 94103, US.
            address: Address::parse(demo_registration().address.as_ref()).unwrap(),
            office: "Morgan Logistics".into(),
            section: "Fleet".into(),
            office_phone: "+1 415 555 0100".into(),
        },
        contact_phone: "+1 415 555 0199".into(),
        contact_email: "alex.work@example.com".into(),
        model_number: "RL-2 Duo".into(),
        product_name: "Roadlens RL-2 Duo".into(),
        comment: "Does it fit a <script>alert(1)</script> van?\nThanks".into(),
        actions: vec![RequestedAction::SendInformation, RequestedAction::PhoneCall],
        details: vec!["Phone: +1 415 555 0134 → +1 415 555 0199".into()],
        reference: Some("CHK-1".into()),
        staff_id: Some("STF-DANA".into()),
        staff_name: "Dana Reyes".into(),
        rule: Rule::AreaAndProductLine,
        routing_reason: "in charge".into(),
        created_at: at,
        updated_at: at,
        acknowledged_at: None,
        closed_at: None,
    }
}

fn product() -> ProductInfo {
    ProductInfo {
        model_number: "RL-2 Duo".into(),
        name: "Roadlens RL-2 Duo Front + Rear Dashcam".into(),
        product_line: "dashcam".into(),
        info_number: "CAT-2026-006".into(),
        special_note: String::new(),
        description: String::new(),
        maker: "Roadlens".into(),
        product_id: Some("DEV-DC-1002".into()),
        list_price: None,
        related: vec![
            RelatedItem {
                kind: RelatedKind::Option,
                model_number: "RL-HW".into(),
                name: "Hard-wire kit".into(),
                note: String::new(),
            },
            RelatedItem {
                kind: RelatedKind::Consumable,
                model_number: "SD-256E".into(),
                name: "256 GB endurance microSD card".into(),
                note: "replace every 2 years".into(),
            },
        ],
    }
}

/// The e-mail about a lead of `kind` to salesperson `to`, with the default settings.
fn rendered(kind: LeadKind, to: &str, purpose: &str, extras: &StaffExtras<'_>) -> NewMail {
    staff_message(&settings(), &lead(kind), Some(to), purpose, extras)
        .unwrap()
        .expect("a recipient")
}

#[test]
fn contact_mail_carries_the_request_and_escapes_html() {
    let p = product();
    let extras = StaffExtras {
        product: Some(&p),
        ..StaffExtras::default()
    };
    let m = rendered(LeadKind::Contact, "dana@sales.example", "contact", &extras);
    assert_eq!(m.to, vec!["dana@sales.example"]);
    assert_eq!(m.cc, vec!["admin@sales.example"]);
    assert_eq!(m.message_id, "LEAD-0123456789ABCDEF.staff@sales.example");
    assert!(
        m.subject.starts_with("Contact request: Alex"),
        "{}",
        m.subject
    );
    for needle in [
        "Send information, Call me",
        "+1 415 555 0199",
        "alex.work@example.com",
        "RL-2 Duo",
        "Morgan Logistics",
    ] {
        assert!(m.text.contains(needle), "{needle} missing in\n{}", m.text);
    }
    assert!(
        m.text.contains("<script>"),
        "plain text keeps the comment as written"
    );
    assert!(!m.html.contains("<script>"), "{}", m.html);
    assert!(m.html.contains("&lt;script&gt;"), "{}", m.html);
    assert!(!m.html.contains("<b>Morgan"), "names are escaped too");
}

#[test]
fn every_kind_renders_with_its_facts() {
    let p = product();
    let owned = [crate::store::possessed::Possessed {
        model_number: "NX-700".into(),
        name: "Navora NX-700".into(),
        product_line: "car_navigation".into(),
        order_number: "ORD-1".into(),
        checkout_id: "CHK-0".into(),
        acquired_at: Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).single().unwrap(),
    }];
    let registration = StaffExtras {
        possessed: &owned,
        ..StaffExtras::default()
    };
    let m = rendered(
        LeadKind::RegistrationUpdate,
        "d@s.example",
        "registration_updates",
        &registration,
    );
    assert!(
        m.text.contains("Phone: +1 415 555 0134 → +1 415 555 0199"),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains("Navora NX-700 (model NX-700, since 2026-01-05)"),
        "{}",
        m.text
    );

    let purchase = StaffExtras {
        product: Some(&p),
        lines: vec!["Device: Roadlens RL-2 Duo × 1 — USD 219.00".into()],
        total: "USD 219.00".into(),
        order_number: "ORD-9".into(),
        ..StaffExtras::default()
    };
    let m = rendered(LeadKind::Purchase, "d@s.example", "purchases", &purchase);
    for needle in [
        "Options:",
        "Hard-wire kit (RL-HW)",
        "Consumables:",
        "256 GB endurance microSD card (SD-256E): replace every 2 years",
        "USD 219.00",
        "ORD-9",
        "CHK-1",
    ] {
        assert!(m.text.contains(needle), "{needle} missing in\n{}", m.text);
    }
    assert!(m.html.contains("Hard-wire kit"));

    let interest = StaffExtras {
        product: Some(&p),
        ..StaffExtras::default()
    };
    let m = rendered(
        LeadKind::Interest,
        "d@s.example",
        "product_interest",
        &interest,
    );
    assert!(m.subject.starts_with("Interest: "));
    assert!(
        m.text.contains("does not own") || m.text.contains("do not own"),
        "{}",
        m.text
    );
}

#[test]
fn unrouted_leads_go_to_the_administrator_or_nowhere() {
    let mut l = lead(LeadKind::Contact);
    l.staff_id = None;
    l.staff_name = String::new();
    let m = staff_message(&settings(), &l, None, "contact", &StaffExtras::default())
        .unwrap()
        .unwrap();
    assert_eq!(m.to, vec!["admin@sales.example"]);
    assert!(m.cc.is_empty());
    let no_admin = MailSettings {
        admin_copy: None,
        ..settings()
    };
    assert!(
        staff_message(&no_admin, &l, None, "contact", &StaffExtras::default())
            .unwrap()
            .is_none()
    );
}

fn alex() -> Recipient<'static> {
    Recipient {
        customer_id: "CUS-DEMO00000001",
        name: "Alex Morgan",
        email: "alex@example.com",
    }
}

fn receipt(appointment: Option<&Appointment>) -> Receipt<'_> {
    Receipt {
        to: alex(),
        checkout_id: "CHK-42",
        order_number: "ORD-7",
        policy_number: "POL-3",
        policyholder_name: "",
        vehicle: "",
        lines: vec!["Insurance plan: Safe Driver × 1 — USD 612.00".into()],
        total: money(83_100, "USD"),
        appointment,
    }
}

fn installer(booking_id: &str, starts_at: &str) -> Appointment {
    Appointment::parse(
        &pb::Appointment {
            installer_name: "Bay Auto <Electrics>".into(),
            installer_address: "1200 Folsom St, San Francisco, CA 94103".into(),
            installer_phone: "+1 415 555 0190".into(),
            starts_at: starts_at.into(),
            time_zone: "America/Los_Angeles".into(),
            booking_id: booking_id.into(),
        },
        &APPOINTMENT_FIELDS,
    )
    .unwrap()
}

#[test]
fn receipts_list_the_lines_and_total() {
    let m = receipt_message(&settings(), &receipt(None)).unwrap();
    assert_eq!(m.to, vec!["alex@example.com"]);
    assert!(
        m.cc.is_empty(),
        "receipts are the customer's own: no copies"
    );
    assert_eq!(m.message_id, "CHK-42.receipt@sales.example");
    assert_eq!(
        (m.audience, m.reference.as_str()),
        (Audience::Customer, "CHK-42")
    );
    for needle in ["CHK-42", "ORD-7", "POL-3", "Safe Driver", "USD 831.00"] {
        assert!(m.text.contains(needle), "{needle} missing in\n{}", m.text);
        assert!(m.html.contains(needle), "{needle} missing in html");
    }
    for absent in ["Installation appointment", "Policyholder", "Vehicle"] {
        assert!(!m.text.contains(absent), "{absent} in\n{}", m.text);
        assert!(!m.html.contains(absent), "{absent} in html");
    }
}

#[test]
fn a_receipt_shows_the_policy_details_and_the_appointment_when_given() {
    let booked = installer("BKG-9", "2026-11-24T09:30:00-08:00");
    let m = receipt_message(
        &settings(),
        &Receipt {
            policyholder_name: "Alex Morgan",
            vehicle: "2021 Toyota Camry",
            ..receipt(Some(&booked))
        },
    )
    .unwrap();
    for needle in [
        "Policyholder:  Alex Morgan",
        "Vehicle:       2021 Toyota Camry",
        "Installation appointment",
        "Bay Auto <Electrics>",
        "1200 Folsom St, San Francisco, CA 94103",
        "+1 415 555 0190",
        "Tuesday, November 24, 2026 at 9:30 AM PST (America/Los_Angeles, UTC-08:00)",
        "BKG-9",
    ] {
        assert!(m.text.contains(needle), "{needle} missing in\n{}", m.text);
    }
    assert!(m.html.contains("Bay Auto &lt;Electrics&gt;"), "escaped");
    assert!(m.html.contains("2021 Toyota Camry"));

    // An installer without an address or phone on file: those lines are left out.
    let bare = Appointment {
        installer_address: String::new(),
        installer_phone: String::new(),
        ..booked
    };
    let m = receipt_message(&settings(), &receipt(Some(&bare))).unwrap();
    assert!(m.text.contains("Installation appointment"));
    for absent in ["Address:", "Phone:"] {
        assert!(!m.text.contains(absent), "{absent} in\n{}", m.text);
    }
    assert!(!m.html.contains(">Phone<"));
}

#[test]
fn appointment_notices_say_what_happened() {
    let new = installer("BKG-9", "2026-11-25T13:00:00-08:00");
    let old = installer("BKG-9", "2026-11-24T09:30:00-08:00");
    let notice = |change, previous: Option<&Appointment>| AppointmentNotice {
        change,
        appointment: new.clone(),
        previous: previous.cloned(),
    };
    let render = |n: &AppointmentNotice| {
        appointment_message(
            &settings(),
            &AppointmentMail {
                to: alex(),
                order_number: "ORD-7",
                notice: n,
                notice_id: "APT-1",
            },
        )
        .unwrap()
    };
    let booked = render(&notice(AppointmentChange::Booked, None));
    assert_eq!(
        booked.subject,
        "Your installation appointment is booked — order ORD-7"
    );
    assert_eq!(booked.message_id, "APT-1.appointment@sales.example");
    assert_eq!(
        (booked.audience, booked.reference.as_str()),
        (Audience::Customer, "ORD-7")
    );
    assert!(booked.cc.is_empty() && booked.lead_id.is_none());
    assert!(booked.text.contains("is booked"), "{}", booked.text);
    assert!(
        booked
            .text
            .contains("Wednesday, November 25, 2026 at 1:00 PM")
    );
    let moved = render(&notice(AppointmentChange::Rescheduled, Some(&old)));
    assert!(moved.subject.contains("is moved"));
    for needle in [
        "New appointment",
        "Wednesday, November 25, 2026 at 1:00 PM",
        "Instead of",
        "Tuesday, November 24, 2026 at 9:30 AM",
    ] {
        assert!(
            moved.text.contains(needle),
            "{needle} missing in\n{}",
            moved.text
        );
        assert!(moved.html.contains(needle), "{needle} missing in html");
    }
    let cancelled = render(&notice(AppointmentChange::Cancelled, None));
    assert!(cancelled.subject.contains("is cancelled"));
    assert!(cancelled.text.contains("Cancelled appointment"));
    assert!(!cancelled.text.contains("Instead of"));
}

#[test]
fn money_is_formatted_from_minor_units() {
    assert_eq!(money(21_900, "USD"), "USD 219.00");
    assert_eq!(money(5, "USD"), "USD 0.05");
    assert_eq!(money(-150, "USD"), "USD -1.50");
    assert_eq!(money(1200, "JPY"), "JPY 1200");
}
