//! The payment-method port: a [`CardProcessor`] charges a card and refunds a charge. The
//! built-in [`TestProcessor`] decides by card number (like a payment provider's test
//! mode), so the server runs with no outside service.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tandem_proto::common::v1::Money;

use crate::domain::Card;

/// A successful authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The processor's reference for the charge (kept with the payment, for refunds).
    pub authorization_id: String,
}

/// A refund the processor made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The processor's reference for the refund.
    pub refund_id: String,
}

/// Why a card was not charged (or a charge not refunded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessorError {
    /// The issuer refused the charge (or the processor the refund); `reason` is a code
    /// such as "card_declined".
    #[error("card declined: {reason}")]
    Declined {
        /// The processor's decline code.
        reason: String,
    },
    /// The processor could not be reached or did not decide; nothing was charged or
    /// refunded.
    #[error("card processor unavailable")]
    Unavailable,
}

/// Something that can charge a card and give the money back.
#[async_trait::async_trait]
pub trait CardProcessor: Send + Sync + 'static {
    /// Authorizes and captures `total` on `card`. `idempotency_key` is the `Pay` call's:
    /// a real processor is given it as its own idempotency key, so a charge retried after
    /// a crash (when a new call takes over an abandoned claim) is not made twice. The
    /// caller bounds the call with a timeout and treats a timeout like
    /// [`ProcessorError::Unavailable`].
    async fn authorize(
        &self,
        idempotency_key: &str,
        card: &Card,
        total: &Money,
    ) -> Result<Authorization, ProcessorError>;

    /// Refunds `amount` of the charge `authorization_id` as its part `part` (one line of
    /// a payment, `line-<n>`, or the whole charge, `charge`). Idempotent by charge and
    /// part: a part refunded before answers with that first refund (a real processor is
    /// given `<authorization_id>:<part>` as the refund's idempotency key), so a retry after
    /// a lost answer or a crash never gives a part back twice. Bounded by the caller like
    /// `authorize`.
    async fn refund(
        &self,
        authorization_id: &str,
        part: &str,
        amount: &Money,
    ) -> Result<Refund, ProcessorError>;
}

/// Succeeds.
pub const CARD_VISA_OK: &str = "4242424242424242";
/// Succeeds.
pub const CARD_MASTERCARD_OK: &str = "5555555555554444";
/// Declined with "card_declined".
pub const CARD_DECLINED: &str = "4000000000000002";
/// Declined with "insufficient_funds".
pub const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
/// The processor never answers in time.
pub const CARD_TIMEOUT: &str = "4000000000000119";
/// Charged, but the processor refuses to refund it ("charge_not_refundable").
pub const CARD_REFUND_REFUSED: &str = "4000000000000259";

/// The built-in processor: [`CARD_DECLINED`] and [`CARD_INSUFFICIENT_FUNDS`] are declined,
/// [`CARD_TIMEOUT`] hangs for `hang` (longer than any processor timeout), every other
/// valid card is charged; charges of [`CARD_REFUND_REFUSED`] cannot be refunded.
/// Charges and refunds are kept in memory, one refund per part of a charge; a refund that
/// would give back more than a charge it made is refused (`amount_exceeds_charge`).
#[derive(Debug, Clone)]
pub struct TestProcessor {
    /// How long the timeout card keeps the call waiting.
    hang: Duration,
    /// The charges it made and the refunds of their parts.
    ledger: Arc<Mutex<Charges>>,
    /// Test fault: while set, every call is answered with `Unavailable`.
    down: Arc<AtomicBool>,
}

/// The test processor's memory.
#[derive(Debug, Default)]
struct Charges {
    /// Amount charged, by authorization ID.
    charged: HashMap<String, i64>,
    /// (refund ID, amount) by (authorization ID, part).
    refunds: HashMap<(String, String), (String, i64)>,
}

impl Default for TestProcessor {
    fn default() -> Self {
        Self::with_hang(Duration::from_secs(60))
    }
}

impl TestProcessor {
    /// A test processor whose timeout card hangs for `hang`.
    pub fn with_hang(hang: Duration) -> Self {
        Self {
            hang,
            ledger: Arc::default(),
            down: Arc::default(),
        }
    }

    /// Test fault: while `down`, the processor answers every charge and refund with
    /// [`ProcessorError::Unavailable`] (an outage at the payment provider).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many refunds it made (one per part of a charge).
    pub fn refund_count(&self) -> usize {
        self.ledger.lock().map_or(0, |l| l.refunds.len())
    }

    /// How much of the charge `authorization_id` it gave back, in minor units.
    pub fn refunded_minor(&self, authorization_id: &str) -> i64 {
        self.ledger.lock().map_or(0, |l| {
            l.refunds
                .iter()
                .filter(|((charge, _), _)| charge == authorization_id)
                .map(|(_, (_, amount))| amount)
                .sum()
        })
    }

    fn is_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl CardProcessor for TestProcessor {
    /// Its charges are not real, so it keeps no memory of them or of their keys.
    async fn authorize(
        &self,
        _idempotency_key: &str,
        card: &Card,
        total: &Money,
    ) -> Result<Authorization, ProcessorError> {
        if self.is_down() {
            return Err(ProcessorError::Unavailable);
        }
        let declined = |reason: &str| {
            Err(ProcessorError::Declined {
                reason: reason.to_owned(),
            })
        };
        match card.number() {
            CARD_DECLINED => declined("card_declined"),
            CARD_INSUFFICIENT_FUNDS => declined("insufficient_funds"),
            CARD_TIMEOUT => {
                tokio::time::sleep(self.hang).await;
                Err(ProcessorError::Unavailable)
            }
            number => {
                let prefix = if number == CARD_REFUND_REFUSED {
                    NO_REFUND_PREFIX
                } else {
                    AUTH_PREFIX
                };
                let authorization_id = format!("{prefix}{}", uuid::Uuid::new_v4().simple());
                self.ledger
                    .lock()
                    .map_err(|_| ProcessorError::Unavailable)?
                    .charged
                    .insert(authorization_id.clone(), total.minor_units);
                Ok(Authorization { authorization_id })
            }
        }
    }

    async fn refund(
        &self,
        authorization_id: &str,
        part: &str,
        amount: &Money,
    ) -> Result<Refund, ProcessorError> {
        if self.is_down() {
            return Err(ProcessorError::Unavailable);
        }
        let refused = |reason: &str| {
            Err(ProcessorError::Declined {
                reason: reason.to_owned(),
            })
        };
        if authorization_id.starts_with(NO_REFUND_PREFIX) {
            return refused("charge_not_refundable");
        }
        if !authorization_id.starts_with(AUTH_PREFIX) {
            return refused("no_such_charge");
        }
        let mut ledger = self
            .ledger
            .lock()
            .map_err(|_| ProcessorError::Unavailable)?;
        let key = (authorization_id.to_owned(), part.to_owned());
        if let Some((refund_id, _)) = ledger.refunds.get(&key) {
            return Ok(Refund {
                refund_id: refund_id.clone(),
            });
        }
        // Charges made before a restart are forgotten: only those it knows are bounded.
        if let Some(&charged) = ledger.charged.get(authorization_id) {
            let given_back: i64 = ledger
                .refunds
                .iter()
                .filter(|((charge, _), _)| charge == authorization_id)
                .map(|(_, (_, amount))| amount)
                .sum();
            if given_back + amount.minor_units > charged {
                return refused("amount_exceeds_charge");
            }
        }
        let refund_id = format!("test_refund_{}", uuid::Uuid::new_v4().simple());
        ledger
            .refunds
            .insert(key, (refund_id.clone(), amount.minor_units));
        Ok(Refund { refund_id })
    }
}

/// How the test processor's charge references start.
const AUTH_PREFIX: &str = "test_auth_";
/// How the references of charges it will not refund start (not a prefix of the other).
const NO_REFUND_PREFIX: &str = "test_norefund_";

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor_units: i64) -> Money {
        Money {
            minor_units,
            currency: "USD".into(),
        }
    }

    #[tokio::test]
    async fn a_part_is_refunded_once_however_often_asked() {
        let processor = TestProcessor::default();
        let first = processor
            .refund("test_auth_1", "line-0", &usd(100))
            .await
            .unwrap();
        let again = processor
            .refund("test_auth_1", "line-0", &usd(100))
            .await
            .unwrap();
        assert_eq!(first, again);
        let other_part = processor
            .refund("test_auth_1", "line-1", &usd(50))
            .await
            .unwrap();
        assert_ne!(other_part, first);
        assert_ne!(
            processor
                .refund("test_auth_2", "line-0", &usd(100))
                .await
                .unwrap(),
            first
        );
        assert_eq!(processor.refund_count(), 3);
        assert_eq!(processor.refunded_minor("test_auth_1"), 150);
        assert!(matches!(
            processor.refund("ch_elsewhere", "charge", &usd(100)).await,
            Err(ProcessorError::Declined { .. })
        ));
    }

    #[tokio::test]
    async fn parts_never_give_back_more_than_the_charge() {
        let processor = TestProcessor::default();
        let charge = processor
            .authorize("k", &visa(), &usd(300))
            .await
            .unwrap()
            .authorization_id;
        assert!(processor.refund(&charge, "line-0", &usd(200)).await.is_ok());
        assert_eq!(
            processor.refund(&charge, "line-1", &usd(101)).await,
            Err(ProcessorError::Declined {
                reason: "amount_exceeds_charge".into()
            })
        );
        assert!(processor.refund(&charge, "line-1", &usd(100)).await.is_ok());
        assert_eq!(processor.refunded_minor(&charge), 300);
    }

    fn visa() -> Card {
        card(CARD_VISA_OK)
    }

    fn card(number: &str) -> Card {
        let raw = tandem_proto::settlement::v1::Card {
            number: number.into(),
            expiry_month: 12,
            expiry_year: 2040,
            cvc: "123".into(),
            holder_name: "Ada Driver".into(),
        };
        Card::parse(&raw, chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()).unwrap()
    }

    #[tokio::test]
    async fn charges_of_the_no_refund_card_are_not_refunded() {
        let processor = TestProcessor::default();
        let kept = processor
            .authorize("k1", &card(CARD_REFUND_REFUSED), &usd(100))
            .await
            .unwrap();
        assert_eq!(
            processor
                .refund(&kept.authorization_id, "charge", &usd(100))
                .await,
            Err(ProcessorError::Declined {
                reason: "charge_not_refundable".into()
            })
        );
        let normal = processor
            .authorize("k2", &card(CARD_VISA_OK), &usd(100))
            .await
            .unwrap();
        assert!(
            processor
                .refund(&normal.authorization_id, "charge", &usd(100))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn a_processor_that_is_down_refunds_nothing() {
        let processor = TestProcessor::default();
        processor.set_down(true);
        assert_eq!(
            processor.refund("test_auth_1", "line-0", &usd(100)).await,
            Err(ProcessorError::Unavailable)
        );
        assert_eq!(processor.refund_count(), 0);
        processor.set_down(false);
        assert!(
            processor
                .refund("test_auth_1", "line-0", &usd(100))
                .await
                .is_ok()
        );
    }
}
