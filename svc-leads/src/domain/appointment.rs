//! Installation appointments as the customer is told of them: who installs (name,
//! address, phone), when in the installer's local time (with its time zone or offset
//! written out) and what happened to the appointment (booked, moved, cancelled).

use chrono::{DateTime, FixedOffset, Offset, Utc};
use chrono_tz::Tz;
use tandem_mesh::status::InvalidField;
use tandem_proto::leads::v1 as pb;

use super::text::{optional_line, required_line};

/// Longest installer name, in characters.
const MAX_NAME: usize = 200;
/// Longest installer address (one line), in characters.
const MAX_ADDRESS: usize = 300;
/// Longest installer phone number as written.
const MAX_PHONE: usize = 30;
/// Longest booking ID.
const MAX_BOOKING_ID: usize = 64;

/// The request fields an appointment is read from (`appointment.…` or `previous.…`).
pub struct AppointmentFields {
    /// The appointment itself.
    pub whole: &'static str,
    /// `installer_name`.
    pub installer_name: &'static str,
    /// `installer_address`.
    pub installer_address: &'static str,
    /// `installer_phone`.
    pub installer_phone: &'static str,
    /// `starts_at`.
    pub starts_at: &'static str,
    /// `time_zone`.
    pub time_zone: &'static str,
    /// `booking_id`.
    pub booking_id: &'static str,
}

/// The fields of a request's `appointment`.
pub const APPOINTMENT: AppointmentFields = AppointmentFields {
    whole: "appointment",
    installer_name: "appointment.installer_name",
    installer_address: "appointment.installer_address",
    installer_phone: "appointment.installer_phone",
    starts_at: "appointment.starts_at",
    time_zone: "appointment.time_zone",
    booking_id: "appointment.booking_id",
};

/// The fields of a request's `previous` appointment.
pub const PREVIOUS: AppointmentFields = AppointmentFields {
    whole: "previous",
    installer_name: "previous.installer_name",
    installer_address: "previous.installer_address",
    installer_phone: "previous.installer_phone",
    starts_at: "previous.starts_at",
    time_zone: "previous.time_zone",
    booking_id: "previous.booking_id",
};

/// A validated installation appointment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appointment {
    /// The installer's business name.
    pub installer_name: String,
    /// The installer's address on one line; empty when the installer server has none.
    pub installer_address: String,
    /// The installer's phone number as given; empty when the installer server has none.
    pub installer_phone: String,
    /// The start, with the offset it was given in.
    pub starts_at: DateTime<FixedOffset>,
    /// The installer's time zone, when given.
    pub time_zone: Option<Tz>,
    /// The installer server's booking ID.
    pub booking_id: String,
}

impl Appointment {
    /// Validates an appointment message read from the request fields `f`.
    pub fn parse(msg: &pb::Appointment, f: &AppointmentFields) -> Result<Self, InvalidField> {
        let starts_at = DateTime::parse_from_rfc3339(msg.starts_at.trim()).map_err(|_| {
            InvalidField::new(
                f.starts_at,
                "required: an RFC 3339 time with its offset, e.g. 2026-11-24T09:30:00-08:00",
            )
        })?;
        Ok(Self {
            installer_name: required_line(f.installer_name, &msg.installer_name, MAX_NAME)?,
            installer_address: optional_line(
                f.installer_address,
                &msg.installer_address,
                MAX_ADDRESS,
            )?,
            installer_phone: optional_line(f.installer_phone, &msg.installer_phone, MAX_PHONE)?,
            starts_at,
            time_zone: time_zone(f.time_zone, &msg.time_zone)?,
            booking_id: required_line(f.booking_id, &msg.booking_id, MAX_BOOKING_ID)?,
        })
    }

    /// An optional appointment: `None` when absent, else validated.
    pub fn parse_optional(
        msg: Option<&pb::Appointment>,
        f: &AppointmentFields,
    ) -> Result<Option<Self>, InvalidField> {
        msg.map(|m| Self::parse(m, f)).transpose()
    }

    /// The start as the customer reads it: in the installer's time zone (when given)
    /// with its abbreviation, name and offset — "Tuesday, November 24, 2026 at 9:30 AM
    /// PST (America/Los_Angeles, UTC-08:00)" — else in the offset it was given in —
    /// "… at 5:30 PM (UTC+00:00)".
    pub fn local_time(&self) -> String {
        const FORMAT: &str = "%A, %B %-d, %Y at %-I:%M %p";
        let Some(zone) = self.time_zone else {
            let when = self.starts_at.format(FORMAT);
            return format!("{when} ({})", utc_offset(self.starts_at.offset()));
        };
        let local = self.starts_at.with_timezone(&Utc).with_timezone(&zone);
        let offset = utc_offset(&local.offset().fix());
        let abbreviation = local.format("%Z").to_string();
        let when = local.format(FORMAT);
        if abbreviation.chars().all(|c| c.is_ascii_alphabetic()) {
            format!("{when} {abbreviation} ({}, {offset})", zone.name())
        } else {
            format!("{when} ({}, {offset})", zone.name())
        }
    }
}

/// An offset as "UTC-08:00", "UTC+05:30" or "UTC+00:00".
fn utc_offset(offset: &FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// An IANA time zone ("America/Los_Angeles", "UTC"), or none when empty.
fn time_zone(field: &'static str, raw: &str) -> Result<Option<Tz>, InvalidField> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok(None);
    }
    name.parse::<Tz>().map(Some).map_err(|_| {
        InvalidField::new(
            field,
            "an IANA time zone name, e.g. America/Los_Angeles, or empty",
        )
    })
}

/// What happened to an appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppointmentChange {
    /// Newly booked.
    Booked,
    /// Moved to another time or installer.
    Rescheduled,
    /// Cancelled.
    Cancelled,
}

impl AppointmentChange {
    /// The contract's value; UNSPECIFIED or unknown is an invalid `change`.
    pub fn parse(raw: i32) -> Result<Self, InvalidField> {
        match pb::AppointmentChange::try_from(raw) {
            Ok(pb::AppointmentChange::Booked) => Ok(Self::Booked),
            Ok(pb::AppointmentChange::Rescheduled) => Ok(Self::Rescheduled),
            Ok(pb::AppointmentChange::Cancelled) => Ok(Self::Cancelled),
            _ => Err(InvalidField::new(
                "change",
                "required: BOOKED, RESCHEDULED or CANCELLED",
            )),
        }
    }

    /// How the e-mail's subject says it: "booked", "moved", "cancelled".
    pub fn verb(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Rescheduled => "moved",
            Self::Cancelled => "cancelled",
        }
    }
}

/// An appointment notice: the change, the appointment and (when moved) the one it
/// replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentNotice {
    /// What happened.
    pub change: AppointmentChange,
    /// The booked, new or cancelled appointment.
    pub appointment: Appointment,
    /// The appointment replaced (RESCHEDULED only).
    pub previous: Option<Appointment>,
}

impl AppointmentNotice {
    /// Validates the change with its appointments: BOOKED needs `appointment` alone,
    /// RESCHEDULED `appointment` and `previous`, CANCELLED the cancelled appointment in
    /// exactly one of them.
    pub fn parse(req: &pb::NotifyAppointmentRequest) -> Result<Self, InvalidField> {
        let change = AppointmentChange::parse(req.change)?;
        let appointment = Appointment::parse_optional(req.appointment.as_ref(), &APPOINTMENT)?;
        let previous = Appointment::parse_optional(req.previous.as_ref(), &PREVIOUS)?;
        let (appointment, previous) = match (change, appointment, previous) {
            (AppointmentChange::Cancelled, Some(a), None)
            | (AppointmentChange::Cancelled, None, Some(a))
            | (AppointmentChange::Booked, Some(a), None) => (a, None),
            (AppointmentChange::Rescheduled, Some(a), Some(p)) => (a, Some(p)),
            (AppointmentChange::Cancelled, Some(_), Some(_)) => {
                return Err(InvalidField::new(
                    "previous",
                    "give the cancelled appointment once, in appointment",
                ));
            }
            (AppointmentChange::Booked, Some(_), Some(_)) => {
                return Err(InvalidField::new(
                    "previous",
                    "only with RESCHEDULED or CANCELLED; leave it empty",
                ));
            }
            (AppointmentChange::Rescheduled, Some(_), None) => {
                return Err(InvalidField::new(
                    "previous",
                    "required with RESCHEDULED: the appointment replaced",
                ));
            }
            (_, None, _) => return Err(InvalidField::new("appointment", "required")),
        };
        Ok(Self {
            change,
            appointment,
            previous,
        })
    }
}
