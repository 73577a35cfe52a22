//! The payment-method port: a [`CardProcessor`] authorizes a charge on a card. The
//! built-in [`TestProcessor`] decides by card number (like a payment provider's test
//! mode), so the server runs with no outside service.

use std::time::Duration;

use tandem_proto::common::v1::Money;

use crate::domain::Card;

/// A successful authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The processor's reference for the charge (kept with the payment, for refunds).
    pub authorization_id: String,
}

/// Why a card was not charged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessorError {
    /// The issuer refused the charge; `reason` is a code such as "card_declined".
    #[error("card declined: {reason}")]
    Declined {
        /// The processor's decline code.
        reason: String,
    },
    /// The processor could not be reached or did not decide; nothing was charged.
    #[error("card processor unavailable")]
    Unavailable,
}

/// Something that can charge a card.
#[async_trait::async_trait]
pub trait CardProcessor: Send + Sync + 'static {
    /// Authorizes and captures `total` on `card`. The caller bounds the call with a
    /// timeout and treats a timeout like [`ProcessorError::Unavailable`].
    async fn authorize(&self, card: &Card, total: &Money) -> Result<Authorization, ProcessorError>;
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

/// The built-in processor: [`CARD_DECLINED`] and [`CARD_INSUFFICIENT_FUNDS`] are declined,
/// [`CARD_TIMEOUT`] hangs for `hang` (longer than any processor timeout), every other
/// valid card is charged.
#[derive(Debug, Clone)]
pub struct TestProcessor {
    /// How long the timeout card keeps the call waiting.
    hang: Duration,
}

impl Default for TestProcessor {
    fn default() -> Self {
        Self {
            hang: Duration::from_secs(60),
        }
    }
}

impl TestProcessor {
    /// A test processor whose timeout card hangs for `hang`.
    pub fn with_hang(hang: Duration) -> Self {
        Self { hang }
    }
}

#[async_trait::async_trait]
impl CardProcessor for TestProcessor {
    async fn authorize(
        &self,
        card: &Card,
        _total: &Money,
    ) -> Result<Authorization, ProcessorError> {
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
            _ => Ok(Authorization {
                authorization_id: format!("test_auth_{}", uuid::Uuid::new_v4().simple()),
            }),
        }
    }
}
