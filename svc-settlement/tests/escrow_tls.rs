//! Over mutual TLS a seller partner lists its own income by its certificate alone, and
//! is refused another seller's (SQLite).

use std::sync::Arc;

use tandem_mesh::partner::{Access, Policy};
use tandem_mesh::pki::LocalCa;
use tandem_mesh::testing::{Running, TestDb, server_config};
use tandem_mesh::tls::TlsMaterial;
use tandem_mesh::{ClientConfig, ServerConfig, Service};
use tandem_proto::common::v1::Money;
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::{ListIncomeRequest, OpenEscrowRequest};
use tonic::Code;

const POLICY: &str = r#"
    [partners.accessory]
    allow = ["tandem.settlement.v1.Escrow/OpenEscrow"]

    [partners.seller-kestrel]
    allow = ["tandem.settlement.v1.Escrow/ListIncome"]
"#;

#[tokio::test]
async fn a_seller_partner_lists_its_own_income_by_its_certificate() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir =
        std::env::temp_dir().join(format!("tandem-escrow-tls-{}-{nanos}", std::process::id()));
    let ca = LocalCa::open_or_create(&dir).unwrap();
    let material = |partner: &str| {
        TlsMaterial::load(&ca.issue(partner, &["127.0.0.1"], false).unwrap()).unwrap()
    };
    let db = TestDb::sqlite();
    let conn = svc_settlement::AccountServer::open(&db.url).await.unwrap();
    let config = ServerConfig {
        tls: Some(material("settlement")),
        access: Access::Partners(Arc::new(Policy::from_toml(POLICY).unwrap())),
        ..server_config()
    };
    let server =
        Running::start(|l, s| svc_settlement::AccountServer::serve(l, conn, (), config, s)).await;
    let client = |partner: &str| {
        let config = ClientConfig {
            tls: Some(material(partner)),
            ..ClientConfig::default()
        };
        EscrowClient::new(tandem_mesh::client::channel(&server.url, &config).unwrap())
    };
    let mut broker = client("accessory");
    for (order, seller) in [("ORD-TK", "seller-kestrel"), ("ORD-TH", "seller-harbor")] {
        broker
            .open_escrow(OpenEscrowRequest {
                order_id: order.into(),
                seller_id: seller.into(),
                amount: Some(Money {
                    minor_units: 500,
                    currency: "USD".into(),
                }),
            })
            .await
            .unwrap();
    }
    let mut kestrel = client("seller-kestrel");
    let income = kestrel
        .list_income(ListIncomeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(income.seller_id, "seller-kestrel");
    let orders: Vec<&str> = income.escrows.iter().map(|e| e.order_id.as_str()).collect();
    assert_eq!(orders, ["ORD-TK"]);
    let other = kestrel
        .list_income(ListIncomeRequest {
            seller_id: "seller-harbor".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(other.code(), Code::PermissionDenied);
    // The policy keeps sellers off the broker's calls.
    let open = kestrel
        .open_escrow(OpenEscrowRequest {
            order_id: "ORD-X".into(),
            seller_id: "seller-kestrel".into(),
            amount: None,
        })
        .await
        .unwrap_err();
    assert_eq!(open.code(), Code::PermissionDenied);
    server.stop().await;
    db.cleanup().await;
    std::fs::remove_dir_all(dir).ok();
}
