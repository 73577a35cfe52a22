//! The accessory catalogue over real gRPC, on SQLite and (when configured) PostgreSQL.

use tandem_mesh::Service;
use tandem_mesh::testing::{Running, TestDb, connect};
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::accessory_catalog_client::AccessoryCatalogClient;
use tandem_proto::accessory::v1::{
    DeviceCategory, FindAssociatedRequest, GetProductRequest, PlanRef, SearchProductsRequest,
};
use tandem_proto::common::v1::{PageRequest, VehicleClass};
use tonic::Code;
use tonic::transport::Channel;

async fn start(db: &TestDb) -> (Running, AccessoryCatalogClient<Channel>) {
    let server = svc_accessory::testing::start(db).await;
    let client = AccessoryCatalogClient::new(connect(&server.url).await);
    (server, client)
}

#[tokio::test]
async fn finds_devices_associated_with_each_plan() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let reply = client
            .find_associated(FindAssociatedRequest {
                plans: vec![
                    PlanRef {
                        plan_id: "P-SAFE".into(),
                        features: vec!["safe_driver".into()],
                    },
                    PlanRef {
                        plan_id: "P-THEFT".into(),
                        features: vec!["theft_cover".into()],
                    },
                    PlanRef {
                        plan_id: "P-BASIC".into(),
                        features: vec![],
                    },
                ],
                vehicle_class: VehicleClass::Suv as i32,
                limit_per_plan: 3,
            })
            .await
            .expect("find associated")
            .into_inner();
        let ids: Vec<_> = reply.plans.iter().map(|p| p.plan_id.as_str()).collect();
        assert_eq!(ids, ["P-SAFE", "P-THEFT", "P-BASIC"], "{}", db.kind);

        let safe = &reply.plans[0].devices;
        assert_eq!(safe.len(), 3);
        let categories: Vec<_> = safe.iter().map(|d| d.category).collect();
        assert_eq!(categories[0], DeviceCategory::Dashcam as i32);
        assert_eq!(categories[1], DeviceCategory::CollisionWarning as i32);
        for device in safe {
            assert!(
                device
                    .compatible_classes
                    .contains(&(VehicleClass::Suv as i32))
            );
            assert_eq!(
                device.purchase_path,
                format!("/devices/{}", device.product_id)
            );
            assert!(device.price.as_ref().unwrap().minor_units > 0);
        }
        assert_eq!(
            reply.plans[1].devices[0].category,
            DeviceCategory::TheftTracker as i32
        );
        assert!(reply.plans[2].devices.is_empty());
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn searches_and_pages_through_the_catalogue() {
    for db in TestDb::all().await {
        let (server, mut client) = start(&db).await;
        let all = client
            .search_products(SearchProductsRequest {
                page: Some(PageRequest {
                    page_size: 100,
                    page_token: String::new(),
                }),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(all.products.len() >= 20, "at least 20 demo devices");
        let total = all.page.as_ref().unwrap().total_size;
        assert_eq!(total as usize, all.products.len());

        // Paging visits every device once, in order.
        let mut seen = Vec::new();
        let mut token = String::new();
        loop {
            let page = client
                .search_products(SearchProductsRequest {
                    page: Some(PageRequest {
                        page_size: 7,
                        page_token: token.clone(),
                    }),
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_inner();
            assert!(page.products.len() <= 7);
            seen.extend(page.products.into_iter().map(|p| p.product_id));
            token = page.page.unwrap().next_page_token;
            if token.is_empty() {
                break;
            }
        }
        let expected: Vec<_> = all.products.iter().map(|p| p.product_id.clone()).collect();
        assert_eq!(seen, expected, "{}", db.kind);

        // Filters combine; text is case-insensitive on name, maker and model.
        let dashcams = client
            .search_products(SearchProductsRequest {
                category: DeviceCategory::Dashcam as i32,
                text: "ROADLENS".into(),
                in_stock_only: true,
                max_price_minor: 20_000,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!dashcams.products.is_empty());
        for p in &dashcams.products {
            assert_eq!(p.category, DeviceCategory::Dashcam as i32);
            assert_eq!(p.maker, "Roadlens");
            assert!(p.stock > 0 && p.price.as_ref().unwrap().minor_units <= 20_000);
        }

        let sports = client
            .search_products(SearchProductsRequest {
                vehicle_class: VehicleClass::Sports as i32,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(sports.products.iter().all(|p| {
            p.compatible_classes
                .contains(&(VehicleClass::Sports as i32))
        }));
        assert!(
            sports
                .products
                .iter()
                .any(|p| p.product_id == "DEV-NAV-1005")
        );

        // LIKE wildcards in the text are literal, not patterns.
        let wildcard = client
            .search_products(SearchProductsRequest {
                text: "%".into(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(wildcard.products.is_empty());
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn get_product_and_bad_input() {
    let db = TestDb::sqlite();
    let (server, mut client) = start(&db).await;
    let product = client
        .get_product(GetProductRequest {
            product_id: "DEV-DC-1001".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .product
        .unwrap();
    assert_eq!(product.maker, "Roadlens");
    assert_eq!(
        DeviceCategory::try_from(product.category).unwrap().slug(),
        "dashcam"
    );

    let missing = client
        .get_product(GetProductRequest {
            product_id: "DEV-NOPE".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert!(missing.message().contains("DEV-NOPE"));

    let empty = client
        .find_associated(FindAssociatedRequest::default())
        .await
        .unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
    assert!(empty.message().starts_with("plans:"), "{}", empty.message());

    let too_many = client
        .find_associated(FindAssociatedRequest {
            plans: vec![PlanRef {
                plan_id: "P".into(),
                features: vec![],
            }],
            limit_per_plan: 21,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(too_many.message().starts_with("limit_per_plan:"));

    let bad_page = client
        .search_products(SearchProductsRequest {
            page: Some(PageRequest {
                page_size: 1000,
                page_token: String::new(),
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(bad_page.code(), Code::InvalidArgument);
    assert_eq!(
        tandem_mesh::status::field_violations(&bad_page)[0].0,
        "page.page_size"
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn demo_data_is_loaded_idempotently() {
    let db = TestDb::sqlite();
    let conn = svc_accessory::Seller::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let first = svc_accessory::store::load_catalog(&conn).await.unwrap();
    svc_accessory::Seller::load_demo_data(&conn).await.unwrap();
    let again = svc_accessory::Seller::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let second = svc_accessory::store::load_catalog(&again).await.unwrap();
    assert_eq!(first.devices.len(), second.devices.len());
    assert_eq!(first.rules.len(), second.rules.len());
    db.cleanup().await;
}
