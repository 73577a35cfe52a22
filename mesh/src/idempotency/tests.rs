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
    let money = Money::default();
    assert_eq!(
        Key::new("pay", "", &money).unwrap_err().field,
        "idempotency_key"
    );
    let key = Key::new("pay", "k1", &money).unwrap();
    assert_eq!(key.fingerprint, fingerprint(&money));
    // A row found by its key: the same request is a replay, any other a reused key.
    assert!(same_request(&key, Some(&fingerprint(&money))).is_ok());
    assert!(same_request(&key, Some("another request")).is_err());
    assert!(same_request(&key, None).is_err());
}
