//! The customer's own e-mails: the order receipt (with the policy's details and the
//! installation appointment when there is one) and the notice of an appointment booked,
//! moved or cancelled. Rendered from the templates when queued; never copied to the
//! administrator. Pure: no I/O.

use serde::Serialize;

use super::compose::MailSettings;
use super::templates;
use crate::domain::appointment::{Appointment, AppointmentChange, AppointmentNotice};
use crate::store::outbox::{Audience, NewMail};

/// The outbox purpose (and [`NewMail::purpose`]) of receipts.
pub const RECEIPT: &str = "receipt";
/// The outbox purpose of appointment notices.
pub const APPOINTMENT: &str = "appointment";

/// Who a customer e-mail goes to.
pub struct Recipient<'a> {
    /// The customer's ID.
    pub customer_id: &'a str,
    /// The customer's name.
    pub name: &'a str,
    /// Their e-mail address.
    pub email: &'a str,
}

/// What a receipt shows.
pub struct Receipt<'a> {
    /// The buyer.
    pub to: Recipient<'a>,
    /// The checkout ID.
    pub checkout_id: &'a str,
    /// The device order number.
    pub order_number: &'a str,
    /// The policy number, if a policy was contracted (else empty).
    pub policy_number: &'a str,
    /// The policyholder's name (empty: not shown).
    pub policyholder_name: &'a str,
    /// The insured vehicle, e.g. "2021 Toyota Camry" (empty: not shown).
    pub vehicle: &'a str,
    /// Lines, as sentences.
    pub lines: Vec<String>,
    /// Total paid, formatted.
    pub total: String,
    /// The installation appointment booked with the order.
    pub appointment: Option<&'a Appointment>,
}

/// An appointment as the templates show it.
#[derive(Serialize)]
struct AppointmentView {
    installer_name: String,
    installer_address: String,
    installer_phone: String,
    local_time: String,
    booking_id: String,
}

impl From<&Appointment> for AppointmentView {
    fn from(a: &Appointment) -> Self {
        Self {
            installer_name: a.installer_name.clone(),
            installer_address: a.installer_address.clone(),
            installer_phone: a.installer_phone.clone(),
            local_time: a.local_time(),
            booking_id: a.booking_id.clone(),
        }
    }
}

#[derive(Serialize)]
struct ReceiptContext {
    subject: String,
    customer: ReceiptCustomer,
    reference: String,
    order_number: String,
    policy_number: String,
    policyholder_name: String,
    vehicle: String,
    lines: Vec<String>,
    total: String,
    appointment: Option<AppointmentView>,
}

#[derive(Serialize)]
struct ReceiptCustomer {
    name: String,
}

/// The order receipt to the customer (seed 001, S405).
pub fn receipt_message(
    settings: &MailSettings,
    r: &Receipt<'_>,
) -> Result<NewMail, minijinja::Error> {
    let subject = match (r.order_number, r.policy_number) {
        ("", policy) if !policy.is_empty() => format!("Your policy {policy} — receipt"),
        (order, _) => format!("Your order {order} — receipt"),
    };
    let context = ReceiptContext {
        subject: subject.clone(),
        customer: ReceiptCustomer {
            name: r.to.name.to_owned(),
        },
        reference: r.checkout_id.to_owned(),
        order_number: r.order_number.to_owned(),
        policy_number: r.policy_number.to_owned(),
        policyholder_name: r.policyholder_name.to_owned(),
        vehicle: r.vehicle.to_owned(),
        lines: r.lines.clone(),
        total: r.total.clone(),
        appointment: r.appointment.map(AppointmentView::from),
    };
    let (text, html) = templates::render(RECEIPT, &context)?;
    Ok(to_customer(
        settings,
        &r.to,
        format!("{}.receipt@{}", r.checkout_id, settings.domain()),
        RECEIPT,
        r.checkout_id,
        subject,
        (text, html),
    ))
}

/// What an appointment notice shows.
pub struct AppointmentMail<'a> {
    /// The customer told.
    pub to: Recipient<'a>,
    /// The device order the installation is for.
    pub order_number: &'a str,
    /// What happened, to which appointment.
    pub notice: &'a AppointmentNotice,
    /// Unique per notice: the Message-ID's local part.
    pub notice_id: &'a str,
}

#[derive(Serialize)]
struct AppointmentContext {
    subject: String,
    customer: ReceiptCustomer,
    order_number: String,
    change: &'static str,
    appointment: AppointmentView,
    previous: Option<AppointmentView>,
}

/// The e-mail telling the customer their installation appointment was booked, moved or
/// cancelled.
pub fn appointment_message(
    settings: &MailSettings,
    m: &AppointmentMail<'_>,
) -> Result<NewMail, minijinja::Error> {
    let change = m.notice.change;
    let subject = format!(
        "Your installation appointment is {} — order {}",
        change.verb(),
        m.order_number
    );
    let context = AppointmentContext {
        subject: subject.clone(),
        customer: ReceiptCustomer {
            name: m.to.name.to_owned(),
        },
        order_number: m.order_number.to_owned(),
        change: match change {
            AppointmentChange::Booked => "booked",
            AppointmentChange::Rescheduled => "rescheduled",
            AppointmentChange::Cancelled => "cancelled",
        },
        appointment: (&m.notice.appointment).into(),
        previous: m.notice.previous.as_ref().map(AppointmentView::from),
    };
    let (text, html) = templates::render(APPOINTMENT, &context)?;
    Ok(to_customer(
        settings,
        &m.to,
        format!("{}.appointment@{}", m.notice_id, settings.domain()),
        APPOINTMENT,
        m.order_number,
        subject,
        (text, html),
    ))
}

/// A rendered e-mail to the customer `to` (no copy to anyone).
fn to_customer(
    settings: &MailSettings,
    to: &Recipient<'_>,
    message_id: String,
    purpose: &str,
    reference: &str,
    subject: String,
    (text, html): (String, String),
) -> NewMail {
    NewMail {
        message_id,
        lead_id: None,
        customer_id: to.customer_id.to_owned(),
        purpose: purpose.to_owned(),
        template: purpose.to_owned(),
        audience: Audience::Customer,
        reference: reference.to_owned(),
        from: settings.from.clone(),
        to: vec![to.email.to_owned()],
        cc: Vec::new(),
        subject,
        text,
        html,
    }
}
