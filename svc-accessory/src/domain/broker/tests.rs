use chrono::TimeZone;
use tandem_proto::accessory::v1::ReportKind;

use super::report::{Row, price_band, price_bands};
use super::*;

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_commodity_suits_a_request_with_every_characteristic_ignoring_case() {
    let need = Need::parse("dashcam", &pairs(&[("resolution", "4K")]), 0).unwrap();
    let have = CommodityDraft::parse(
        "dashcam",
        "Cam",
        &pairs(&[("resolution", "4k"), ("channels", "2")]),
        Some((15_000, "USD")),
        3,
    )
    .unwrap();
    assert!(matches(&need, "dashcam", &have.characteristics, 15_000));
    assert!(!matches(&need, "navigation", &have.characteristics, 15_000));
    let two = Need::parse(
        "dashcam",
        &pairs(&[("resolution", "4k"), ("channels", "3")]),
        0,
    )
    .unwrap();
    assert!(!matches(&two, "dashcam", &have.characteristics, 15_000));
    let cheap = Need::parse("dashcam", &[], 14_999).unwrap();
    assert!(!matches(&cheap, "dashcam", &have.characteristics, 15_000));
    let enough = Need::parse("dashcam", &[], 15_000).unwrap();
    assert!(matches(&enough, "dashcam", &have.characteristics, 15_000));
}

#[test]
fn malformed_requests_and_commodities_name_the_field() {
    let field = |r: Result<Need, tandem_mesh::status::InvalidField>| r.unwrap_err().field;
    assert_eq!(field(Need::parse("", &[], 0)), "kind");
    assert_eq!(field(Need::parse("Dash Cam", &[], 0)), "kind");
    assert_eq!(
        field(Need::parse("dashcam", &[], -1)),
        "max_price_minor_units"
    );
    assert_eq!(
        field(Need::parse("dashcam", &pairs(&[("Bad Name", "x")]), 0)),
        "characteristics.name"
    );
    assert_eq!(
        field(Need::parse("dashcam", &pairs(&[("a", " ")]), 0)),
        "characteristics.value"
    );
    assert_eq!(
        field(Need::parse("dashcam", &pairs(&[("a", "1"), ("a", "2")]), 0)),
        "characteristics"
    );
    let draft = |price, currency, stock| {
        CommodityDraft::parse("tyres", "Tyre", &[], Some((price, currency)), stock)
            .unwrap_err()
            .field
    };
    assert_eq!(draft(0, "USD", 1), "price.minor_units");
    assert_eq!(draft(100, "EUR", 1), "price.currency");
    assert_eq!(draft(100, "USD", 100_001), "stock");
    assert_eq!(
        CommodityDraft::parse("tyres", "", &[], Some((100, "USD")), 1)
            .unwrap_err()
            .field,
        "title"
    );
}

#[test]
fn rows_on_fewer_than_five_purchasers_are_suppressed() {
    let four = Row::counted(vec!["dashcam".into()], vec![40, 4], 4);
    assert!(four.suppressed);
    assert_eq!(four.values, [0, 0]);
    let five = Row::counted(vec!["dashcam".into()], vec![40, 5], 5);
    assert!(!five.suppressed);
    assert_eq!(five.values, [40, 5]);
}

#[test]
fn a_report_id_is_stable_per_seller_kind_weeks_and_day() {
    let spec = ReportSpec::parse(ReportKind::Demand as i32, 4).unwrap();
    let id = spec.report_id("seller-kestrel", "2026-12-03");
    assert_eq!(id, spec.report_id("seller-kestrel", "2026-12-03"));
    assert_ne!(id, spec.report_id("seller-harbor", "2026-12-03"));
    assert_ne!(id, spec.report_id("seller-kestrel", "2026-12-04"));
    let other = ReportSpec::parse(ReportKind::Demand as i32, 5).unwrap();
    assert_ne!(id, other.report_id("seller-kestrel", "2026-12-03"));
    assert_eq!(spec.price_minor(), report::ANALYSIS_PRICE);
    assert_eq!(
        ReportSpec::parse(ReportKind::SalesHistory as i32, 1)
            .unwrap()
            .price_minor(),
        report::SALES_HISTORY_PRICE
    );
    assert_eq!(ReportSpec::parse(0, 4).unwrap_err().field, "kind");
    assert_eq!(ReportSpec::parse(2, 0).unwrap_err().field, "weeks");
    assert_eq!(ReportSpec::parse(2, 53).unwrap_err().field, "weeks");
}

#[test]
fn weeks_start_on_monday_and_bands_cover_every_price() {
    let thursday = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
    assert_eq!(week_of(thursday), "2026-11-30");
    assert_eq!(first_week(thursday, 1), "2026-11-30");
    assert_eq!(first_week(thursday, 3), "2026-11-16");
    assert_eq!(price_band(0), "USD 0.00–49.99");
    assert_eq!(price_band(4_999), "USD 0.00–49.99");
    assert_eq!(price_band(5_000), "USD 50.00–99.99");
    assert_eq!(price_band(50_000), "USD 500.00 and more");
    assert_eq!(price_bands().len(), 5);
    assert_eq!(report::per_mille(3, 12), 250);
    assert_eq!(report::per_mille(3, 0), 0);
}

#[test]
fn anonymous_order_ids_carry_a_check_character() {
    use crate::domain::order_number::AnonOrderId;
    let id = AnonOrderId::generate(0x0123_4567_89ab_cdef);
    assert!(id.as_str().starts_with("AN-"), "{id}");
    assert_eq!(
        AnonOrderId::parse(&id.as_str().to_lowercase(), "order_id").unwrap(),
        id
    );
    let mut typo = id.as_str().to_owned().into_bytes();
    typo[4] = if typo[4] == b'1' { b'2' } else { b'1' };
    let typo = String::from_utf8(typo).unwrap();
    assert!(AnonOrderId::parse(&typo, "order_id").is_err());
    // An order number of seed 000 is not an anonymous order ID.
    let number = crate::domain::OrderNumber::generate(7);
    assert!(AnonOrderId::parse(number.as_str(), "order_id").is_err());
}

#[test]
fn coarse_regions_are_one_digit_or_none() {
    assert_eq!(coarse_region(" 9 ").unwrap(), "9");
    assert_eq!(coarse_region("").unwrap(), "");
    assert!(coarse_region("94103").is_err());
    assert!(coarse_region("x").is_err());
}

#[test]
fn the_preference_store_keeps_a_stable_pseudonym_not_the_customer_id() {
    let p = pseudonym("CUS-123");
    assert_eq!(p, pseudonym("CUS-123"));
    assert_ne!(p, pseudonym("CUS-124"));
}
