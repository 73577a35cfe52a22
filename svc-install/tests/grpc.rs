//! Gazetteer, nearest-installer search and demo data over real gRPC, on SQLite and (when
//! configured) PostgreSQL.

mod common;

use common::{book, dashcam_slots, nearest, start};
use sea_orm::{EntityTrait, PaginatorTrait};
use svc_install::domain::{FITTED, LatLon, haversine_m};
use svc_install::store::entity::slot;
use svc_install::store::seed::METROS;
use tandem_mesh::Service;
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::TestDb;
use tandem_proto::accessory::v1::DeviceCategory;
use tandem_proto::install::v1::LookupPostalCodeRequest;
use tonic::Code;

#[tokio::test]
async fn looks_up_zip_codes_and_names_bad_ones() {
    let db = TestDb::sqlite();
    let (server, mut client, _) = start(&db).await;
    let place = client
        .lookup_postal_code(LookupPostalCodeRequest {
            postal_code: "94103".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .place
        .unwrap();
    assert_eq!(
        (place.city.as_str(), place.state.as_str()),
        ("San Francisco", "CA")
    );
    assert_eq!((place.latitude, place.longitude), (37.7725, -122.4147));
    for (code, message) in [
        ("9410", "postal_code: must be a 5-digit US ZIP code"),
        ("ABCDE", "postal_code: must be a 5-digit US ZIP code"),
        ("00000", "postal_code: unknown ZIP code 00000"),
    ] {
        let err = client
            .lookup_postal_code(LookupPostalCodeRequest {
                postal_code: code.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), err.message()),
            (Code::InvalidArgument, message)
        );
        let err = client
            .find_nearest_installers(nearest(code, DeviceCategory::Dashcam, 5))
            .await
            .unwrap_err();
        assert_eq!(
            (err.code(), err.message()),
            (Code::InvalidArgument, message)
        );
    }
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn finds_the_nearest_installers_with_the_skill() {
    for db in TestDb::all().await {
        let (server, mut client, conn) = start(&db).await;
        let reply = client
            .find_nearest_installers(nearest("94103", DeviceCategory::Dashcam, 8))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(reply.origin.as_ref().unwrap().city, "San Francisco");
        assert_eq!(reply.matches.len(), 8, "{}", db.kind);
        let sf = LatLon::new(37.7725, -122.4147);
        for pair in reply.matches.windows(2) {
            assert!(pair[0].distance_m <= pair[1].distance_m, "nearest first");
        }
        for m in &reply.matches {
            let i = m.installer.as_ref().unwrap();
            assert!(
                i.skills.contains(&(DeviceCategory::Dashcam as i32)),
                "{i:?}"
            );
            assert!(m.distance_m < 30_000, "SF-area installers first: {i:?}");
            assert_eq!(i.address.as_ref().unwrap().region, "CA");
            let d = haversine_m(sf, LatLon::new(i.latitude, i.longitude));
            assert!((d - f64::from(m.distance_m)).abs() <= 1.0);
            assert!(m.next_slots.len() == 3 && m.next_slots.iter().all(|s| s.available));
            assert!(
                m.next_slots
                    .windows(2)
                    .all(|w| w[0].starts_at < w[1].starts_at)
            );
        }

        // The same answer as scanning every installer of the table.
        let all = svc_install::store::load_installers(&conn).await.unwrap();
        let mut scan: Vec<(u32, String)> = all
            .iter()
            .filter(|i| i.skills.contains(DeviceCategory::Dashcam))
            .map(|i| {
                (
                    haversine_m(sf, i.location).round() as u32,
                    i.installer_id.clone(),
                )
            })
            .collect();
        scan.sort();
        let got: Vec<_> = reply
            .matches
            .iter()
            .map(|m| {
                (
                    m.distance_m,
                    m.installer.as_ref().unwrap().installer_id.clone(),
                )
            })
            .collect();
        assert_eq!(got, scan[..8]);

        let err = client
            .find_nearest_installers(nearest("94103", DeviceCategory::Dashcam, 21))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&err)[0].0, "limit");
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn every_metro_has_every_fitted_category_nearby() {
    let db = TestDb::sqlite();
    let (server, mut client, _) = start(&db).await;
    for (zip, _) in METROS {
        for category in FITTED {
            let reply = client
                .find_nearest_installers(nearest(zip, category, 1))
                .await
                .unwrap()
                .into_inner();
            let m = &reply.matches[0];
            assert!(m.distance_m < 30_000, "{zip} {category:?}: {m:?}");
            assert!(!m.next_slots.is_empty());
        }
    }
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn demo_data_is_idempotent_and_keeps_bookings() {
    for db in TestDb::all().await {
        let (server, mut client, conn) = start(&db).await;
        let installers = svc_install::store::load_installers(&conn).await.unwrap();
        let slots = slot::Entity::find().count(&conn).await.unwrap();
        assert!(installers.len() >= 300, "a few hundred installers");
        let slot_id = dashcam_slots(&mut client).await[0].slot_id.clone();
        client
            .book_installation(book("keep-me", &slot_id))
            .await
            .unwrap();
        svc_install::Installers::load_demo_data(&conn)
            .await
            .unwrap();
        // Loaded again by a second process (its own pool) as well.
        svc_install::Installers::open_demo(&db.url)
            .await
            .expect("open the database with the demo data");
        assert_eq!(
            svc_install::store::load_installers(&conn).await.unwrap(),
            installers
        );
        assert_eq!(slot::Entity::find().count(&conn).await.unwrap(), slots);
        let kept = slot::Entity::find_by_id(slot_id)
            .one(&conn)
            .await
            .unwrap()
            .unwrap();
        assert!(!kept.available, "{}: a booked slot stays booked", db.kind);
        server.stop().await;
        db.cleanup().await;
    }
}
