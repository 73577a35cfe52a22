//! CheckPayment's rules: which account a caller may ask about, what a check request must
//! name, and the verdict on a payment — a fact for the payee, never the payer's data.

use tandem_proto::settlement::v1 as pb;

use super::pay::{MAX_ACCOUNT_ID, MAX_REFERENCE, is_currency_code, payment_id, short_text};
use super::{InvalidField, Line, PAYOUT_METHOD, Payment, PaymentStatus};

/// Prefix of a partner's merchant account: partner `accessory` → `merchant:accessory`.
pub const MERCHANT_PREFIX: &str = "merchant:";

/// What a payee learns about a payment it is asked to accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Settled, with a line to the payee of this reference and amount that stands.
    Valid,
    /// No such payment, or none of its lines pays the payee.
    NotFound,
    /// It pays the payee but was declined.
    NotSettled,
    /// It paid the payee and the payee's line was refunded (alone or with the rest).
    Refunded,
    /// It pays the payee, but no line has this reference and exactly this amount.
    Mismatch,
}

/// A validated CheckPayment request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckCommand {
    /// The payment asked about.
    pub payment_id: String,
    /// The payee's account the line must pay.
    pub payee_account: String,
    /// The reference the line must carry.
    pub reference: String,
    /// The exact amount, in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO-4217 code of the amount.
    pub currency: String,
}

/// Why a caller may not ask about an account.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("partner {partner} may check payments to {own} only, not to {named}")]
pub struct ForeignAccount {
    /// The calling partner.
    pub partner: String,
    /// Its own merchant account.
    pub own: String,
    /// The account it named.
    pub named: String,
}

/// What is wrong with a check request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckRefused {
    /// A field is missing or malformed.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// The caller named another partner's account.
    #[error(transparent)]
    Foreign(#[from] ForeignAccount),
}

/// The account `partner` (from its certificate; `None` on a server without TLS) asks
/// about when it names `named`: its own `merchant:<partner>`, which it may repeat but not
/// replace; without a partner, `named` is required (such a server lets every caller read
/// every payment with GetPayment, so naming an account reveals nothing more).
pub fn payee_account(partner: Option<&str>, named: &str) -> Result<String, CheckRefused> {
    let named = named.trim();
    match partner {
        Some(partner) => {
            let own = format!("{MERCHANT_PREFIX}{partner}");
            if named.is_empty() || named == own {
                Ok(own)
            } else {
                Err(ForeignAccount {
                    partner: partner.to_owned(),
                    own,
                    named: named.to_owned(),
                }
                .into())
            }
        }
        None if named.is_empty() => Err(InvalidField::new(
            "payee_account",
            "required when the server knows no partner certificate (plaintext)",
        )
        .into()),
        None if !short_text(named, MAX_ACCOUNT_ID) => Err(InvalidField::new(
            "payee_account",
            format!("at most {MAX_ACCOUNT_ID} printable characters"),
        )
        .into()),
        None => Ok(named.to_owned()),
    }
}

/// `req` checked for the account `payee_account` (see [`payee_account`]).
pub fn parse_check(
    req: &pb::CheckPaymentRequest,
    payee_account: String,
) -> Result<CheckCommand, InvalidField> {
    let payment_id = payment_id(&req.payment_id)?;
    let reference = req.reference.trim();
    if reference.is_empty() || !short_text(reference, MAX_REFERENCE) {
        return Err(InvalidField::new(
            "reference",
            format!("required, at most {MAX_REFERENCE} printable characters"),
        ));
    }
    let amount = req
        .amount
        .as_ref()
        .ok_or_else(|| InvalidField::new("amount", "required"))?;
    if amount.minor_units <= 0 {
        return Err(InvalidField::new(
            "amount.minor_units",
            "must be more than 0",
        ));
    }
    if !is_currency_code(&amount.currency) {
        return Err(InvalidField::new(
            "amount.currency",
            "an ISO-4217 code such as USD",
        ));
    }
    Ok(CheckCommand {
        payment_id,
        payee_account,
        reference: reference.to_owned(),
        amount_minor: amount.minor_units,
        currency: amount.currency.clone(),
    })
}

/// The verdict on `payment` (`None`: no payment has the ID) for `check`. A payment that
/// pays the payee nothing — a payout, which debits merchants, included — is not the
/// payee's business: NOT_FOUND, as if unknown. Then the line is matched (reference and
/// exact amount and currency), then the status — of the payment, and of a partially
/// refunded payment's matching line: refunded or not.
pub fn verdict(payment: Option<&Payment>, check: &CheckCommand) -> Verdict {
    let Some(payment) = payment.filter(|p| p.card_brand != PAYOUT_METHOD) else {
        return Verdict::NotFound;
    };
    let mut to_payee = payment
        .lines
        .iter()
        .filter(|l| l.payee_account == check.payee_account)
        .peekable();
    if to_payee.peek().is_none() {
        return Verdict::NotFound;
    }
    let matching: Vec<&Line> = to_payee
        .filter(|l| l.reference == check.reference && l.amount_minor == check.amount_minor)
        .collect();
    if payment.currency != check.currency || matching.is_empty() {
        return Verdict::Mismatch;
    }
    match payment.status {
        PaymentStatus::Declined => Verdict::NotSettled,
        PaymentStatus::Refunded => Verdict::Refunded,
        // Judged by the caller's line: it stands, or it was refunded on its own.
        PaymentStatus::Settled | PaymentStatus::PartiallyRefunded => {
            if matching.iter().any(|l| l.refund.is_none()) {
                Verdict::Valid
            } else {
                Verdict::Refunded
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use tandem_proto::common::v1::Money;

    use super::*;
    use crate::domain::Line;

    fn payment(status: PaymentStatus, lines: &[(&str, i64, &str)]) -> Payment {
        Payment {
            payment_id: "pay_1".into(),
            payer_id: "CUS-1".into(),
            status,
            currency: "USD".into(),
            total_minor: lines.iter().map(|l| l.1).sum(),
            lines: lines
                .iter()
                .map(|&(payee, amount, reference)| Line {
                    payee_account: payee.into(),
                    amount_minor: amount,
                    reference: reference.into(),
                    refund: None,
                })
                .collect(),
            card_brand: "visa".into(),
            card_last4: "4242".into(),
            decline_reason: String::new(),
            reference: "CHK-1".into(),
            created_at: Utc::now(),
            refunded_at: None,
            refund_reason: String::new(),
            processor_reference: None,
            refund_reference: None,
        }
    }

    fn check(account: &str, reference: &str, amount: i64) -> CheckCommand {
        CheckCommand {
            payment_id: "pay_1".into(),
            payee_account: account.into(),
            reference: reference.into(),
            amount_minor: amount,
            currency: "USD".into(),
        }
    }

    const BUNDLE: &[(&str, i64, &str)] = &[
        ("merchant:insurance", 51_000, "QUO-1"),
        ("merchant:accessory", 21_900, "TA-1"),
    ];

    #[test]
    fn a_settled_line_of_this_reference_and_amount_is_valid_and_nothing_else_is() {
        let settled = payment(PaymentStatus::Settled, BUNDLE);
        let seller = |reference, amount| {
            verdict(
                Some(&settled),
                &check("merchant:accessory", reference, amount),
            )
        };
        assert_eq!(seller("TA-1", 21_900), Verdict::Valid);
        assert_eq!(seller("TA-2", 21_900), Verdict::Mismatch, "another order");
        assert_eq!(seller("TA-1", 21_899), Verdict::Mismatch, "another amount");
        assert_eq!(
            seller("QUO-1", 51_000),
            Verdict::Mismatch,
            "the insurer's line"
        );
        let mut euros = check("merchant:accessory", "TA-1", 21_900);
        euros.currency = "EUR".into();
        assert_eq!(verdict(Some(&settled), &euros), Verdict::Mismatch);
        assert_eq!(
            verdict(Some(&settled), &check("merchant:buyback", "TA-1", 21_900)),
            Verdict::NotFound,
            "a payment that pays the caller nothing is not its business"
        );
        assert_eq!(
            verdict(None, &check("merchant:accessory", "TA-1", 1)),
            Verdict::NotFound
        );
    }

    #[test]
    fn declined_refunded_and_payouts_are_never_valid() {
        let ours = check("merchant:accessory", "TA-1", 21_900);
        let declined = payment(PaymentStatus::Declined, BUNDLE);
        assert_eq!(verdict(Some(&declined), &ours), Verdict::NotSettled);
        let refunded = payment(PaymentStatus::Refunded, BUNDLE);
        assert_eq!(verdict(Some(&refunded), &ours), Verdict::Refunded);
        let mut payout = payment(PaymentStatus::Settled, BUNDLE);
        payout.card_brand = PAYOUT_METHOD.into();
        assert_eq!(verdict(Some(&payout), &ours), Verdict::NotFound);
    }

    #[test]
    fn a_partly_refunded_payment_is_judged_by_the_callers_line() {
        let refund = crate::domain::LineRefund {
            at: Utc::now(),
            reason: "cooling-off".into(),
            reference: "test_refund_1".into(),
        };
        let partly = payment(PaymentStatus::Settled, BUNDLE).with_refunded(&[0], &refund);
        assert_eq!(partly.status, PaymentStatus::PartiallyRefunded);
        let insurer = check("merchant:insurance", "QUO-1", 51_000);
        let seller = check("merchant:accessory", "TA-1", 21_900);
        assert_eq!(verdict(Some(&partly), &insurer), Verdict::Refunded);
        assert_eq!(verdict(Some(&partly), &seller), Verdict::Valid);
        let all = partly.with_refunded(&[1], &refund);
        assert_eq!(all.status, PaymentStatus::Refunded);
        assert_eq!(verdict(Some(&all), &seller), Verdict::Refunded);
        assert_eq!(
            verdict(Some(&all), &check("merchant:accessory", "TA-2", 21_900)),
            Verdict::Mismatch,
            "a refund never turns another order into a match"
        );
    }

    #[test]
    fn a_partner_asks_about_its_own_account_and_plaintext_callers_name_one() {
        assert_eq!(
            payee_account(Some("accessory"), "").unwrap(),
            "merchant:accessory"
        );
        assert_eq!(
            payee_account(Some("accessory"), "merchant:accessory").unwrap(),
            "merchant:accessory"
        );
        assert!(matches!(
            payee_account(Some("accessory"), "merchant:insurance"),
            Err(CheckRefused::Foreign(_))
        ));
        assert_eq!(
            payee_account(None, " merchant:insurance ").unwrap(),
            "merchant:insurance"
        );
        assert!(
            matches!(payee_account(None, ""), Err(CheckRefused::Invalid(e)) if e.field == "payee_account")
        );
    }

    #[test]
    fn a_check_names_payment_reference_and_a_positive_amount() {
        let ok = pb::CheckPaymentRequest {
            payment_id: " pay_1 ".into(),
            reference: "TA-1".into(),
            amount: Some(Money {
                minor_units: 100,
                currency: "USD".into(),
            }),
            payee_account: String::new(),
        };
        let parsed = parse_check(&ok, "merchant:x".into()).unwrap();
        assert_eq!(
            (parsed.payment_id.as_str(), parsed.amount_minor),
            ("pay_1", 100)
        );
        let field =
            |r: pb::CheckPaymentRequest| parse_check(&r, "merchant:x".into()).unwrap_err().field;
        assert_eq!(
            field(pb::CheckPaymentRequest {
                payment_id: " ".into(),
                ..ok.clone()
            }),
            "payment_id"
        );
        assert_eq!(
            field(pb::CheckPaymentRequest {
                reference: String::new(),
                ..ok.clone()
            }),
            "reference"
        );
        assert_eq!(
            field(pb::CheckPaymentRequest {
                amount: None,
                ..ok.clone()
            }),
            "amount"
        );
        let zero = Some(Money {
            minor_units: 0,
            currency: "USD".into(),
        });
        assert_eq!(
            field(pb::CheckPaymentRequest {
                amount: zero,
                ..ok.clone()
            }),
            "amount.minor_units"
        );
        let bad = Some(Money {
            minor_units: 1,
            currency: "usd".into(),
        });
        assert_eq!(
            field(pb::CheckPaymentRequest { amount: bad, ..ok }),
            "amount.currency"
        );
    }
}
