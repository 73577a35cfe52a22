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

    /// Refunds the charge `authorization_id` in full (`total`). Idempotent by charge: a
    /// charge refunded before answers with that first refund, so a retry after a lost
    /// answer or a crash never refunds twice. Bounded by the caller like `authorize`.
    async fn refund(&self, authorization_id: &str, total: &Money)
    -> Result<Refund, ProcessorError>;
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
/// Refunds are kept in memory, one per charge.
#[derive(Debug, Clone)]
pub struct TestProcessor {
    /// How long the timeout card keeps the call waiting.
    hang: Duration,
    /// Refund ID by the charge it refunded.
    refunds: Arc<Mutex<HashMap<String, String>>>,
    /// Test fault: while set, every call is answered with `Unavailable`.
    down: Arc<AtomicBool>,
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
            refunds: Arc::default(),
            down: Arc::default(),
        }
    }

    /// Test fault: while `down`, the processor answers every charge and refund with
    /// [`ProcessorError::Unavailable`] (an outage at the payment provider).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many charges have been refunded.
    pub fn refund_count(&self) -> usize {
        self.refunds.lock().map_or(0, |r| r.len())
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
        _total: &Money,
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
                Ok(Authorization {
                    authorization_id: format!("{prefix}{}", uuid::Uuid::new_v4().simple()),
                })
            }
        }
    }

    async fn refund(
        &self,
        authorization_id: &str,
        _total: &Money,
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
        let mut refunds = self
            .refunds
            .lock()
            .map_err(|_| ProcessorError::Unavailable)?;
        let refund_id = refunds
            .entry(authorization_id.to_owned())
            .or_insert_with(|| format!("test_refund_{}", uuid::Uuid::new_v4().simple()));
        Ok(Refund {
            refund_id: refund_id.clone(),
        })
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
    async fn a_charge_is_refunded_once_however_often_asked() {
        let processor = TestProcessor::default();
        let first = processor.refund("test_auth_1", &usd(100)).await.unwrap();
        let again = processor.refund("test_auth_1", &usd(100)).await.unwrap();
        assert_eq!(first, again);
        assert_ne!(
            processor.refund("test_auth_2", &usd(100)).await.unwrap(),
            first
        );
        assert_eq!(processor.refund_count(), 2);
        assert!(matches!(
            processor.refund("ch_elsewhere", &usd(100)).await,
            Err(ProcessorError::Declined { .. })
        ));
    }

    #[tokio::test]
    async fn charges_of_the_no_refund_card_are_not_refunded() {
        let card = |number: &str| {
            let raw = tandem_proto::settlement::v1::Card {
                number: number.into(),
                expiry_month: 12,
                expiry_year: 2040,
                cvc: "123".into(),
                holder_name: "Ada Driver".into(),
            };
            Card::parse(&raw, chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()).unwrap()
        };
        let processor = TestProcessor::default();
        let kept = processor
            .authorize("k1", &card(CARD_REFUND_REFUSED), &usd(100))
            .await
            .unwrap();
        assert_eq!(
            processor.refund(&kept.authorization_id, &usd(100)).await,
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
                .refund(&normal.authorization_id, &usd(100))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn a_processor_that_is_down_refunds_nothing() {
        let processor = TestProcessor::default();
        processor.set_down(true);
        assert_eq!(
            processor.refund("test_auth_1", &usd(100)).await,
            Err(ProcessorError::Unavailable)
        );
        assert_eq!(processor.refund_count(), 0);
        processor.set_down(false);
        assert!(processor.refund("test_auth_1", &usd(100)).await.is_ok());
    }
}
