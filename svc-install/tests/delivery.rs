//! The anonymous delivery system (seed 003, claim 12) over real gRPC and mutual TLS with
//! the mesh's policy, on SQLite and (when configured) PostgreSQL: a purchaser seals an
//! address, the broker opens the delivery, the carrier reads the label and reports, and
//! the outcome settles the escrow at the account server exactly once — also after the
//! account server was down. Addresses are sealed at rest, never shown but on the label,
//! and only their customer, the order's seller and the broker see a delivery.

mod common;

use std::time::Duration;

use common::delivery::{
    EscrowPeer, Mesh, address, confirm, free_addr, get, open, report, seal, sealed_and_opened,
    shows_address,
};
use prost::Message as _;
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::{TestDb, as_user, eventually};
use tandem_proto::install::v1::{DeliveryState, GetLabelRequest};
use tandem_proto::settlement::v1::DeliveryOutcome;
use tonic::Code;

#[tokio::test]
async fn a_sealed_address_is_delivered_and_the_outcome_settles_the_escrow_once() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let peer = EscrowPeer::default();
        let at = free_addr().await;
        let stop_peer = peer.serve_at(at).await;
        let mesh = Mesh::start(&db, at).await;

        let sealed = mesh
            .client("gateway")
            .seal_address(seal("ORD-1", "CUS-1"))
            .await
            .expect("seal")
            .into_inner();
        assert_eq!(sealed.order_id, "ORD-1");
        assert!(!sealed.sealed_at.is_empty());
        let column = mesh.sealed_column("ORD-1").await;
        assert!(
            !shows_address(&column),
            "{kind}: the address is sealed at rest"
        );

        let opened = mesh
            .client("accessory")
            .open_delivery(open("ORD-1", "seller-kestrel", "CUS-1"))
            .await
            .expect("open")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(opened.state, DeliveryState::Requested as i32);
        let handle = opened.handle.clone();
        assert!(
            handle.len() == 12 && handle.starts_with("DL-") && &handle[7..8] == "-",
            "{handle}"
        );
        // Idempotent by order ID.
        let again = mesh
            .client("accessory")
            .open_delivery(open("ORD-1", "seller-kestrel", "CUS-1"))
            .await
            .expect("open again")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(again, opened, "{kind}");

        let label = mesh
            .client("carrier")
            .get_label(GetLabelRequest {
                handle: handle.to_lowercase(),
            })
            .await
            .expect("label")
            .into_inner();
        assert_eq!(label.recipient_name, "Grace Hopper");
        assert_eq!(label.address, Some(address()));
        assert_eq!(label.delivery.unwrap().handle, handle);

        let mut carrier = mesh.client("carrier");
        let picked = carrier
            .update_delivery(report(&handle, DeliveryState::PickedUp, "on the van"))
            .await
            .expect("picked up")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(picked.state, DeliveryState::PickedUp as i32);
        assert_eq!(picked.note, "on the van");
        assert!(peer.calls().is_empty(), "{kind}: no outcome yet");

        let delivered = carrier
            .update_delivery(report(
                &handle,
                DeliveryState::Delivered,
                "left at the door",
            ))
            .await
            .expect("delivered")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(delivered.state, DeliveryState::Delivered as i32);
        let one = vec![("ORD-1".to_owned(), DeliveryOutcome::Delivered as i32)];
        assert_eq!(peer.calls(), one, "{kind}: settled inline");
        assert!(mesh.settled("ORD-1").await, "{kind}");

        // The same report again, the purchaser's confirmation: no second settlement.
        let same = carrier
            .update_delivery(report(&handle, DeliveryState::Delivered, "again"))
            .await
            .expect("same state")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(same.note, "left at the door", "{kind}: nothing changed");
        let confirmed = mesh
            .client("gateway")
            .confirm_receipt(confirm("ORD-1", "CUS-1"))
            .await
            .expect("confirm")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(confirmed.state, DeliveryState::Delivered as i32);
        // Moving back, or to the other outcome.
        for state in [DeliveryState::PickedUp, DeliveryState::Failed] {
            let err = carrier
                .update_delivery(report(&handle, state, ""))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::FailedPrecondition, "{kind}: {state:?}");
        }
        let err = carrier
            .update_delivery(report(&handle, DeliveryState::Requested, ""))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{kind}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(peer.calls(), one, "{kind}: settled exactly once");

        // The purchaser sees it (without an address).
        let seen = mesh
            .client("gateway")
            .get_delivery(as_user(get("ORD-1"), "CUS-1", Role::Customer))
            .await
            .expect("purchaser")
            .into_inner();
        assert!(!shows_address(&seen.encode_to_vec()), "{kind}");

        mesh.stop().await;
        stop_peer.cancel();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_outcome_is_recorded_while_the_account_server_is_down_and_settled_when_it_returns() {
    for db in TestDb::all().await {
        let kind = db.kind;
        let at = free_addr().await;
        let mesh = Mesh::start(&db, at).await;
        let opened = sealed_and_opened(&mesh, "ORD-2", "CUS-1", "seller-kestrel").await;

        let failed = mesh
            .client("carrier")
            .update_delivery(report(&opened.handle, DeliveryState::Failed, "nobody home"))
            .await
            .expect("the outcome is recorded although settlement is down")
            .into_inner()
            .delivery
            .unwrap();
        assert_eq!(failed.state, DeliveryState::Failed as i32);
        assert!(!mesh.settled("ORD-2").await, "{kind}: not settled yet");

        let peer = EscrowPeer::default();
        let stop_peer = peer.serve_at(at).await;
        eventually("the escrow is settled", Duration::from_secs(15), || async {
            mesh.settled("ORD-2").await
        })
        .await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(
            peer.calls(),
            [("ORD-2".to_owned(), DeliveryOutcome::Failed as i32)],
            "{kind}: once"
        );
        mesh.stop().await;
        stop_peer.cancel();
        db.cleanup().await;
    }
}
