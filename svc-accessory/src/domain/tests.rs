use super::*;
use tandem_proto::accessory::v1::{DeviceCategory as C, SearchProductsRequest};
use tandem_proto::common::v1::{PageRequest, VehicleClass as V};

fn device(id: &str, category: C, price: i64, stock: u32, classes: &[V]) -> Device {
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

fn rule(feature: &str, category: C, rank: u32) -> AssociationRule {
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
        device("dc-cheap", C::Dashcam, 100, 5, &[V::Sedan]),
        device("dc-dear", C::Dashcam, 300, 5, &[V::Sedan]),
        device("cw", C::CollisionWarning, 200, 5, &[V::Sedan]),
        device("nav", C::CarNavigation, 150, 5, &[V::Sedan]),
    ];
    let rules = [
        rule("safe_driver", C::Dashcam, 1),
        rule("safe_driver", C::CollisionWarning, 2),
    ];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    let picked = assoc.devices_for(&["safe_driver".into()], V::Sedan, 3);
    assert_eq!(ids(&picked), ["dc-cheap", "cw", "dc-dear"]);
}

#[test]
fn out_of_stock_devices_come_last_and_incompatible_ones_never() {
    let devices = [
        device("a-sold-out", C::Dashcam, 50, 0, &[V::Suv]),
        device("b", C::Dashcam, 90, 1, &[V::Suv]),
        device("c-sedan-only", C::Dashcam, 10, 9, &[V::Sedan]),
    ];
    let rules = [rule("safe_driver", C::Dashcam, 1)];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    assert_eq!(
        ids(&assoc.devices_for(&["safe_driver".into()], V::Suv, 10)),
        ["b", "a-sold-out"]
    );
    assert_eq!(
        ids(&assoc.devices_for(&["safe_driver".into()], V::Unspecified, 10)),
        ["c-sedan-only", "b", "a-sold-out"]
    );
}

#[test]
fn best_rank_of_a_category_across_features_decides_its_order() {
    let devices = [
        device("dc", C::Dashcam, 1, 1, &[V::Van]),
        device("tt", C::TheftTracker, 1, 1, &[V::Van]),
    ];
    let rules = [
        rule("safe_driver", C::Dashcam, 1),
        rule("theft_cover", C::TheftTracker, 1),
        rule("theft_cover", C::Dashcam, 2),
    ];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    // Dashcam ranks 1 via safe_driver; the tie with the tracker breaks on category order.
    let picked = assoc.devices_for(&["theft_cover".into(), "safe_driver".into()], V::Van, 2);
    assert_eq!(ids(&picked), ["dc", "tt"]);
    let picked = assoc.devices_for(&["theft_cover".into()], V::Van, 2);
    assert_eq!(ids(&picked), ["tt", "dc"]);
}

#[test]
fn a_plan_without_associated_features_gets_no_devices() {
    let devices = [device("dc", C::Dashcam, 1, 1, &[V::Van])];
    let rules = [rule("safe_driver", C::Dashcam, 1)];
    let assoc = PlanAssociation {
        devices: &devices,
        rules: &rules,
    };
    assert!(
        assoc
            .devices_for(&["liability_only".into()], V::Van, 4)
            .is_empty()
    );
    assert!(
        assoc
            .devices_for(&["safe_driver".into()], V::Van, 0)
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
