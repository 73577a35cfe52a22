//! Unit tests of the delivery rules: addresses, order IDs, handles and state moves.

use tandem_proto::common::v1::Address;

use super::*;

fn address() -> Address {
    Address {
        line1: " 600 Harrison St ".into(),
        line2: "Apt 4".into(),
        city: "San Francisco".into(),
        region: "CA".into(),
        postal_code: "94107".into(),
        country: "us".into(),
    }
}

fn field_of(name: &str, a: Option<&Address>) -> &'static str {
    Recipient::parse(name, a).unwrap_err().field
}

#[test]
fn a_valid_address_is_kept_trimmed_with_the_country_upper_case() {
    let r = Recipient::parse("Grace Hopper", Some(&address())).unwrap();
    assert_eq!(r.name, "Grace Hopper");
    assert_eq!(r.address.line1, "600 Harrison St");
    assert_eq!(r.address.country, "US");
    assert_eq!(r.address.postal_code, "94107");
}

#[test]
fn a_malformed_address_names_its_field() {
    let with = |f: fn(&mut Address)| {
        let mut a = address();
        f(&mut a);
        a
    };
    assert_eq!(field_of("", Some(&address())), "recipient_name");
    assert_eq!(
        field_of(&"x".repeat(101), Some(&address())),
        "recipient_name"
    );
    assert_eq!(field_of("Grace", None), "address");
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.line1 = " ".into()))),
        "address.line1"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.line1 = "x".repeat(201)))),
        "address.line1"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.city.clear()))),
        "address.city"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.postal_code = "9410".into()))),
        "address.postal_code"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.postal_code = "00000".into()))),
        "address.postal_code",
        "unknown to the gazetteer"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.country = "CA".into()))),
        "address.country"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.country.clear()))),
        "address.country"
    );
    assert_eq!(
        field_of("Grace", Some(&with(|a| a.line2 = "a\u{7}b".into()))),
        "address.line2"
    );
}

#[test]
fn order_ids_handles_and_notes_are_checked() {
    assert_eq!(order_id(" ORD-1 ").unwrap(), "ORD-1");
    assert!(order_id("").is_err());
    assert!(order_id(&"A".repeat(41)).is_err());
    assert!(order_id("ORD 1").is_err());
    let handle = handle_from([0, 1, 2, 3, 31, 30, 29, 255]);
    assert_eq!(handle, "DL-0123-ZYXZ");
    assert_eq!(parse_handle(" dl-0123-zyxz ").unwrap(), handle);
    for bad in [
        "",
        "DL-0123-ZYX",
        "DX-0123-ZYXZ",
        "DL-0123-ZYXU",
        "DL-01234ZYXZ",
    ] {
        assert_eq!(parse_handle(bad).unwrap_err().field, "handle", "{bad}");
    }
    assert!(note(&"n".repeat(200)).is_ok());
    assert!(note(&"n".repeat(201)).is_err());
    assert_eq!(
        party_id("  seller-kestrel ", "seller_id").unwrap(),
        "seller-kestrel"
    );
    assert!(party_id("", "purchaser_id").is_err());
}

#[test]
fn deliveries_move_forward_only() {
    use DeliveryState::*;
    for (from, to) in [
        (Requested, PickedUp),
        (Requested, Delivered),
        (Requested, Failed),
        (PickedUp, Delivered),
        (PickedUp, Failed),
    ] {
        assert_eq!(check_move(from, to), Ok(Move::Advance), "{from:?} → {to:?}");
    }
    for s in [Requested, PickedUp, Delivered, Failed] {
        assert_eq!(check_move(s, s), Ok(Move::Stay));
        assert_eq!(DeliveryState::from_slug(s.slug()), Some(s));
    }
    for (from, to) in [
        (PickedUp, Requested),
        (Delivered, PickedUp),
        (Delivered, Failed),
        (Failed, Delivered),
        (Failed, Requested),
    ] {
        assert!(
            matches!(
                check_move(from, to),
                Err(DeliveryRefusal::MovingBack { .. })
            ),
            "{from:?} → {to:?}"
        );
    }
    assert_eq!(Delivered.outcome(), Some(Outcome::Delivered));
    assert_eq!(Failed.outcome(), Some(Outcome::Failed));
    assert_eq!(PickedUp.outcome(), None);
}
