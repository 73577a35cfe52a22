//! Authenticate over real gRPC, on SQLite and (when configured) PostgreSQL: by customer
//! ID or e-mail in any case, one indistinguishable answer for every failure, and the
//! demo customer.

mod common;

use std::time::{Duration, Instant};
use tandem_mesh::Service;

use common::{PASSWORD, Server, assert_no_secret, registration};
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::TestDb;
use tandem_proto::leads::v1::AuthenticateRequest;
use tonic::{Code, Status};

fn login(login: &str, password: &str) -> AuthenticateRequest {
    AuthenticateRequest {
        login: login.into(),
        password: password.into(),
    }
}

/// The status of a failed login and how long it took.
async fn failed(server: &mut Server, req: AuthenticateRequest) -> (Status, Duration) {
    let started = Instant::now();
    let err = server.client.authenticate(req).await.unwrap_err();
    (err, started.elapsed())
}

#[tokio::test]
async fn authenticates_by_id_or_email_and_fails_alike() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        let customer = server.register("robin@example.com").await;
        let id = customer.customer_id.clone();

        for by in [id.clone(), id.to_lowercase(), "Robin@Example.com".into()] {
            let reply = server
                .client
                .authenticate(login(&by, PASSWORD))
                .await
                .unwrap_or_else(|e| panic!("login {by}: {e:?} on {}", db.kind))
                .into_inner();
            assert_no_secret(&reply, PASSWORD);
            assert_eq!(reply.customer.as_ref(), Some(&customer));
        }

        let (wrong, wrong_took) = failed(&mut server, login(&id, "not-the-password")).await;
        let (wrong_case, _) = failed(&mut server, login(&id, &PASSWORD.to_uppercase())).await;
        let (unknown_email, unknown_took) =
            failed(&mut server, login("nobody@example.com", PASSWORD)).await;
        let (unknown_id, unknown_id_took) =
            failed(&mut server, login("CUS-ZZZZZZZZZZZZ", PASSWORD)).await;
        let (garbage, _) = failed(&mut server, login("robin", PASSWORD)).await;
        for err in [&wrong, &wrong_case, &unknown_email, &unknown_id, &garbage] {
            assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");
            assert_eq!(err.message(), "wrong login or password");
            assert_eq!(err.details(), wrong.details());
        }
        // An unknown login is checked against a dummy hash, so it costs about as much as a
        // wrong password (without it, it would be a thousand times faster).
        let unknown_took = unknown_took.max(unknown_id_took);
        assert!(
            unknown_took * 4 >= wrong_took,
            "unknown login {unknown_took:?} vs wrong password {wrong_took:?}"
        );

        let no_login = server
            .client
            .authenticate(login(" ", PASSWORD))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&no_login)[0].0, "login");
        let no_password = server
            .client
            .authenticate(login(&id, ""))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&no_password)[0].0, "password");
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_demo_customer_can_log_in_and_is_seeded_once() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, true).await;
        svc_leads::SalesDesk::load_demo_data(&server.db)
            .await
            .expect("seed again");
        // And by a second process (its own pool).
        svc_leads::SalesDesk::open_demo(&db.url)
            .await
            .expect("open the database with the demo data");
        assert_eq!(server.customers().await, 1, "{}", db.kind);

        let by_id = server
            .client
            .authenticate(login("CUS-DEMO00000001", "tandem-demo-2026"))
            .await
            .expect("demo login by ID")
            .into_inner()
            .customer
            .unwrap();
        assert_eq!(by_id.name, "Alex Morgan");
        assert_eq!(by_id.phone, "+1 415 555 0134");
        assert_eq!(by_id.date_of_birth, "1988-04-12");
        let address = by_id.address.clone().unwrap();
        assert_eq!(
            (
                address.line1.as_str(),
                address.city.as_str(),
                address.region.as_str(),
                address.postal_code.as_str(),
                address.country.as_str()
            ),
            ("500 Market St", "San Francisco", "CA", "94103", "US")
        );
        let by_email = server
            .client
            .authenticate(login("alex@example.com", "tandem-demo-2026"))
            .await
            .expect("demo login by e-mail")
            .into_inner()
            .customer
            .unwrap();
        assert_eq!(by_email, by_id);
        let got = server.customer("CUS-DEMO00000001").await;
        assert_eq!(got, by_id);
        let taken = server
            .client
            .register_customer(registration("ALEX@example.com"))
            .await
            .unwrap_err();
        assert_eq!(taken.code(), Code::AlreadyExists);
        server.stop().await;
        db.cleanup().await;
    }
}
