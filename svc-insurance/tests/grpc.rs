//! The insurance server over real gRPC, with a real accessory server beside it, on SQLite
//! and (when configured) PostgreSQL.

use std::time::Duration;
use tandem_mesh::Service;

use tandem_mesh::testing::{Running, TestDb};
use tandem_mesh::{ClientConfig, ServerConfig};
use tandem_proto::common::v1::VehicleClass;
use tandem_proto::insurance::v1::insurance_plans_client::InsurancePlansClient;
use tandem_proto::insurance::v1::{
    CoverageOption, GetPlanRequest, RatingConditions, SearchPlansRequest, SearchPlansResponse,
};
use tonic::Code;
use tonic::transport::Channel;

fn conditions() -> RatingConditions {
    RatingConditions {
        driver_age: 35,
        vehicle_class: VehicleClass::Sedan as i32,
        // Five years old whatever today's date: rating factor ×1.
        vehicle_year: current_year() - 5,
        annual_mileage: 12_000,
        postal_code: "94103".into(),
        options: vec![CoverageOption::RoadsideAssistance as i32],
    }
}

fn current_year() -> u32 {
    use chrono::Datelike;
    u32::try_from(chrono::Utc::now().year()).unwrap()
}

fn peers(accessory_url: &str, call_timeout: Duration) -> svc_insurance::Peers {
    svc_insurance::Peers {
        accessory_url: accessory_url.to_owned(),
        // These tests contract no policy: no account server.
        settlement_url: "http://127.0.0.1:1".into(),
        client: ClientConfig {
            connect_timeout: Duration::from_millis(300),
            call_timeout,
            ..ClientConfig::default()
        },
    }
}

async fn start_insurance(
    db: &TestDb,
    peers: svc_insurance::Peers,
) -> (Running, InsurancePlansClient<Channel>) {
    let conn = svc_insurance::Insurer::open_demo(&db.url)
        .await
        .expect("open the database with the demo data");
    let server = Running::start(|l, s| {
        svc_insurance::Insurer::serve(l, conn, peers, ServerConfig::default(), s)
    })
    .await;
    let client = InsurancePlansClient::connect(server.url.clone())
        .await
        .expect("connect");
    (server, client)
}

#[tokio::test]
async fn search_returns_rated_plans_with_associated_devices() {
    for (ins_db, acc_db) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let accessory = svc_accessory::testing::start(&acc_db).await;
        let (insurance, mut client) =
            start_insurance(&ins_db, peers(&accessory.url, Duration::from_secs(2))).await;

        let reply = client
            .search_plans(SearchPlansRequest {
                conditions: Some(conditions()),
                devices_per_plan: 3,
            })
            .await
            .expect("search")
            .into_inner();
        let ids: Vec<_> = reply
            .offers
            .iter()
            .map(|o| o.plan.as_ref().unwrap().plan_id.as_str())
            .collect();
        // 35-year-old, 5-year-old sedan, 12,000 mi: not the young-driver, low-mileage or classic plans.
        assert_eq!(ids.len(), 4, "{ids:?} on {}", ins_db.kind);
        for excluded in ["PLN-YOUNG-DRIVER", "PLN-LOW-MILEAGE", "PLN-CLASSIC"] {
            assert!(!ids.contains(&excluded));
        }
        let premiums: Vec<i64> = reply
            .offers
            .iter()
            .map(|o| o.premium.as_ref().unwrap().minor_units)
            .collect();
        assert!(
            premiums.windows(2).all(|w| w[0] <= w[1]),
            "cheapest first: {premiums:?}"
        );

        let safe = reply
            .offers
            .iter()
            .find(|o| o.plan.as_ref().unwrap().plan_id == "PLN-SAFE-DRIVER")
            .unwrap();
        assert!(safe.device_info_available);
        assert_eq!(safe.region, "California");
        assert_eq!(safe.devices.len(), 3);
        assert!(
            safe.devices
                .iter()
                .all(|d| d.purchase_path == format!("/devices/{}", d.product_id))
        );
        assert!(
            safe.devices
                .iter()
                .all(|d| d.compatible_classes.contains(&(VehicleClass::Sedan as i32)))
        );
        // base 86000 × age 1 × sedan 1 × 5y 1 × 12k mi 1 × California 1.25 × roadside 1.04
        assert_eq!(safe.premium.as_ref().unwrap().minor_units, 111_800);
        assert_eq!(safe.factors.len(), 6);

        let liability = reply
            .offers
            .iter()
            .find(|o| o.plan.as_ref().unwrap().plan_id == "PLN-LIABILITY")
            .unwrap();
        assert!(liability.device_info_available && liability.devices.is_empty());

        insurance.stop().await;
        accessory.stop().await;
        ins_db.cleanup().await;
        acc_db.cleanup().await;
    }
}

/// What a search must answer when the accessory server cannot help.
type Check = fn(&SearchPlansResponse);

#[tokio::test]
async fn plans_are_still_offered_when_the_accessory_server_is_down_or_hangs() {
    // Accepts TCP connections and never answers.
    let black_hole = tandem_mesh::testing::listener().await;
    let addr = black_hole.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = black_hole.accept().await {
            held.push(socket);
        }
    });
    // Nothing listens on this port: connection refused.
    let free = tandem_mesh::testing::listener().await.local_addr().unwrap();
    let down: Check = |reply| {
        assert_eq!(reply.offers.len(), 4);
        assert!(
            reply
                .offers
                .iter()
                .all(|o| !o.device_info_available && o.devices.is_empty())
        );
    };
    // A hanging accessory server costs at most the deadline.
    let hanging: Check = |reply| {
        assert!(!reply.offers.is_empty());
        assert!(reply.offers.iter().all(|o| !o.device_info_available));
    };
    let cases = [
        (format!("http://{free}"), Duration::from_millis(500), down),
        (
            format!("http://{addr}"),
            Duration::from_millis(200),
            hanging,
        ),
    ];
    for (accessory_url, call_timeout, check) in cases {
        let db = TestDb::sqlite();
        let (insurance, mut client) =
            start_insurance(&db, peers(&accessory_url, call_timeout)).await;
        let reply = tokio::time::timeout(
            Duration::from_secs(10),
            client.search_plans(SearchPlansRequest {
                conditions: Some(conditions()),
                devices_per_plan: 0,
            }),
        )
        .await
        .expect("no hang")
        .expect("search still answers")
        .into_inner();
        check(&reply);
        insurance.stop().await;
        db.cleanup().await;
    }
    hold.abort();
}

#[tokio::test]
async fn invalid_conditions_are_rejected_naming_the_field() {
    let db = TestDb::sqlite();
    let (insurance, mut client) =
        start_insurance(&db, peers("http://127.0.0.1:1", Duration::from_millis(100))).await;
    let cases = [
        (
            RatingConditions {
                driver_age: 12,
                ..conditions()
            },
            "conditions.driver_age",
        ),
        (
            RatingConditions {
                vehicle_year: 3000,
                ..conditions()
            },
            "conditions.vehicle_year",
        ),
        (
            RatingConditions {
                postal_code: "96201".into(),
                ..conditions()
            },
            "conditions.postal_code",
        ),
        (
            RatingConditions {
                vehicle_class: 0,
                ..conditions()
            },
            "conditions.vehicle_class",
        ),
    ];
    for (bad, field) in cases {
        let status = client
            .search_plans(SearchPlansRequest {
                conditions: Some(bad),
                devices_per_plan: 0,
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument);
        assert!(status.message().starts_with(field), "{}", status.message());
        assert_eq!(tandem_mesh::status::field_violations(&status)[0].0, field);
    }
    let missing = client
        .search_plans(SearchPlansRequest::default())
        .await
        .unwrap_err();
    assert_eq!(missing.message(), "conditions: required");
    let too_many = client
        .search_plans(SearchPlansRequest {
            conditions: Some(conditions()),
            devices_per_plan: 21,
        })
        .await
        .unwrap_err();
    assert!(too_many.message().starts_with("devices_per_plan"));
    insurance.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn get_plan_with_and_without_conditions() {
    let (ins_db, acc_db) = (TestDb::sqlite(), TestDb::sqlite());
    let accessory = svc_accessory::testing::start(&acc_db).await;
    let (insurance, mut client) =
        start_insurance(&ins_db, peers(&accessory.url, Duration::from_secs(2))).await;

    let bare = client
        .get_plan(GetPlanRequest {
            plan_id: "PLN-PREMIUM-PLUS".into(),
            conditions: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bare.plan.unwrap().name, "Premium Plus");
    assert!(bare.offer.is_none());

    let rated = client
        .get_plan(GetPlanRequest {
            plan_id: "PLN-PREMIUM-PLUS".into(),
            conditions: Some(conditions()),
        })
        .await
        .unwrap()
        .into_inner();
    let offer = rated.offer.unwrap();
    assert!(offer.device_info_available && !offer.devices.is_empty());

    let missing = client
        .get_plan(GetPlanRequest {
            plan_id: "PLN-NOPE".into(),
            conditions: None,
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    let too_old = client
        .get_plan(GetPlanRequest {
            plan_id: "PLN-SAFE-DRIVER".into(),
            conditions: Some(RatingConditions {
                driver_age: 19,
                ..conditions()
            }),
        })
        .await
        .unwrap_err();
    assert_eq!(too_old.code(), Code::FailedPrecondition);
    assert!(
        too_old.message().contains("aged 25"),
        "{}",
        too_old.message()
    );

    insurance.stop().await;
    accessory.stop().await;
    ins_db.cleanup().await;
    acc_db.cleanup().await;
}
