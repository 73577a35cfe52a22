//! RegisterCustomer over real gRPC, on SQLite and (when configured) PostgreSQL: storing
//! and returning a customer, unique e-mails under races, idempotent replays and bad input.

mod common;

use common::{PASSWORD, Server, as_customer, assert_no_secret, registration};
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Address;
use tandem_proto::leads::v1::{GetCustomerRequest, RegisterCustomerRequest};
use tonic::Code;

#[tokio::test]
async fn registers_and_gets_a_customer() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        let mut req = registration(" Jordan@Example.COM ");
        req.name = "  Jordan Lee ".into();
        req.address.as_mut().unwrap().country = String::new();
        req.address.as_mut().unwrap().region = "ny".into();
        let reply = server
            .client
            .register_customer(req)
            .await
            .expect("register")
            .into_inner();
        assert_no_secret(&reply, PASSWORD);
        let customer = reply.customer.expect("customer");
        let id = customer.customer_id.clone();
        assert!(id.starts_with("CUS-") && id.len() == 16, "{id}");
        assert_eq!(customer.name, "Jordan Lee");
        assert_eq!(customer.email, "jordan@example.com");
        assert_eq!(customer.phone, "(212) 555-0188");
        assert_eq!(customer.date_of_birth, "1990-07-04");
        let address = customer.address.clone().expect("address");
        assert_eq!(
            (address.region.as_str(), address.country.as_str()),
            ("NY", "US")
        );
        assert_eq!(address.line2, "Floor 34");
        assert!(customer.created_at.ends_with('Z'));
        assert_eq!(customer.created_at, customer.updated_at);

        let got = server
            .client
            .get_customer(as_customer(
                &id,
                GetCustomerRequest {
                    customer_id: id.to_lowercase(),
                    ..Default::default()
                },
            ))
            .await
            .expect("get")
            .into_inner();
        assert_no_secret(&got, PASSWORD);
        assert_eq!(got.customer.as_ref(), Some(&customer), "{}", db.kind);

        // A second customer gets another ID.
        let other = server
            .client
            .register_customer(registration("sam@example.com"))
            .await
            .expect("register another")
            .into_inner()
            .customer
            .unwrap();
        assert_ne!(other.customer_id, id);
        assert_eq!(server.customers().await, 2);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_email_registers_once_whatever_its_case() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        server
            .client
            .register_customer(registration("casey@example.com"))
            .await
            .expect("first registration");
        for email in ["casey@example.com", "Casey@EXAMPLE.com"] {
            let mut again = registration(email);
            again.name = "Someone Else".into();
            let err = server.client.register_customer(again).await.unwrap_err();
            assert_eq!(err.code(), Code::AlreadyExists, "{}", db.kind);
            assert_eq!(
                err.message(),
                "a customer with this e-mail is already registered"
            );
        }
        assert_eq!(server.customers().await, 1);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn of_concurrent_registrations_of_one_email_exactly_one_succeeds() {
    for db in TestDb::all().await {
        let server = Server::start(&db, false).await;
        let attempts = (0..4).map(|i| {
            let mut client = server.client.clone();
            let mut req = registration(if i % 2 == 0 {
                "race@example.com"
            } else {
                "RACE@example.com"
            });
            req.name = format!("Racer {i}");
            if i == 3 {
                req.idempotency_key = "race-3".into();
            }
            tokio::spawn(async move { client.register_customer(req).await })
        });
        let results = futures::future::join_all(attempts).await;
        let mut ok = 0;
        for result in results {
            match result.expect("task") {
                Ok(_) => ok += 1,
                Err(status) => {
                    assert_eq!(status.code(), Code::AlreadyExists, "{status:?}");
                    assert_eq!(
                        status.message(),
                        "a customer with this e-mail is already registered"
                    );
                }
            }
        }
        assert_eq!(ok, 1, "{}", db.kind);
        assert_eq!(server.customers().await, 1);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_retried_registration_returns_the_first_customer() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        let mut req = registration("retry@example.com");
        req.idempotency_key = "gateway-signup-1".into();
        let first = server
            .client
            .register_customer(req.clone())
            .await
            .expect("first")
            .into_inner()
            .customer
            .unwrap();
        let replay = server
            .client
            .register_customer(req.clone())
            .await
            .expect("replay")
            .into_inner()
            .customer
            .unwrap();
        assert_eq!(replay, first, "{}", db.kind);

        // The same key with another request is refused, whatever changed.
        let mut renamed = req.clone();
        renamed.name = "Other Name".into();
        let mut other_password = req.clone();
        other_password.password = "a-different-password".into();
        let mut other_email = req.clone();
        other_email.email = "someone.else@example.com".into();
        for changed in [renamed, other_password, other_email] {
            let err = server.client.register_customer(changed).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument);
            assert_eq!(field_violations(&err)[0].0, "idempotency_key");
        }
        assert_eq!(server.customers().await, 1);

        // Concurrent retries of one new registration all get the one customer.
        let mut req = registration("burst@example.com");
        req.idempotency_key = "gateway-signup-2".into();
        let retries = (0..2).map(|_| {
            let mut client = server.client.clone();
            let req = req.clone();
            tokio::spawn(async move { client.register_customer(req).await })
        });
        let ids: Vec<String> = futures::future::join_all(retries)
            .await
            .into_iter()
            .map(|r| {
                r.expect("task")
                    .expect("retry")
                    .into_inner()
                    .customer
                    .unwrap()
                    .customer_id
            })
            .collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(server.customers().await, 2);

        // Without a key a repeat is caught by the e-mail.
        let mut no_key = registration("retry@example.com");
        no_key.idempotency_key = String::new();
        let err = server.client.register_customer(no_key).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_stores_nothing() {
    let address =
        |f: fn(&mut Address)| move |r: &mut RegisterCustomerRequest| f(r.address.as_mut().unwrap());
    type Edit = Box<dyn Fn(&mut RegisterCustomerRequest)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("name", Box::new(|r| r.name = " ".into())),
        (
            "name",
            Box::new(|r| r.name = "Jo\r\nBcc: all@example.com".into()),
        ),
        ("name", Box::new(|r| r.name = "x".repeat(101))),
        ("email", Box::new(|r| r.email = "jordan.example.com".into())),
        ("email", Box::new(|r| r.email = "jordan@example".into())),
        ("phone", Box::new(|r| r.phone = "555-01".into())),
        ("address", Box::new(|r| r.address = None)),
        ("address.line1", Box::new(address(|a| a.line1.clear()))),
        ("address.city", Box::new(address(|a| a.city.clear()))),
        (
            "address.region",
            Box::new(address(|a| a.region = "ZZ".into())),
        ),
        (
            "address.postal_code",
            Box::new(address(|a| a.postal_code = "1011".into())),
        ),
        (
            "address.country",
            Box::new(address(|a| a.country = "CA".into())),
        ),
        (
            "date_of_birth",
            Box::new(|r| r.date_of_birth = "1990-13-01".into()),
        ),
        (
            "date_of_birth",
            Box::new(|r| r.date_of_birth = "2020-01-01".into()),
        ),
        ("password", Box::new(|r| r.password = "short".into())),
        ("password", Box::new(|r| r.password = "zzzzzzzzzzzz".into())),
        (
            "password",
            Box::new(|r| r.password = "bad@example.com".into()),
        ),
        (
            "idempotency_key",
            Box::new(|r| r.idempotency_key = "has space".into()),
        ),
    ];
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        for (field, edit) in &cases {
            let mut req = registration("bad@example.com");
            edit(&mut req);
            let err = server.client.register_customer(req).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{field}: {err:?}");
            assert_eq!(field_violations(&err)[0].0, *field, "{err:?}");
            assert!(err.message().starts_with(&format!("{field}:")));
            assert!(!err.message().contains("bad@example.com") || *field == "email");
        }
        assert_eq!(server.customers().await, 0, "{}", db.kind);

        let malformed = server
            .client
            .get_customer(as_customer(
                "CUS-AAAAAAAAAAAA",
                GetCustomerRequest {
                    customer_id: "42".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(field_violations(&malformed)[0].0, "customer_id");
        let missing = server
            .client
            .get_customer(as_customer(
                "CUS-AAAAAAAAAAAA",
                GetCustomerRequest {
                    customer_id: "CUS-AAAAAAAAAAAA".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(missing.code(), Code::NotFound);
        server.stop().await;
        db.cleanup().await;
    }
}
