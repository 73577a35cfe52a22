//! Idempotent writes: every write another server may retry carries an idempotency key;
//! the first request's fingerprint is stored with the key, so a replay (same key, same
//! request) returns the first result and a reuse of the key for a different request is
//! refused.

use prost::Message;
use sha2::{Digest, Sha256};

use crate::status::InvalidField;

/// Longest accepted idempotency key.
pub const MAX_KEY_LEN: usize = 100;

/// Hex SHA-256 of the request's protobuf encoding — stored instead of the request itself,
/// which may hold data that must not be kept (card numbers, passwords).
pub fn fingerprint(request: &impl Message) -> String {
    let digest = Sha256::digest(request.encode_to_vec());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks an idempotency key: 1–100 printable ASCII characters.
pub fn validate_key(key: &str) -> Result<(), InvalidField> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidField::new(
            "idempotency_key",
            format!("required: 1 to {MAX_KEY_LEN} printable ASCII characters"),
        ));
    }
    Ok(())
}

/// The error for a key reused with a different request.
pub fn key_reused() -> InvalidField {
    InvalidField::new(
        "idempotency_key",
        "already used for a different request; use a new key",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_proto::common::v1::Money;

    #[test]
    fn same_request_same_fingerprint_other_request_other() {
        let a = Money {
            minor_units: 100,
            currency: "USD".into(),
        };
        let b = Money {
            minor_units: 101,
            currency: "USD".into(),
        };
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a).len(), 64);
    }

    #[test]
    fn keys_are_bounded_printable_ascii() {
        assert!(validate_key("checkout-42/pay").is_ok());
        assert!(validate_key("").is_err());
        assert!(validate_key("has space").is_err());
        assert!(validate_key(&"k".repeat(101)).is_err());
        assert_eq!(key_reused().field, "idempotency_key");
    }
}
