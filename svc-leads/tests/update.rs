//! UpdateCustomer over real gRPC, on SQLite and (when configured) PostgreSQL: changed
//! contact data, unchanged fields, e-mail clashes, unknown customers and bad input.

mod common;

use common::{PASSWORD, Server, as_customer, assert_no_secret};
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::TestDb;
use tandem_proto::common::v1::Address;
use tandem_proto::leads::v1::{AuthenticateRequest, UpdateCustomerRequest};
use tonic::Code;

#[tokio::test]
async fn updates_contact_data_and_keeps_the_rest() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        let before = server.register("kim@example.com").await;
        let id = before.customer_id.clone();
        let new_address = Address {
            line1: "1 Infinite Loop".into(),
            line2: String::new(),
            city: "Cupertino".into(),
            region: "ca".into(),
            postal_code: "95014".into(),
            country: String::new(),
        };
        let reply = server
            .client
            .update_customer(as_customer(
                &id,
                UpdateCustomerRequest {
                    customer_id: id.clone(),
                    name: "Kim Park".into(),
                    email: String::new(),
                    phone: "+1 408 555 0199".into(),
                    address: Some(new_address),
                    ..Default::default()
                },
            ))
            .await
            .expect("update")
            .into_inner();
        assert_no_secret(&reply, PASSWORD);
        let after = reply.customer.unwrap();
        assert_eq!(after.name, "Kim Park");
        assert_eq!(after.phone, "+1 408 555 0199");
        let address = after.address.clone().unwrap();
        assert_eq!(address.city, "Cupertino");
        assert_eq!(
            (address.region.as_str(), address.country.as_str()),
            ("CA", "US")
        );
        assert!(address.line2.is_empty(), "the whole address is replaced");
        assert_eq!(
            after.email, before.email,
            "empty e-mail leaves it unchanged"
        );
        assert_eq!(after.date_of_birth, before.date_of_birth);
        assert_eq!(after.created_at, before.created_at);
        assert!(after.updated_at > before.updated_at, "{}", db.kind);
        assert_eq!(server.customer(&id).await, after);

        // An update with nothing in it changes nothing.
        let same = server
            .client
            .update_customer(as_customer(
                &id,
                UpdateCustomerRequest {
                    customer_id: id.clone(),
                    ..Default::default()
                },
            ))
            .await
            .expect("empty update")
            .into_inner()
            .customer
            .unwrap();
        assert_eq!(same, after);

        // A new e-mail is a new login; the old one no longer works.
        let moved = server
            .client
            .update_customer(as_customer(
                &id,
                UpdateCustomerRequest {
                    customer_id: id.clone(),
                    email: "Kim.Park@Example.org".into(),
                    ..Default::default()
                },
            ))
            .await
            .expect("change e-mail")
            .into_inner()
            .customer
            .unwrap();
        assert_eq!(moved.email, "kim.park@example.org");
        let by_new = server
            .client
            .authenticate(AuthenticateRequest {
                login: "kim.park@example.org".into(),
                password: PASSWORD.into(),
            })
            .await
            .expect("login with the new e-mail");
        assert_eq!(by_new.into_inner().customer.unwrap().customer_id, id);
        let by_old = server
            .client
            .authenticate(AuthenticateRequest {
                login: "kim@example.com".into(),
                password: PASSWORD.into(),
            })
            .await
            .unwrap_err();
        assert_eq!(by_old.code(), Code::Unauthenticated);
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn refuses_a_taken_email_unknown_customers_and_bad_fields() {
    for db in TestDb::all().await {
        let mut server = Server::start(&db, false).await;
        let mut ids = Vec::new();
        for email in ["first@example.com", "second@example.com"] {
            let customer = server.register(email).await;
            ids.push(customer.customer_id);
        }
        let before = server.customer(&ids[1]).await;

        let clash = server
            .client
            .update_customer(as_customer(
                &ids[1],
                UpdateCustomerRequest {
                    customer_id: ids[1].clone(),
                    name: "Renamed Too".into(),
                    email: "FIRST@example.com".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(clash.code(), Code::AlreadyExists, "{}", db.kind);
        assert_eq!(
            clash.message(),
            "a customer with this e-mail is already registered"
        );

        // Keeping one's own e-mail (in another case) is not a clash.
        let own = server
            .client
            .update_customer(as_customer(
                &ids[0],
                UpdateCustomerRequest {
                    customer_id: ids[0].clone(),
                    email: "First@Example.com".into(),
                    ..Default::default()
                },
            ))
            .await
            .expect("own e-mail");
        assert_eq!(
            own.into_inner().customer.unwrap().email,
            "first@example.com"
        );

        let unknown = server
            .client
            .update_customer(as_customer(
                "CUS-AAAAAAAAAAAA",
                UpdateCustomerRequest {
                    customer_id: "CUS-AAAAAAAAAAAA".into(),
                    name: "Ghost".into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(unknown.code(), Code::NotFound);

        let bad = |f: fn(&mut UpdateCustomerRequest)| {
            let mut req = UpdateCustomerRequest {
                customer_id: ids[1].clone(),
                name: "Valid Name".into(),
                ..Default::default()
            };
            f(&mut req);
            req
        };
        let cases: [(&str, UpdateCustomerRequest); 6] = [
            ("customer_id", bad(|r| r.customer_id = "42".into())),
            ("name", bad(|r| r.name = "Evil\r\nName".into())),
            ("email", bad(|r| r.email = "a b@example.com".into())),
            ("phone", bad(|r| r.phone = "call me".into())),
            (
                "address.line1",
                bad(|r| {
                    r.address = Some(Address {
                        city: "Boston".into(),
                        region: "MA".into(),
                        postal_code: "02108".into(),
                        ..Default::default()
                    })
                }),
            ),
            (
                "address.postal_code",
                bad(|r| {
                    r.address = Some(Address {
                        line1: "1 Main St".into(),
                        city: "Boston".into(),
                        region: "MA".into(),
                        postal_code: "2108".into(),
                        ..Default::default()
                    })
                }),
            ),
        ];
        for (field, req) in cases {
            let err = server
                .client
                .update_customer(as_customer(&ids[1], req))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{field}");
            assert_eq!(field_violations(&err)[0].0, field);
        }
        assert_eq!(server.customer(&ids[1]).await, before, "nothing changed");
        server.stop().await;
        db.cleanup().await;
    }
}
