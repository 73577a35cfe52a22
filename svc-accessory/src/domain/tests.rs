use super::*;
use tandem_proto::accessory::v1::{DeviceCategory, SearchProductsRequest};
use tandem_proto::common::v1::{PageRequest, VehicleClass};

fn device(
    id: &str,
    category: DeviceCategory,
    price: i64,
    stock: u32,
    classes: &[VehicleClass],
) -> Device {
    Device {
        product_id: id.into(),
        maker: "Maker".into(),
        model: id.into(),
        name: id.into(),
        category,
        description: String::new(),
        price_minor: price,
        currency: "USD".into(),
        stock,
        compatible: classes.to_vec(),
        needs_installation: true,
    }
}

fn rule(feature: &str, category: DeviceCategory, rank: u32) -> AssociationRule {
    AssociationRule {
        feature: feature.into(),
        category,
        rank,
    }
}

fn ids(devices: &[&Device]) -> Vec<String> {
    devices.iter().map(|d| d.product_id.clone()).collect()
}

#[test]
fn associates_devices_by_plan_feature_taking_turns_between_categories() {
    let devices = [
        device(
            "dc-cheap",
            DeviceCategory::Dashcam,
            100,
            5,
            &[VehicleClass::Sedan],
        ),
        device(
            "dc-dear",
            DeviceCategory::Dashcam,
            300,
            5,
            &[VehicleClass::Sedan],
        ),
        device(
            "cw",
            DeviceCategory::CollisionWarning,
            200,
            5,
            &[VehicleClass::Sedan],
        ),
        device(
            "nav",
            DeviceCategory::CarNavigation,
            150,
            5,
            &[VehicleClass::Sedan],
        ),
    ];
    let rules = [
        rule("safe_driver", DeviceCategory::Dashcam, 1),
        rule("safe_driver", DeviceCategory::CollisionWarning, 2),
    ];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    let picked = assoc.devices_for(&["safe_driver".into()], VehicleClass::Sedan, 3);
    assert_eq!(ids(&picked), ["dc-cheap", "cw", "dc-dear"]);
}

#[test]
fn out_of_stock_devices_come_last_and_incompatible_ones_never() {
    let devices = [
        device(
            "a-sold-out",
            DeviceCategory::Dashcam,
            50,
            0,
            &[VehicleClass::Suv],
        ),
        device("b", DeviceCategory::Dashcam, 90, 1, &[VehicleClass::Suv]),
        device(
            "c-sedan-only",
            DeviceCategory::Dashcam,
            10,
            9,
            &[VehicleClass::Sedan],
        ),
    ];
    let rules = [rule("safe_driver", DeviceCategory::Dashcam, 1)];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    assert_eq!(
        ids(&assoc.devices_for(&["safe_driver".into()], VehicleClass::Suv, 10)),
        ["b", "a-sold-out"]
    );
    assert_eq!(
        ids(&assoc.devices_for(&["safe_driver".into()], VehicleClass::Unspecified, 10)),
        ["c-sedan-only", "b", "a-sold-out"]
    );
}

#[test]
fn best_rank_of_a_category_across_features_decides_its_order() {
    let devices = [
        device("dc", DeviceCategory::Dashcam, 1, 1, &[VehicleClass::Van]),
        device(
            "tt",
            DeviceCategory::TheftTracker,
            1,
            1,
            &[VehicleClass::Van],
        ),
    ];
    let rules = [
        rule("safe_driver", DeviceCategory::Dashcam, 1),
        rule("theft_cover", DeviceCategory::TheftTracker, 1),
        rule("theft_cover", DeviceCategory::Dashcam, 2),
    ];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    // Dashcam ranks 1 via safe_driver; the tie with the tracker breaks on category order.
    let picked = assoc.devices_for(
        &["theft_cover".into(), "safe_driver".into()],
        VehicleClass::Van,
        2,
    );
    assert_eq!(ids(&picked), ["dc", "tt"]);
    let picked = assoc.devices_for(&["theft_cover".into()], VehicleClass::Van, 2);
    assert_eq!(ids(&picked), ["tt", "dc"]);
}

#[test]
fn a_plan_without_associated_features_gets_no_devices() {
    let devices = [device(
        "dc",
        DeviceCategory::Dashcam,
        1,
        1,
        &[VehicleClass::Van],
    )];
    let rules = [rule("safe_driver", DeviceCategory::Dashcam, 1)];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    assert!(
        assoc
            .devices_for(&["liability_only".into()], VehicleClass::Van, 4)
            .is_empty()
    );
    assert!(
        assoc
            .devices_for(&["safe_driver".into()], VehicleClass::Van, 0)
            .is_empty()
    );
}

#[test]
fn filter_defaults_and_bounds() {
    let f = ProductFilter::parse(&SearchProductsRequest::default()).unwrap();
    assert_eq!(f.page_size, DEFAULT_PAGE_SIZE);
    assert_eq!(
        f,
        ProductFilter {
            page_size: DEFAULT_PAGE_SIZE,
            ..Default::default()
        }
    );

    let too_big = SearchProductsRequest {
        page: Some(PageRequest {
            page_size: 101,
            page_token: String::new(),
        }),
        ..Default::default()
    };
    assert_eq!(
        ProductFilter::parse(&too_big).unwrap_err().field,
        "page.page_size"
    );

    let bad_category = SearchProductsRequest {
        category: 99,
        ..Default::default()
    };
    assert_eq!(
        ProductFilter::parse(&bad_category).unwrap_err().field,
        "category"
    );

    let negative = SearchProductsRequest {
        max_price_minor: -1,
        ..Default::default()
    };
    assert_eq!(
        ProductFilter::parse(&negative).unwrap_err().field,
        "max_price_minor"
    );

    let forged = SearchProductsRequest {
        page: Some(PageRequest {
            page_size: 0,
            page_token: "x'; DROP TABLE".into(),
        }),
        ..Default::default()
    };
    assert_eq!(
        ProductFilter::parse(&forged).unwrap_err().field,
        "page.page_token"
    );

    let text = SearchProductsRequest {
        text: "  DashCam ".into(),
        ..Default::default()
    };
    assert_eq!(
        ProductFilter::parse(&text).unwrap().text.as_deref(),
        Some("dashcam")
    );
}

mod orders {
    use super::super::OrderNumber;
    use super::super::order::*;

    #[test]
    fn order_numbers_round_trip_and_read_leniently() {
        for seed in [
            0u64,
            1,
            0x0fff_ffff_ffff_ffff,
            0x1234_5678_9abc_def0,
            u64::MAX,
        ] {
            let n = OrderNumber::generate(seed);
            assert_eq!(n.as_str().len(), "TA-7K2M-QX9P-D4HW-R".len());
            assert_eq!(OrderNumber::parse(n.as_str(), "f").unwrap(), n);
            let sloppy = n.as_str().to_lowercase().replace('-', " ");
            assert_eq!(OrderNumber::parse(&sloppy, "f").unwrap(), n);
        }
        let n = OrderNumber::generate(0x0123_4567_89ab_cdef);
        let with_o = n.as_str().replace('0', "O");
        assert_eq!(OrderNumber::parse(&with_o, "f").unwrap(), n);
    }

    #[test]
    fn every_single_typo_and_adjacent_swap_is_caught() {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        for seed in (0..200u64).map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15)) {
            let good = OrderNumber::generate(seed).as_str().replace('-', "");
            let bytes = good.as_bytes();
            for i in 2..bytes.len() {
                for &c in ALPHABET {
                    if c == bytes[i] {
                        continue;
                    }
                    let mut typo = bytes.to_vec();
                    typo[i] = c;
                    let typo = String::from_utf8(typo).unwrap();
                    assert!(
                        OrderNumber::parse(&typo, "f").is_err(),
                        "typo {typo} of {good} accepted"
                    );
                }
                // Luhn's one blind spot: 0 and Z (values 0 and 31) swapped.
                let blind = [bytes[i], bytes.get(i + 1).copied().unwrap_or(0)] == *b"0Z"
                    || [bytes[i], bytes.get(i + 1).copied().unwrap_or(0)] == *b"Z0";
                if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] && !blind {
                    let mut swapped = bytes.to_vec();
                    swapped.swap(i, i + 1);
                    let swapped = String::from_utf8(swapped).unwrap();
                    assert!(
                        OrderNumber::parse(&swapped, "f").is_err(),
                        "swap {swapped} of {good} accepted"
                    );
                }
            }
        }
    }

    #[test]
    fn malformed_order_numbers_name_the_field() {
        for bad in [
            "",
            "TA-1234",
            "XX-0000-0000-0000-0",
            "TA-0000-0000-0000-0000-0",
            "TA-!!!!-0000-0000-0",
        ] {
            assert_eq!(
                OrderNumber::parse(bad, "order_number").unwrap_err().field,
                "order_number",
                "{bad}"
            );
        }
    }

    #[test]
    fn confirm_is_allowed_once_per_payment() {
        assert_eq!(may_confirm(OrderStatus::Reserved, None, "P1"), Ok(true));
        assert_eq!(
            may_confirm(OrderStatus::Confirmed, Some("P1"), "P1"),
            Ok(false)
        );
        assert!(may_confirm(OrderStatus::Confirmed, Some("P1"), "P2").is_err());
        assert!(may_confirm(OrderStatus::Cancelled, None, "P1").is_err());
    }

    #[test]
    fn quantities_and_amounts() {
        assert_eq!(quantity(0), Ok(1));
        assert_eq!(quantity(5), Ok(5));
        assert_eq!(quantity(6).unwrap_err().field, "quantity");
        let device = super::device("d", super::DeviceCategory::Dashcam, 12_345, 1, &[]);
        assert_eq!(amount(&device, 3), Ok(37_035));
        assert_eq!(
            OrderStatus::parse("confirmed"),
            Some(OrderStatus::Confirmed)
        );
        assert_eq!(OrderStatus::parse("nope"), None);
    }
}
