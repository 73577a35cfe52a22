use chrono::{NaiveDate, TimeZone, Utc};
use tandem_proto::common::v1::Address as AddressMsg;
use tandem_proto::leads::v1::{RegisterCustomerRequest, UpdateCustomerRequest};

use super::contact::{parse_date_of_birth, parse_email, parse_name, parse_phone};
use super::password;
use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn address() -> AddressMsg {
    AddressMsg {
        line1: "500 Market St".into(),
        line2: String::new(),
        city: "San Francisco".into(),
        region: "CA".into(),
        postal_code: "94103".into(),
        country: "US".into(),
    }
}

fn registration() -> RegisterCustomerRequest {
    RegisterCustomerRequest {
        name: "Alex Morgan".into(),
        email: "alex@example.com".into(),
        phone: "+1 415 555 0134".into(),
        address: Some(address()),
        date_of_birth: "1988-04-12".into(),
        password: "correct horse battery".into(),
        idempotency_key: String::new(),
    }
}

fn field_of<T: std::fmt::Debug>(result: Result<T, InvalidField>) -> &'static str {
    result.expect_err("should be rejected").field
}

#[test]
fn a_valid_registration_is_normalised() {
    let mut req = registration();
    req.name = "  Alex Morgan ".into();
    req.email = " Alex@Example.COM ".into();
    req.address.as_mut().unwrap().region = "ca".into();
    req.address.as_mut().unwrap().country = String::new();
    let new = NewCustomer::parse(&req, today()).unwrap();
    assert_eq!(new.name, "Alex Morgan");
    assert_eq!(new.email, "alex@example.com");
    assert_eq!(new.address.region, "CA");
    assert_eq!(new.address.country, "US", "empty country defaults to US");
    assert_eq!(
        new.date_of_birth,
        NaiveDate::from_ymd_opt(1988, 4, 12).unwrap()
    );
    assert!(
        !format!("{new:?}").contains("correct horse"),
        "Debug hides the password"
    );
}

#[test]
fn names_are_1_to_100_characters_without_control_characters() {
    assert_eq!(parse_name(&"é".repeat(100)).unwrap().chars().count(), 100);
    assert_eq!(field_of(parse_name(&"é".repeat(101))), "name");
    assert_eq!(field_of(parse_name("   ")), "name");
    assert_eq!(field_of(parse_name("")), "name");
    for evil in [
        "Alex\r\nBcc: x@y.com",
        "Alex\nMorgan",
        "A\tB",
        "A\u{0}B",
        "A\u{2028}B",
    ] {
        assert_eq!(field_of(parse_name(evil)), "name", "{evil:?}");
    }
    assert_eq!(
        parse_name("Zoë O'Brien-Søren").unwrap(),
        "Zoë O'Brien-Søren"
    );
}

#[test]
fn emails_must_be_sane_and_are_lower_cased() {
    assert_eq!(
        parse_email("A.B+tag@Mail.Example.org").unwrap(),
        "a.b+tag@mail.example.org"
    );
    let bad = [
        "",
        "alex",
        "alex@",
        "@example.com",
        "a@b@example.com",
        "alex@example",
        "alex@example.c0m",
        "al ex@example.com",
        "alex@exa mple.com",
        "alex\r\n@example.com",
        "alex@example.com\nBcc:x@y.com",
        ".alex@example.com",
        "alex.@example.com",
        "al..ex@example.com",
        "alex@example..com",
        "alex@-example.com",
        "alex@.example.com",
        "al(ex)@example.com",
    ];
    for raw in bad {
        assert_eq!(field_of(parse_email(raw)), "email", "{raw:?}");
    }
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert_eq!(field_of(parse_email(&long_local)), "email");
    let label = "d".repeat(60);
    let at_limit = format!(
        "{}@{label}.{label}.{label}.{}.com",
        "a".repeat(60),
        "d".repeat(6)
    );
    assert_eq!(at_limit.len(), 254);
    assert!(parse_email(&at_limit).is_ok());
    let too_long = format!(
        "{}@{label}.{label}.{label}.{}.com",
        "a".repeat(60),
        "d".repeat(7)
    );
    assert_eq!(field_of(parse_email(&too_long)), "email");
}

#[test]
fn phones_have_7_to_15_digits_and_few_separators() {
    for ok in [
        "+1 415 555 0134",
        "(415) 555-0134",
        "5550134",
        "+123456789012345",
    ] {
        assert_eq!(parse_phone(ok).unwrap(), ok);
    }
    let bad = [
        "",
        "555013",            // 6 digits
        "+1234567890123456", // 16 digits
        "415.555.0134",
        "415 555 0134 ext 2",
        "1+4155550134",
        "++14155550134",
        "+1 415\n555 0134",
        "+1-------------------------4155550134",
    ];
    for raw in bad {
        assert_eq!(field_of(parse_phone(raw)), "phone", "{raw:?}");
    }
}

#[test]
fn addresses_need_line1_city_state_zip_and_are_us_only() {
    let parse = |f: &dyn Fn(&mut AddressMsg)| {
        let mut a = address();
        f(&mut a);
        Address::parse(Some(&a))
    };
    assert_eq!(field_of(Address::parse(None)), "address");
    assert_eq!(field_of(parse(&|a| a.line1 = " ".into())), "address.line1");
    assert_eq!(
        field_of(parse(&|a| a.line1 = "1 Main\nSt".into())),
        "address.line1"
    );
    assert_eq!(
        field_of(parse(&|a| a.line2 = "Apt\r1".into())),
        "address.line2"
    );
    assert_eq!(field_of(parse(&|a| a.city = String::new())), "address.city");
    for region in ["", "XX", "California", "C"] {
        let region = region.to_owned();
        assert_eq!(
            field_of(parse(&|a| a.region = region.clone())),
            "address.region"
        );
    }
    for zip in ["", "9410", "941030", "94103-1234", "ABCDE"] {
        let zip = zip.to_owned();
        assert_eq!(
            field_of(parse(&|a| a.postal_code = zip.clone())),
            "address.postal_code"
        );
    }
    assert_eq!(
        field_of(parse(&|a| a.country = "CA".into())),
        "address.country"
    );
    let ok = parse(&|a| {
        a.country = "us".into();
        a.region = "ny".into();
        a.line2 = "  Suite 4 ".into();
    })
    .unwrap();
    assert_eq!((ok.country.as_str(), ok.region.as_str()), ("US", "NY"));
    assert_eq!(ok.line2, "Suite 4");
    assert_eq!(ok.to_msg().postal_code, "94103");
}

#[test]
fn dates_of_birth_are_real_dates_of_people_16_to_120() {
    let dob = |raw: &str| parse_date_of_birth(raw, today());
    assert!(dob("1988-04-12").is_ok());
    for raw in [
        "",
        "1988-4-12",
        "12/04/1988",
        "1988-02-30",
        "2001-02-29",
        "19880412",
        "1988-04-12T00:00",
    ] {
        assert_eq!(field_of(dob(raw)), "date_of_birth", "{raw:?}");
    }
    assert!(dob("2010-06-15").is_ok(), "16 today");
    assert!(
        dob("2010-06-16")
            .unwrap_err()
            .reason
            .contains("at least 16")
    );
    assert!(dob("1906-06-15").is_ok(), "120 today");
    assert!(dob("1905-06-16").is_ok(), "121 tomorrow");
    assert!(
        dob("1905-06-15")
            .unwrap_err()
            .reason
            .contains("at most 120"),
        "121 today"
    );
    assert!(dob("2027-01-01").unwrap_err().reason.contains("future"));
    // Born on 29 February: 16 on the 16th 29 February, not the day before.
    let leap = NaiveDate::from_ymd_opt(2008, 2, 29).unwrap();
    let on = |y, m, d| parse_date_of_birth("2008-02-29", NaiveDate::from_ymd_opt(y, m, d).unwrap());
    assert_eq!(on(2024, 2, 29).unwrap(), leap);
    assert!(on(2024, 2, 28).is_err());
}

#[test]
fn passwords_follow_the_rules() {
    let email = "alex@example.com";
    assert!(
        password::parse("abcdefghij", email).is_ok(),
        "10 characters"
    );
    assert_eq!(field_of(password::parse("abcdefghi", email)), "password");
    assert!(
        password::parse(&"ab".repeat(64), email).is_ok(),
        "128 characters"
    );
    assert_eq!(
        field_of(password::parse(&format!("{}c", "ab".repeat(64)), email)),
        "password"
    );
    // Characters, not bytes: ten é are 20 bytes but 10 characters.
    assert!(password::parse("éàéàéàéàéà", email).is_ok());
    assert_eq!(field_of(password::parse("ééééé", email)), "password");
    let same = password::parse("aaaaaaaaaaaa", email).unwrap_err();
    assert!(same.reason.contains("repeated"));
    let is_email = password::parse("Alex@Example.com", email).unwrap_err();
    assert!(is_email.reason.contains("e-mail"));
    let pw = password::parse("correct horse battery", email).unwrap();
    assert_eq!(format!("{pw:?}"), "Password(***)");
}

#[test]
fn customer_ids_are_random_base32_and_parse_in_either_case() {
    let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_customer_id()).collect();
    assert_eq!(ids.len(), 1000);
    for id in &ids {
        let rest = id.strip_prefix("CUS-").expect("prefix");
        assert_eq!(rest.len(), 12);
        assert!(
            rest.bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        );
        assert_eq!(&parse_customer_id(&id.to_lowercase()).unwrap(), id);
    }
    // Every character position varies (the bits come from the random part of the UUID).
    for pos in 4..16 {
        let distinct: std::collections::HashSet<u8> =
            ids.iter().map(|i| i.as_bytes()[pos]).collect();
        assert!(distinct.len() > 16, "position {pos} is not random");
    }
    assert_eq!(
        parse_customer_id(DEMO_CUSTOMER_ID).unwrap(),
        DEMO_CUSTOMER_ID
    );
    for bad in [
        "",
        "CUS-",
        "CUS-ABC",
        "CUS-ABCDEFGHIJKLM",
        "XYZ-ABCDEFGHIJKL",
        "CUS-ABCDEF-HIJKL",
    ] {
        assert_eq!(field_of(parse_customer_id(bad)), "customer_id", "{bad:?}");
    }
}

#[test]
fn a_login_is_an_email_or_a_customer_id_in_either_case() {
    assert_eq!(
        Login::parse(" Alex@Example.COM "),
        Login::Email("alex@example.com".into())
    );
    assert_eq!(
        Login::parse("cus-demo00000001"),
        Login::CustomerId(DEMO_CUSTOMER_ID.into())
    );
    assert_eq!(Login::parse("alex"), Login::Nobody);
    assert_eq!(Login::parse("a@b"), Login::Nobody);
}

#[test]
fn patches_validate_given_fields_only_and_move_updated_at_forward() {
    let empty = CustomerPatch::parse(&UpdateCustomerRequest::default()).unwrap();
    assert!(empty.is_empty());
    let req = UpdateCustomerRequest {
        customer_id: DEMO_CUSTOMER_ID.into(),
        name: " Alex M. ".into(),
        email: "NEW@example.com".into(),
        ..Default::default()
    };
    let patch = CustomerPatch::parse(&req).unwrap();
    assert_eq!(patch.name.as_deref(), Some("Alex M."));
    assert_eq!(patch.email.as_deref(), Some("new@example.com"));
    assert_eq!((patch.phone.as_ref(), patch.address.as_ref()), (None, None));

    let bad = |f: &dyn Fn(&mut UpdateCustomerRequest)| {
        let mut r = UpdateCustomerRequest::default();
        f(&mut r);
        field_of(CustomerPatch::parse(&r))
    };
    assert_eq!(bad(&|r| r.name = "A\nB".into()), "name");
    assert_eq!(bad(&|r| r.email = "nope".into()), "email");
    assert_eq!(bad(&|r| r.phone = "12".into()), "phone");
    assert_eq!(
        bad(&|r| r.address = Some(AddressMsg {
            postal_code: "1".into(),
            ..address()
        })),
        "address.postal_code"
    );

    let created = Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap();
    let (mut customer, _) = NewCustomer::parse(&registration(), today())
        .unwrap()
        .into_customer(new_customer_id(), created);
    patch.apply(&mut customer, created); // the clock has not moved
    assert_eq!(customer.name, "Alex M.");
    assert_eq!(customer.email, "new@example.com");
    assert_eq!(customer.phone, "+1 415 555 0134", "unchanged");
    assert!(customer.updated_at > customer.created_at);
    let later = created + chrono::TimeDelta::seconds(5);
    CustomerPatch {
        phone: Some("5550100".into()),
        ..Default::default()
    }
    .apply(&mut customer, later);
    assert_eq!(customer.updated_at, later);
}

mod staff_view {
    use crate::domain::customer::Change;
    use crate::domain::lead::LeadCustomer;
    use crate::domain::{Address, Customer};

    fn change(field: &'static str, before: &str, after: &str) -> Change {
        Change {
            field,
            label: field,
            before: before.into(),
            after: after.into(),
        }
    }

    fn known() -> LeadCustomer {
        LeadCustomer {
            customer_id: "CUS-1".into(),
            name: "Alex Morgan".into(),
            email: "alex@example.com".into(),
            phone: "+1 415 555 0134".into(),
            address: Address {
                line1: "500 Market St".into(),
                line2: String::new(),
                city: "San Francisco".into(),
                region: "CA".into(),
                postal_code: "94103".into(),
                country: "US".into(),
            },
            office: String::new(),
            section: String::new(),
            office_phone: String::new(),
        }
    }

    /// The live record after an office change saved without consent, a phone change and
    /// a move.
    fn now() -> Customer {
        let k = known();
        let at = chrono::Utc::now();
        Customer {
            customer_id: k.customer_id,
            name: k.name,
            email: k.email,
            phone: "+1 415 555 0122".into(),
            address: Address {
                line1: "1 Elm St".into(),
                ..k.address
            },
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1988, 4, 12).unwrap(),
            created_at: at,
            updated_at: at,
            office: "Morgan Logistics".into(),
            section: String::new(),
            office_phone: String::new(),
            assigned_staff_id: None,
        }
    }

    #[test]
    fn only_the_consented_changes_reach_staff_told_from_what_they_knew() {
        // The customer changed the office earlier without consent (so the live "before"
        // of this change says nothing of it) and now forwards the phone and address.
        let changes = [
            change("phone", "+1 415 555 0111", "+1 415 555 0122"),
            change("address", "old", "new"),
        ];
        let (view, told) = known().forward(&changes, &now());
        assert_eq!(view.phone, "+1 415 555 0122");
        assert_eq!(view.address.line1, "1 Elm St");
        assert_eq!(view.office, "", "the unconsented office stays unknown");
        assert_eq!(told.len(), 2);
        assert_eq!(told[0].before, "+1 415 555 0134", "from what staff knew");
        assert_eq!(told[0].after, "+1 415 555 0122");
        assert_eq!(told[1].before, "500 Market St, San Francisco, CA 94103");
    }

    #[test]
    fn nothing_forwarded_changes_nothing() {
        let (view, told) = known().forward(&[], &now());
        assert_eq!(view, known());
        assert!(told.is_empty());
    }
}
