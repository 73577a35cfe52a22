//! What the customer is told to do next: where to send the device (the prepaid label and
//! the center's receiving address), where the money goes and how to withdraw it, and in
//! words what they declared about the device's condition (shown against the grade found
//! when a counteroffer is made).

use tandem_proto::buyback::v1::{BodyDamage, Questionnaire, ScreenCondition};
use tandem_proto::common::v1::Address;

/// Who the parcels are addressed to.
pub const RECIPIENT: &str = "Tandem Buy-back Center — Receiving";

/// The buy-back center's receiving address.
pub fn receiving_address() -> Address {
    Address {
        line1: "2100 Harbor Way, Dock 4".into(),
        line2: String::new(),
        city: "Oakland".into(),
        region: "CA".into(),
        postal_code: "94607".into(),
        country: "US".into(),
    }
}

/// The prepaid shipping label's reference for application `application_id` ("BB-…"):
/// "LBL-" and the application's 12 characters.
pub fn label_reference(application_id: &str) -> String {
    let code = application_id.strip_prefix("BB-").unwrap_or(application_id);
    format!("LBL-{code}")
}

/// How to send the device of application `application_id`, in words.
pub fn shipping_instructions(application_id: &str) -> String {
    format!(
        "Pack the device in padded packaging, with the charger, mount and cables if you \
         declared them included. Write {application_id} on the parcel and hand it to any \
         carrier counter quoting label reference {label} (the label is prepaid by the \
         buy-back center), within 14 days. Then tell us it is on its way with \
         \"I am sending the device\".",
        label = label_reference(application_id)
    )
}

/// The settlement account a customer's buy-back is paid to.
pub fn payout_account(customer_id: &str) -> String {
    format!("customer:{customer_id}")
}

/// Who holds the account of [`payout_account`].
pub fn account_holder(customer_id: &str) -> String {
    format!("Your Tandem customer account ({customer_id})")
}

/// How the customer takes the money out of their account.
pub const HOW_TO_WITHDRAW: &str = "The buy-back price and the seller's benefit are paid \
    together, in one payout, into your Tandem customer account as soon as the inspection \
    confirms the price (or you accept a counteroffer). To withdraw it, ask Tandem customer \
    care to transfer the balance to your bank account, quoting the payout ID shown here once \
    paid; it arrives within 3 business days.";

/// The questionnaire's answers in words, e.g. "switches on; screen scratched; no body
/// damage; accessories complete".
pub fn declared_condition(answers: &Questionnaire) -> String {
    let power = if answers.powers_on {
        "switches on"
    } else {
        "does not switch on"
    };
    let screen = match ScreenCondition::try_from(answers.screen).unwrap_or_default() {
        ScreenCondition::Flawless => "screen flawless",
        ScreenCondition::Scratched => "screen scratched",
        ScreenCondition::Cracked => "screen cracked",
        ScreenCondition::None => "no screen",
        ScreenCondition::Unspecified => "screen not stated",
    };
    let damage = match BodyDamage::try_from(answers.damage).unwrap_or_default() {
        BodyDamage::None => "no body damage",
        BodyDamage::Minor => "minor body damage",
        BodyDamage::Major => "major body damage",
        BodyDamage::Unspecified => "body damage not stated",
    };
    let accessories = if answers.accessories_complete {
        "accessories complete"
    } else {
        "accessories missing"
    };
    [power, screen, damage, accessories].join("; ")
}
