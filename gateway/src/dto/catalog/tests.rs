//! Unit tests of the plan and device DTOs: query parsing into the contracts' requests,
//! and the JSON shapes of their answers.

use serde_json::json;
use tandem_proto::MoneyExt;
use tandem_proto::accessory::v1 as accessory;
use tandem_proto::common::v1 as common;
use tandem_proto::insurance::v1 as insurance;

use super::checks;
use super::*;
use crate::query::QueryPairs;

fn product() -> accessory::Product {
    accessory::Product {
        product_id: "DEV-DC-1001".into(),
        maker: "Vantrue".into(),
        model: "N2".into(),
        name: "Dual dashcam".into(),
        category: accessory::DeviceCategory::Dashcam as i32,
        description: "Front and cabin".into(),
        price: Some(common::Money::of(12_999, "USD")),
        stock: 3,
        compatible_classes: vec![
            common::VehicleClass::Sedan as i32,
            0,
            common::VehicleClass::Suv as i32,
        ],
        needs_installation: true,
        purchase_path: "/devices/DEV-DC-1001".into(),
    }
}

#[test]
fn devices_use_rest_names_and_money_with_display() {
    let json = serde_json::to_value(Device::from(product())).unwrap();
    assert_eq!(
        json,
        json!({
            "product_id": "DEV-DC-1001",
            "maker": "Vantrue",
            "model": "N2",
            "name": "Dual dashcam",
            "category": "dashcam",
            "description": "Front and cabin",
            "price": {"minor_units": 12999, "currency": "USD", "display": "USD 129.99"},
            "stock": 3,
            "compatible_classes": ["sedan", "suv"],
            "needs_installation": true,
            "purchase_path": "/devices/DEV-DC-1001"
        })
    );
}

#[test]
fn offers_carry_plan_premium_factors_and_devices() {
    let offer = insurance::PlanOffer {
        plan: Some(insurance::Plan {
            plan_id: "PLN-SAFE".into(),
            name: "Safe".into(),
            coverages: vec!["Liability".into()],
            base_premium: Some(common::Money::of(70_000, "USD")),
            ..Default::default()
        }),
        premium: Some(common::Money::of(81_240, "USD")),
        factors: vec![insurance::RatingFactor {
            name: "driver_age".into(),
            basis_points: 10_500,
        }],
        device_info_available: true,
        devices: vec![product()],
        region: "US-CA".into(),
    };
    let response = insurance::SearchPlansResponse {
        offers: vec![offer],
    };
    let json = serde_json::to_value(PlanSearchResponse::from(response)).unwrap();
    let offer = &json["offers"][0];
    assert_eq!(offer["plan"]["plan_id"], "PLN-SAFE");
    assert_eq!(offer["plan"]["base_premium"]["display"], "USD 700.00");
    assert_eq!(offer["premium"]["minor_units"], 81_240);
    assert_eq!(offer["premium"]["display"], "USD 812.40");
    assert_eq!(
        offer["factors"],
        json!([{"name": "driver_age", "basis_points": 10500}])
    );
    assert_eq!(offer["region"], "US-CA");
    assert_eq!(offer["device_info_available"], true);
    assert_eq!(offer["devices"][0]["category"], "dashcam");
}

#[test]
fn plan_detail_omits_the_offer_without_conditions() {
    let json = serde_json::to_value(PlanDetailResponse::from(insurance::GetPlanResponse {
        plan: Some(insurance::Plan::default()),
        offer: None,
    }))
    .unwrap();
    assert!(json.get("offer").is_none());
    assert!(json["plan"].is_object());
}

#[test]
fn search_pages_flatten_the_page_info() {
    let json = serde_json::to_value(DeviceSearchResponse::from(
        accessory::SearchProductsResponse {
            products: vec![product()],
            page: Some(common::PageResponse {
                next_page_token: "abc".into(),
                total_size: 7,
            }),
        },
    ))
    .unwrap();
    assert_eq!(json["next_page_token"], "abc");
    assert_eq!(json["total_size"], 7);
    assert_eq!(json["products"][0]["product_id"], "DEV-DC-1001");
}

fn pairs(query: &str) -> QueryPairs {
    QueryPairs(
        query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect(),
    )
}

const FULL: &str = "driver_age=35&vehicle_class=sedan&vehicle_year=2021&annual_mileage=12000\
                    &postal_code=94103&options=roadside_assistance,glass&devices_per_plan=4";

#[test]
fn a_full_query_maps_onto_search_plans() {
    let request = PlanSearchQuery::parse(pairs(FULL)).unwrap().to_request();
    assert_eq!(
        request,
        insurance::SearchPlansRequest {
            conditions: Some(insurance::RatingConditions {
                driver_age: 35,
                vehicle_class: common::VehicleClass::Sedan as i32,
                vehicle_year: 2021,
                annual_mileage: 12000,
                postal_code: "94103".into(),
                options: vec![
                    insurance::CoverageOption::RoadsideAssistance as i32,
                    insurance::CoverageOption::Glass as i32,
                ],
            }),
            devices_per_plan: 4,
        }
    );
}

#[test]
fn options_and_devices_per_plan_are_optional() {
    let request = PlanSearchQuery::parse(pairs(
        "driver_age=35&vehicle_class=suv&vehicle_year=2021&annual_mileage=0&postal_code=10001",
    ))
    .unwrap()
    .to_request();
    let conditions = request.conditions.unwrap();
    assert!(conditions.options.is_empty());
    assert_eq!(conditions.vehicle_class, common::VehicleClass::Suv as i32);
    assert_eq!(request.devices_per_plan, 0);
}

#[test]
fn every_missing_required_parameter_is_named() {
    let problem = PlanSearchQuery::parse(pairs("vehicle_class=sedan")).unwrap_err();
    assert_eq!(problem.status, 400);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "driver_age",
            "vehicle_year",
            "annual_mileage",
            "postal_code"
        ]
    );
    assert!(
        problem
            .detail
            .contains("driver_age: Driver age is required")
    );
    assert_eq!(problem.errors[0].message, "Driver age is required");
}

/// The messages of `problem`'s errors by field.
fn messages(problem: &crate::problem::Problem) -> Vec<(&str, &str)> {
    problem
        .errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect()
}

#[test]
fn every_bad_condition_is_told_at_once_in_plain_words() {
    let problem = PlanSearchQuery::parse(pairs(
        "driver_age=12&vehicle_class=boat&vehicle_year=1900&annual_mileage=lots\
         &postal_code=9410&devices_per_plan=50",
    ))
    .unwrap_err();
    let next_year = checks::current_year() + 1;
    assert_eq!(
        messages(&problem),
        [
            ("driver_age", "Driver age must be between 16 and 99"),
            (
                "vehicle_class",
                "Vehicle class must be one of: compact, sedan, suv, pickup, sports, van"
            ),
            (
                "vehicle_year",
                format!("Vehicle year must be between 1950 and {next_year}").as_str()
            ),
            (
                "annual_mileage",
                "Annual mileage must be a whole number of miles from 0 to 100,000"
            ),
            ("postal_code", "ZIP code must be 5 digits"),
            (
                "devices_per_plan",
                "Devices per plan must be a whole number, at most 20"
            ),
        ]
    );
    assert!(
        problem
            .detail
            .starts_with("driver_age: Driver age must be between 16 and 99; ")
    );

    // Age at the edges, and words for a number that is not one.
    for (age, ok) in [
        ("15", false),
        ("16", true),
        ("99", true),
        ("100", false),
        ("old", false),
    ] {
        let query = FULL.replace("driver_age=35", &format!("driver_age={age}"));
        assert_eq!(PlanSearchQuery::parse(pairs(&query)).is_ok(), ok, "{age}");
    }
}

#[test]
fn new_car_replacement_needs_a_new_car_and_is_told_with_the_other_errors() {
    let year = checks::current_year();
    let query = |vehicle_year: u32, zip: &str| {
        format!(
            "driver_age=35&vehicle_class=sedan&vehicle_year={vehicle_year}&annual_mileage=0\
             &postal_code={zip}&options=new_car_replacement"
        )
    };
    assert!(PlanSearchQuery::parse(pairs(&query(year - 2, "94103"))).is_ok());
    let problem = PlanSearchQuery::parse(pairs(&query(year - 3, "941"))).unwrap_err();
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["postal_code", "options"]);
    assert!(
        problem.errors[1]
            .message
            .starts_with("New car replacement is only for a car at most 2 years old"),
        "{problem:?}"
    );
}

#[test]
fn unknown_enum_names_are_rejected_naming_the_parameter() {
    let query = FULL.replace("vehicle_class=sedan", "vehicle_class=boat");
    let problem = PlanSearchQuery::parse(pairs(&query)).unwrap_err();
    assert_eq!(problem.errors.len(), 1);
    assert_eq!(problem.errors[0].field, "vehicle_class");
    assert!(
        problem
            .detail
            .starts_with("vehicle_class: Vehicle class must be one of: compact, sedan"),
        "{}",
        problem.detail
    );

    let query = FULL.replace("glass", "jetpack");
    let problem = PlanSearchQuery::parse(pairs(&query)).unwrap_err();
    assert_eq!(problem.errors[0].field, "options");
}

#[test]
fn get_plan_rates_only_when_conditions_are_given() {
    let request = get_plan_request("PLN-A".into(), pairs("")).unwrap();
    assert_eq!(request.plan_id, "PLN-A");
    assert!(request.conditions.is_none());

    // devices_per_plan alone is not a rating condition.
    let request = get_plan_request("PLN-A".into(), pairs("devices_per_plan=2")).unwrap();
    assert!(request.conditions.is_none());

    let request = get_plan_request("PLN-A".into(), pairs(FULL)).unwrap();
    assert_eq!(request.conditions.unwrap().driver_age, 35);

    let problem = get_plan_request("PLN-A".into(), pairs("driver_age=35")).unwrap_err();
    assert_eq!(problem.errors[0].field, "vehicle_class");
}

fn pair_list(list: &[(&str, &str)]) -> QueryPairs {
    QueryPairs(
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

#[test]
fn no_filters_means_an_unfiltered_first_page() {
    let request = DeviceSearchQuery::parse(QueryPairs::default())
        .unwrap()
        .to_request();
    assert_eq!(
        request,
        accessory::SearchProductsRequest {
            page: Some(common::PageRequest::default()),
            ..Default::default()
        }
    );
}

#[test]
fn every_filter_maps_onto_search_products() {
    let request = DeviceSearchQuery::parse(pair_list(&[
        ("category", "tire_pressure_monitor"),
        ("maker", "Garmin"),
        ("vehicle_class", "van"),
        ("q", "cam"),
        ("max_price_minor", "20000"),
        ("in_stock", "true"),
        ("page_size", "10"),
        ("page_token", "t1"),
    ]))
    .unwrap()
    .to_request();
    assert_eq!(
        request,
        accessory::SearchProductsRequest {
            category: accessory::DeviceCategory::TirePressureMonitor as i32,
            maker: "Garmin".into(),
            vehicle_class: common::VehicleClass::Van as i32,
            text: "cam".into(),
            max_price_minor: 20000,
            in_stock_only: true,
            page: Some(common::PageRequest {
                page_size: 10,
                page_token: "t1".into(),
            }),
        }
    );
}

#[test]
fn empty_form_fields_do_not_filter() {
    let query = DeviceSearchQuery::parse(pair_list(&[
        ("category", ""),
        ("maker", " "),
        ("in_stock", ""),
    ]))
    .unwrap();
    assert_eq!(query, DeviceSearchQuery::default());
}

#[test]
fn malformed_filters_are_named() {
    let problem = DeviceSearchQuery::parse(pair_list(&[
        ("category", "toaster"),
        ("max_price_minor", "-5"),
        ("in_stock", "maybe"),
        ("page_size", "many"),
    ]))
    .unwrap_err();
    assert_eq!(
        messages(&problem),
        [
            (
                "category",
                "Category must be one of: car_navigation, dashcam, collision_warning, \
                 blind_spot_monitor, telematics_unit, theft_tracker, tire_pressure_monitor"
            ),
            (
                "max_price_minor",
                "Highest price must be a whole number of cents, 0 or more"
            ),
            ("in_stock", "In-stock filter must be true or false"),
            ("page_size", "Page size must be a whole number, at most 100"),
        ]
    );
}
