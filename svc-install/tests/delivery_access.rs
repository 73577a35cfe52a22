//! Who may do what with a delivery (seed 003, claim 12), over real gRPC and mutual TLS
//! with the mesh's policy, on SQLite and (when configured) PostgreSQL: only the sealing
//! customer seals again, confirms or reads it; a seller reads only its own deliveries and
//! never an address; a malformed address is refused naming its field with nothing
//! written; a tampered or moved sealed address does not open.

mod common;

use common::delivery::{
    Mesh, confirm, free_addr, get, open, seal, sealed_and_opened, shows_address,
};
use prost::Message as _;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use svc_install::store::entity::delivery;
use tandem_mesh::assertion::Role;
use tandem_mesh::status::field_violations;
use tandem_mesh::testing::{TestDb, as_user};
use tandem_proto::install::v1::{GetLabelRequest, SealAddressRequest};
use tonic::Code;

#[tokio::test]
async fn only_the_sealing_customer_seals_again_confirms_or_gets_and_only_their_order_opens() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let at = free_addr().await;
        let mesh = Mesh::start(&db, at).await;
        let mut gateway = mesh.client("gateway");
        let mut broker = mesh.client("accessory");

        let err = broker
            .open_delivery(open("ORD-3", "seller-kestrel", "CUS-1"))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::FailedPrecondition,
            "{kind}: nothing sealed"
        );

        gateway
            .seal_address(seal("ORD-3", "CUS-1"))
            .await
            .expect("seal");
        let err = gateway
            .seal_address(seal("ORD-3", "CUS-2"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{kind}");
        gateway
            .seal_address(seal("ORD-3", "CUS-1"))
            .await
            .expect("the sealer changes it before it is opened");
        let err = gateway
            .seal_address(tonic::Request::new(seal("ORD-3", "CUS-1").into_inner()))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated, "{kind}: no assertion");
        let err = gateway
            .seal_address(as_user(
                seal("ORD-3", "CUS-1").into_inner(),
                "seller-kestrel",
                Role::Seller,
            ))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::PermissionDenied,
            "{kind}: a seller seals nothing"
        );

        let err = broker
            .open_delivery(open("ORD-3", "seller-kestrel", "CUS-2"))
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::FailedPrecondition,
            "{kind}: not the purchaser"
        );
        let err = mesh
            .client("gateway")
            .confirm_receipt(confirm("ORD-3", "CUS-1"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: not opened");

        broker
            .open_delivery(open("ORD-3", "seller-kestrel", "CUS-1"))
            .await
            .expect("open");
        let err = broker
            .open_delivery(open("ORD-3", "seller-harbor", "CUS-1"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: other terms");
        let err = gateway
            .seal_address(seal("ORD-3", "CUS-1"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: opened");

        let err = gateway
            .confirm_receipt(confirm("ORD-3", "CUS-2"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{kind}");
        let err = gateway
            .get_delivery(as_user(get("ORD-3"), "CUS-2", Role::Customer))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{kind}");
        gateway
            .get_delivery(as_user(get("ORD-3"), "CUS-1", Role::Customer))
            .await
            .expect("the purchaser");

        mesh.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_seller_sees_only_its_own_deliveries_and_never_an_address() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let at = free_addr().await;
        let mesh = Mesh::start(&db, at).await;
        sealed_and_opened(&mesh, "ORD-K", "CUS-1", "seller-kestrel").await;
        let harbor = sealed_and_opened(&mesh, "ORD-H", "CUS-2", "seller-harbor").await;

        let mut kestrel = mesh.client("seller-kestrel");
        let own = kestrel
            .get_delivery(get("ORD-K"))
            .await
            .expect("own")
            .into_inner();
        assert!(!shows_address(&own.encode_to_vec()), "{kind}");
        let err = kestrel.get_delivery(get("ORD-H")).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{kind}");
        let err = kestrel
            .get_label(GetLabelRequest {
                handle: harbor.handle.clone(),
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Code::PermissionDenied,
            "{kind}: only the carrier"
        );

        // A logged-in seller through the gateway.
        let mut gateway = mesh.client("gateway");
        let seen = gateway
            .get_delivery(as_user(get("ORD-H"), "seller-harbor", Role::Seller))
            .await
            .expect("own, through the gateway")
            .into_inner();
        assert_eq!(seen.delivery.unwrap().handle, harbor.handle);
        let err = gateway
            .get_delivery(as_user(get("ORD-K"), "seller-harbor", Role::Seller))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{kind}");
        let err = gateway.get_delivery(get("ORD-K")).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{kind}: the gateway for nobody");

        // The broker sees every delivery; the carrier reads none this way.
        let mut broker = mesh.client("accessory");
        for order in ["ORD-K", "ORD-H"] {
            broker.get_delivery(get(order)).await.expect("broker");
        }
        let err = mesh
            .client("carrier")
            .get_delivery(get("ORD-K"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "{kind}");
        mesh.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_malformed_address_is_refused_naming_the_field_and_nothing_is_written() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let at = free_addr().await;
        let mesh = Mesh::start(&db, at).await;
        let mut gateway = mesh.client("gateway");
        let valid = || seal("ORD-4", "CUS-1").into_inner();
        let cases: Vec<(&str, SealAddressRequest)> = vec![
            (
                "order_id",
                SealAddressRequest {
                    order_id: " ".into(),
                    ..valid()
                },
            ),
            (
                "recipient_name",
                SealAddressRequest {
                    recipient_name: String::new(),
                    ..valid()
                },
            ),
            (
                "recipient_name",
                SealAddressRequest {
                    recipient_name: "x".repeat(101),
                    ..valid()
                },
            ),
            (
                "address",
                SealAddressRequest {
                    address: None,
                    ..valid()
                },
            ),
            ("address.line1", {
                let mut r = valid();
                r.address.as_mut().unwrap().line1 = " ".into();
                r
            }),
            ("address.city", {
                let mut r = valid();
                r.address.as_mut().unwrap().city.clear();
                r
            }),
            ("address.postal_code", {
                let mut r = valid();
                r.address.as_mut().unwrap().postal_code = "941".into();
                r
            }),
            ("address.postal_code", {
                let mut r = valid();
                r.address.as_mut().unwrap().postal_code = "00000".into();
                r
            }),
            ("address.country", {
                let mut r = valid();
                r.address.as_mut().unwrap().country = "DE".into();
                r
            }),
        ];
        for (field, request) in cases {
            let err = gateway
                .seal_address(as_user(request, "CUS-1", Role::Customer))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{kind}: {field}");
            let fields: Vec<String> = field_violations(&err).into_iter().map(|(f, _)| f).collect();
            assert_eq!(fields, [field], "{kind}");
        }
        assert_eq!(mesh.rows().await, 0, "{kind}: nothing written");
        mesh.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_tampered_or_moved_sealed_address_does_not_open() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let at = free_addr().await;
        let mesh = Mesh::start(&db, at).await;
        let a = sealed_and_opened(&mesh, "ORD-A", "CUS-1", "seller-kestrel").await;
        let b = sealed_and_opened(&mesh, "ORD-B", "CUS-1", "seller-kestrel").await;
        let mut carrier = mesh.client("carrier");
        let label = |handle: &str| GetLabelRequest {
            handle: handle.into(),
        };
        carrier.get_label(label(&a.handle)).await.expect("intact");

        let blob_a = mesh.sealed_column("ORD-A").await;
        let set = |order: &str, blob: Vec<u8>| delivery::ActiveModel {
            order_id: Set(order.into()),
            sealed_address: Set(blob),
            ..Default::default()
        };
        // Moved: A's sealed address in B's row.
        set("ORD-B", blob_a.clone())
            .update(&mesh.db)
            .await
            .expect("move");
        let err = carrier.get_label(label(&b.handle)).await.unwrap_err();
        assert_eq!(err.code(), Code::Internal, "{kind}: moved");
        assert!(!err.message().contains("Harrison"));
        // Tampered: one bit of the ciphertext.
        let mut tampered = blob_a.clone();
        let last = tampered.len() - 20;
        tampered[last] ^= 0x80;
        set("ORD-A", tampered)
            .update(&mesh.db)
            .await
            .expect("tamper");
        let err = carrier.get_label(label(&a.handle)).await.unwrap_err();
        assert_eq!(err.code(), Code::Internal, "{kind}: tampered");
        // Put back, it opens again.
        set("ORD-A", blob_a)
            .update(&mesh.db)
            .await
            .expect("restore");
        carrier.get_label(label(&a.handle)).await.expect("restored");
        mesh.stop().await;
        db.cleanup().await;
    }
}
