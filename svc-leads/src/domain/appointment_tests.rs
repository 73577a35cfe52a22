//! Installation appointments without I/O: what is required, how the local time reads,
//! and which changes need the previous appointment.

use tandem_proto::leads::v1 as pb;

use super::appointment::{APPOINTMENT, Appointment, AppointmentChange, AppointmentNotice};

fn appointment() -> pb::Appointment {
    pb::Appointment {
        installer_name: "Bay Auto Electrics".into(),
        installer_address: "1200 Folsom St, San Francisco, CA 94103".into(),
        installer_phone: "+1 415 555 0190".into(),
        starts_at: "2026-11-24T09:30:00-08:00".into(),
        time_zone: "America/Los_Angeles".into(),
        booking_id: "BKG-1".into(),
    }
}

fn field_of(msg: pb::Appointment) -> &'static str {
    Appointment::parse(&msg, &APPOINTMENT).unwrap_err().field
}

#[test]
fn an_appointment_reads_in_the_installers_local_time_with_zone_and_offset() {
    let a = Appointment::parse(&appointment(), &APPOINTMENT).unwrap();
    assert_eq!(
        a.installer_address,
        "1200 Folsom St, San Francisco, CA 94103"
    );
    assert_eq!(
        a.local_time(),
        "Tuesday, November 24, 2026 at 9:30 AM PST (America/Los_Angeles, UTC-08:00)"
    );
    // The installer server's UTC instant, shown in the installer's zone (summer time too).
    let local = |starts_at: &str, time_zone: &str| {
        Appointment::parse(
            &pb::Appointment {
                starts_at: starts_at.into(),
                time_zone: time_zone.into(),
                ..appointment()
            },
            &APPOINTMENT,
        )
        .unwrap()
        .local_time()
    };
    assert_eq!(
        local("2026-11-24T17:30:00Z", "America/Los_Angeles"),
        "Tuesday, November 24, 2026 at 9:30 AM PST (America/Los_Angeles, UTC-08:00)"
    );
    assert_eq!(
        local("2026-07-01T16:00:00Z", "America/New_York"),
        "Wednesday, July 1, 2026 at 12:00 PM EDT (America/New_York, UTC-04:00)"
    );
    // Without a zone: the offset it was given in.
    assert_eq!(
        local("2026-11-24T14:05:00+05:30", ""),
        "Tuesday, November 24, 2026 at 2:05 PM (UTC+05:30)"
    );
    assert_eq!(
        local("2026-11-24T17:30:00Z", " "),
        "Tuesday, November 24, 2026 at 5:30 PM (UTC+00:00)"
    );
    // A zone whose abbreviation is a number shows its name and offset only.
    assert_eq!(
        local("2026-11-24T12:00:00Z", "America/Sao_Paulo"),
        "Tuesday, November 24, 2026 at 9:00 AM (America/Sao_Paulo, UTC-03:00)"
    );
}

#[test]
fn a_bad_appointment_names_its_field() {
    let no_offset = pb::Appointment {
        starts_at: "2026-11-24T09:30:00".into(),
        ..appointment()
    };
    assert_eq!(field_of(no_offset), "appointment.starts_at");
    let no_name = pb::Appointment {
        installer_name: " ".into(),
        ..appointment()
    };
    assert_eq!(field_of(no_name), "appointment.installer_name");
    let long_address = pb::Appointment {
        installer_address: "x".repeat(301),
        ..appointment()
    };
    assert_eq!(field_of(long_address), "appointment.installer_address");
    // An installer without an address or phone on file is still an appointment.
    let bare = pb::Appointment {
        installer_address: String::new(),
        installer_phone: String::new(),
        ..appointment()
    };
    assert!(Appointment::parse(&bare, &APPOINTMENT).is_ok());
    let injected = pb::Appointment {
        installer_phone: "415\r\nBcc: x@y.z".into(),
        ..appointment()
    };
    assert_eq!(field_of(injected), "appointment.installer_phone");
    for zone in ["Pacific Time", "America/Nowhere"] {
        let zone = pb::Appointment {
            time_zone: zone.into(),
            ..appointment()
        };
        assert_eq!(field_of(zone), "appointment.time_zone");
    }
    let no_booking = pb::Appointment {
        booking_id: String::new(),
        ..appointment()
    };
    assert_eq!(field_of(no_booking), "appointment.booking_id");
}

#[test]
fn each_change_has_its_appointments() {
    let request =
        |change: pb::AppointmentChange,
         appointment: Option<pb::Appointment>,
         previous: Option<pb::Appointment>| pb::NotifyAppointmentRequest {
            idempotency_key: "k".into(),
            customer_id: "CUS-DEMO00000001".into(),
            order_number: "ORD-1".into(),
            change: change as i32,
            appointment,
            previous,
        };
    let a = || Some(appointment());
    let moved =
        AppointmentNotice::parse(&request(pb::AppointmentChange::Rescheduled, a(), a())).unwrap();
    assert_eq!(moved.change, AppointmentChange::Rescheduled);
    assert_eq!(moved.change.verb(), "moved");
    assert!(moved.previous.is_some());
    // A cancellation names the cancelled appointment in either field.
    for (appointment, previous) in [(a(), None), (None, a())] {
        let cancelled = AppointmentNotice::parse(&request(
            pb::AppointmentChange::Cancelled,
            appointment,
            previous,
        ))
        .unwrap();
        assert_eq!(cancelled.change.verb(), "cancelled");
        assert_eq!(cancelled.appointment.booking_id, "BKG-1");
        assert!(cancelled.previous.is_none());
    }
    use pb::AppointmentChange::{Booked, Cancelled, Rescheduled, Unspecified};
    for (change, appointment, previous, field) in [
        (Rescheduled, a(), None, "previous"),
        (Rescheduled, None, a(), "appointment"),
        (Booked, a(), a(), "previous"),
        (Booked, None, None, "appointment"),
        (Cancelled, a(), a(), "previous"),
        (Cancelled, None, None, "appointment"),
        (Unspecified, a(), None, "change"),
    ] {
        let err = AppointmentNotice::parse(&request(change, appointment, previous)).unwrap_err();
        assert_eq!(err.field, field, "{change:?}");
    }
    let bad_previous = pb::Appointment {
        starts_at: "soon".into(),
        ..appointment()
    };
    let err = AppointmentNotice::parse(&request(Rescheduled, a(), Some(bad_previous))).unwrap_err();
    assert_eq!(err.field, "previous.starts_at");
}
