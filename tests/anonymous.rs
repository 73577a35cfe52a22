//! Seed 003 end to end over the real mesh (mutual TLS, each partner with its own
//! certificate, SQLite and PostgreSQL): a purchaser (through the gateway's partner
//! identity and a customer assertion) buys by kind and characteristics from a demo
//! seller, pays into escrow, seals an address; the seller ships by order ID; the carrier
//! delivers; the escrow is remitted to the seller; the seller buys an analysis, charged
//! once. A privacy check walks every seller-facing reply and fails on any purchaser
//! identifier, address or cross-seller link.

mod common;

use common::{Engine, TestMesh};
use tandem::target::Target;
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::orders::test_card;
use tandem_proto::accessory::v1::broker_client::BrokerClient;
use tandem_proto::accessory::v1::seller_desk_client::SellerDeskClient;
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::{Address, Money};
use tandem_proto::install::v1::delivery_client::DeliveryClient;
use tandem_proto::install::v1::{
    DeliveryState, GetDeliveryRequest, GetLabelRequest, SealAddressRequest, UpdateDeliveryRequest,
};
use tandem_proto::settlement::v1::escrow_client::EscrowClient;
use tandem_proto::settlement::v1::{ListIncomeRequest, PayEscrowRequest};
use tonic::Code;
use tonic::transport::Channel;

const PURCHASER: &str = "CUS-ANON-PRIVATE-7731";
const RECIPIENT: &str = "Robin Quillfeather";
const STREET: &str = "77 Hidden Lantern Way";
const CITY: &str = "Sausalito";
const ZIP: &str = "94965";

/// The mesh and a client per partner of the story.
struct World {
    mesh: TestMesh,
    /// The gateway's partner identity (calls carry the customer's assertion).
    gateway_broker: BrokerClient<Channel>,
    gateway_escrow: EscrowClient<Channel>,
    gateway_delivery: DeliveryClient<Channel>,
    kestrel: SellerDeskClient<Channel>,
    kestrel_delivery: DeliveryClient<Channel>,
    kestrel_income: EscrowClient<Channel>,
    harbor: SellerDeskClient<Channel>,
    harbor_income: EscrowClient<Channel>,
    carrier: DeliveryClient<Channel>,
}

impl World {
    async fn start(engine: Engine) -> Option<Self> {
        let mesh = TestMesh::start(engine, Default::default()).await?;
        let gateway = |t| mesh.channel_as(t, "gateway");
        Some(Self {
            gateway_broker: BrokerClient::new(gateway(Target::Accessory)),
            gateway_escrow: EscrowClient::new(gateway(Target::Settlement)),
            gateway_delivery: DeliveryClient::new(gateway(Target::Install)),
            kestrel: SellerDeskClient::new(mesh.channel_as(Target::Accessory, "seller-kestrel")),
            kestrel_delivery: DeliveryClient::new(
                mesh.channel_as(Target::Install, "seller-kestrel"),
            ),
            kestrel_income: EscrowClient::new(
                mesh.channel_as(Target::Settlement, "seller-kestrel"),
            ),
            harbor: SellerDeskClient::new(mesh.channel_as(Target::Accessory, "seller-harbor")),
            harbor_income: EscrowClient::new(mesh.channel_as(Target::Settlement, "seller-harbor")),
            carrier: DeliveryClient::new(mesh.channel_as(Target::Install, "carrier")),
            mesh,
        })
    }

    fn me<T>(&self, message: T) -> tonic::Request<T> {
        self.mesh.as_user(message, PURCHASER, Role::Customer)
    }

    async fn search(&mut self, kind: &str, traits: &[(&str, &str)]) -> SearchCommoditiesResponse {
        let request = self.me(SearchCommoditiesRequest {
            kind: kind.into(),
            characteristics: traits
                .iter()
                .map(|(n, v)| Characteristic {
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
            max_price_minor_units: 0,
            coarse_region: "9".into(),
        });
        self.gateway_broker
            .search_commodities(request)
            .await
            .expect("search")
            .into_inner()
    }

    async fn order(&mut self, request_id: &str, commodity_id: &str, key: &str) -> Purchase {
        let request = self.me(PlaceOrderRequest {
            idempotency_key: key.into(),
            request_id: request_id.into(),
            commodity_id: commodity_id.into(),
        });
        self.gateway_broker
            .place_order(request)
            .await
            .expect("order")
            .into_inner()
            .purchase
            .unwrap()
    }

    async fn pay(
        &mut self,
        order_id: &str,
        minor_units: i64,
        key: &str,
    ) -> Result<i32, tonic::Status> {
        let request = self.me(PayEscrowRequest {
            idempotency_key: key.into(),
            order_id: order_id.into(),
            amount: Some(usd(minor_units)),
            card: Some(test_card()),
        });
        self.gateway_escrow
            .pay_escrow(request)
            .await
            .map(|r| r.into_inner().escrow.unwrap().status)
    }

    async fn seal(&mut self, order_id: &str, zip: &str) -> Result<(), tonic::Status> {
        let request = self.me(SealAddressRequest {
            order_id: order_id.into(),
            recipient_name: RECIPIENT.into(),
            address: Some(Address {
                line1: STREET.into(),
                line2: String::new(),
                city: CITY.into(),
                region: "CA".into(),
                postal_code: zip.into(),
                country: "US".into(),
            }),
        });
        self.gateway_delivery
            .seal_address(request)
            .await
            .map(|_| ())
    }

    async fn purchase(&mut self, order_id: &str) -> Purchase {
        let request = self.me(GetPurchaseRequest {
            order_id: order_id.into(),
        });
        self.gateway_broker
            .get_purchase(request)
            .await
            .expect("purchase")
            .into_inner()
            .purchase
            .unwrap()
    }

    async fn stock(&mut self, commodity_id: &str) -> u32 {
        self.kestrel
            .list_commodities(ListCommoditiesRequest {})
            .await
            .unwrap()
            .into_inner()
            .commodities
            .into_iter()
            .find(|c| c.commodity_id == commodity_id)
            .map(|c| c.stock)
            .expect("the seller's commodity")
    }
}

fn usd(minor_units: i64) -> Money {
    Money {
        minor_units,
        currency: "USD".into(),
    }
}

/// Every purchaser identifier, address part or purchaser-side link that must never
/// reach a seller.
fn secrets(request_ids: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = [
        PURCHASER,
        RECIPIENT,
        STREET,
        CITY,
        ZIP,
        "4242",
        "Alex Morgan",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    all.extend(request_ids.iter().map(|s| (*s).to_owned()));
    all
}

fn assert_private(what: &str, reply: &impl std::fmt::Debug, secrets: &[String]) {
    let text = format!("{reply:?}");
    for secret in secrets {
        assert!(
            !contains_token(&text, secret),
            "{what} shows {secret:?} to a seller: {text}"
        );
    }
}

/// Whether `needle` occurs in `text` as a whole token: not inside a longer run of letters
/// or digits, so "4242" is found in "4242 4242" or "…4242\"" but not in a timestamp's
/// nanoseconds "867942420".
fn contains_token(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn a_secret_is_found_as_a_token_only() {
    assert!(contains_token("card: \"4242\"", "4242"));
    assert!(contains_token("4242 4242", "4242"));
    assert!(contains_token(
        "id CUS-ANON-PRIVATE-7731.",
        "CUS-ANON-PRIVATE-7731"
    ));
    assert!(!contains_token("at 22:56:32.867942420+00:00", "4242"));
    assert!(!contains_token("RP-a94965f", "94965"));
}

#[tokio::test]
async fn a_seller_ships_and_is_paid_without_learning_who_bought_or_where() {
    for engine in TestMesh::engines().await {
        let Some(mut w) = World::start(engine).await else {
            continue;
        };
        let before = w.mesh.ledger().await;

        // The purchaser asks by kind and characteristic; every seller's match comes back.
        let found = w.search("dashcam", &[("resolution", "4K")]).await;
        let sellers: Vec<&str> = found
            .commodities
            .iter()
            .map(|c| c.seller_id.as_str())
            .collect();
        assert!(
            sellers.contains(&"seller-kestrel") && sellers.contains(&"seller-harbor"),
            "{sellers:?}"
        );
        assert!(found.commodities.iter().all(|c| c.kind == "dashcam"));
        let price = found
            .commodities
            .iter()
            .find(|c| c.commodity_id == "CM-KES-001")
            .expect("Kestrel's 4K dashcam")
            .price
            .clone()
            .unwrap()
            .minor_units;
        let stock = w.stock("CM-KES-001").await;

        // One order ID, however often the order is sent.
        let first = w.order(&found.request_id, "CM-KES-001", "anon-1").await;
        let again = w.order(&found.request_id, "CM-KES-001", "anon-1").await;
        assert_eq!(first.order_id, again.order_id);
        assert!(first.order_id.starts_with("AN-"), "{}", first.order_id);
        assert_eq!(first.escrow_state, EscrowState::AwaitingPayment as i32);
        assert_eq!(
            first.commodity.as_ref().unwrap().seller_name,
            "Kestrel Electronics"
        );
        assert_eq!(w.stock("CM-KES-001").await, stock - 1);
        let order_id = first.order_id.clone();

        // Short and over payments are refused and book nothing (claim 11).
        for wrong in [price - 1, price + 1] {
            let err = w
                .pay(&order_id, wrong, &format!("pay-{wrong}"))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
            assert_eq!(
                tandem_mesh::status::reason(&err).as_deref(),
                Some(tandem_proto::settlement::v1::REASON_AMOUNT_MISMATCH)
            );
        }
        assert_eq!(w.mesh.ledger().await.balances, before.balances);
        assert_eq!(
            w.pay(&order_id, price, "pay-ok").await.unwrap(),
            EscrowState::Held as i32
        );
        assert_eq!(
            w.pay(&order_id, price, "pay-ok").await.unwrap(),
            EscrowState::Held as i32
        );

        // The seller cannot ship before the purchaser gives an address.
        let early = w
            .kestrel
            .request_delivery(RequestDeliveryRequest {
                order_id: order_id.clone(),
            })
            .await
            .unwrap_err();
        assert_eq!(early.code(), Code::FailedPrecondition, "{early:?}");
        w.seal(&order_id, ZIP).await.expect("seal the address");

        // Another seller does not see the order at all.
        let foreign = w
            .harbor
            .get_seller_order(GetSellerOrderRequest {
                order_id: order_id.clone(),
            })
            .await
            .unwrap_err();
        assert_eq!(foreign.code(), Code::NotFound);

        // The seller ships by order ID and gets a handle, never the address.
        let shipped = w
            .kestrel
            .request_delivery(RequestDeliveryRequest {
                order_id: order_id.clone(),
            })
            .await
            .expect("ship")
            .into_inner()
            .order
            .unwrap();
        assert!(!shipped.delivery_handle.is_empty());
        assert_eq!(shipped.escrow_state, EscrowState::Shipping as i32);
        let cancel_late = w
            .gateway_broker
            .cancel_purchase(w.me(CancelPurchaseRequest {
                order_id: order_id.clone(),
            }))
            .await
            .unwrap_err();
        assert_eq!(cancel_late.code(), Code::FailedPrecondition);

        // The carrier reads the label (the only reply with the address) and delivers.
        let label = w
            .carrier
            .get_label(GetLabelRequest {
                handle: shipped.delivery_handle.clone(),
            })
            .await
            .expect("label")
            .into_inner();
        assert_eq!(label.address.unwrap().line1, STREET);
        for state in [DeliveryState::PickedUp, DeliveryState::Delivered] {
            w.carrier
                .update_delivery(UpdateDeliveryRequest {
                    handle: shipped.delivery_handle.clone(),
                    state: state as i32,
                    note: String::new(),
                })
                .await
                .expect("carrier update");
        }
        assert_eq!(
            w.purchase(&order_id).await.escrow_state,
            EscrowState::Released as i32
        );

        // The seller's income shows the remittance per order ID.
        let income = w
            .kestrel_income
            .list_income(ListIncomeRequest::default())
            .await
            .expect("income")
            .into_inner();
        let line = income
            .escrows
            .iter()
            .find(|e| e.order_id == order_id)
            .expect("income line");
        assert_eq!(line.amount.as_ref().unwrap().minor_units, price);
        assert_eq!(income.balance.as_ref().unwrap().minor_units, price);
        assert!(line.paid_at.ends_with("T00:00:00Z"), "{}", line.paid_at);
        assert!(line.opened_at.ends_with("T00:00:00Z"), "{}", line.opened_at);

        // A second order by the same purchaser from another seller: nothing links them.
        let tyres = w.search("tyres", &[("season", "winter")]).await;
        let other = w.order(&tyres.request_id, "CM-HAR-002", "anon-2").await;

        // The analysis is charged once, and no row rests on fewer than five purchasers.
        let bought = w
            .kestrel
            .buy_report(BuyReportRequest {
                kind: ReportKind::Demand as i32,
                weeks: 12,
            })
            .await
            .expect("buy")
            .into_inner();
        assert!(bought.charged_now);
        let report = bought.report.clone().unwrap();
        let rows: Vec<&ReportRow> = report.tables.iter().flat_map(|t| &t.rows).collect();
        assert!(rows.iter().any(|r| !r.suppressed), "{report:?}");
        for row in &rows {
            if row.suppressed {
                assert!(row.values.iter().all(|v| *v == 0), "{row:?}");
            } else {
                assert!(
                    row.values[1] >= 5,
                    "a published row on {} purchasers",
                    row.values[1]
                );
            }
        }
        let twice = w
            .kestrel
            .buy_report(BuyReportRequest {
                kind: ReportKind::Demand as i32,
                weeks: 12,
            })
            .await
            .unwrap()
            .into_inner();
        assert!(!twice.charged_now);
        assert_eq!(twice.report.unwrap().report_id, report.report_id);
        let after = w
            .kestrel_income
            .list_income(ListIncomeRequest::default())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            after.balance.as_ref().unwrap().minor_units,
            price - report.price.unwrap().minor_units
        );

        // The privacy check: every seller-facing reply, for both sellers.
        let secrets = secrets(&[&found.request_id, &tyres.request_id]);
        let k_orders = w
            .kestrel
            .list_seller_orders(ListSellerOrdersRequest {})
            .await
            .unwrap()
            .into_inner();
        assert_private("ListSellerOrders", &k_orders, &secrets);
        assert!(
            k_orders.orders.iter().all(|o| o.order_id != other.order_id),
            "another seller's order"
        );
        let k_order = w
            .kestrel
            .get_seller_order(GetSellerOrderRequest {
                order_id: order_id.clone(),
            })
            .await
            .unwrap();
        assert_private("GetSellerOrder", k_order.get_ref(), &secrets);
        assert_private("RequestDelivery", &shipped, &secrets);
        let delivery = w
            .kestrel_delivery
            .get_delivery(GetDeliveryRequest {
                order_id: order_id.clone(),
            })
            .await
            .unwrap();
        assert_private("GetDelivery", delivery.get_ref(), &secrets);
        assert_private("ListIncome", &after, &secrets);
        assert_private("BuyReport", &bought, &secrets);
        let reports = w.kestrel.list_reports(ListReportsRequest {}).await.unwrap();
        assert_private("ListReports", reports.get_ref(), &secrets);
        let got = w
            .kestrel
            .get_report(GetReportRequest {
                report_id: report.report_id.clone(),
            })
            .await
            .unwrap();
        assert_private("GetReport", got.get_ref(), &secrets);
        let commodities = w
            .kestrel
            .list_commodities(ListCommoditiesRequest {})
            .await
            .unwrap();
        assert_private("ListCommodities", commodities.get_ref(), &secrets);
        let h_orders = w
            .harbor
            .list_seller_orders(ListSellerOrdersRequest {})
            .await
            .unwrap()
            .into_inner();
        assert_private("ListSellerOrders (Harbor)", &h_orders, &secrets);
        let h_income = w
            .harbor_income
            .list_income(ListIncomeRequest::default())
            .await
            .unwrap();
        assert_private("ListIncome (Harbor)", h_income.get_ref(), &secrets);
        // Cross-seller link: the two sellers' views of the one purchaser share no value
        // but public ones (states, currency, kinds of field).
        let h_view = h_orders
            .orders
            .iter()
            .find(|o| o.order_id == other.order_id)
            .expect("Harbor's order");
        let k_view = k_order.into_inner().order.unwrap();
        // Times are days only: the moment of an order does not tie them together.
        assert!(
            k_view.placed_at.ends_with("T00:00:00Z"),
            "{}",
            k_view.placed_at
        );
        assert!(
            h_view.placed_at.ends_with("T00:00:00Z"),
            "{}",
            h_view.placed_at
        );
        for shared in [&k_view.order_id, &k_view.delivery_handle] {
            assert!(
                !format!("{h_view:?}").contains(shared.as_str()),
                "{shared} links the orders"
            );
        }
        // Another seller's income does not show this sale.
        assert!(
            h_income
                .get_ref()
                .escrows
                .iter()
                .all(|e| e.order_id != order_id)
        );

        let end = w.mesh.ledger().await;
        assert_eq!(end.unbalanced_transactions, 0, "{end:?}");
        w.mesh.stop().await;
    }
}

#[tokio::test]
async fn bad_anonymous_requests_are_refused_and_change_nothing() {
    for engine in TestMesh::engines().await {
        let Some(mut w) = World::start(engine).await else {
            continue;
        };
        let found = w.search("child-seat", &[("isofix", "yes")]).await;
        assert!(
            found
                .commodities
                .iter()
                .all(|c| c.seller_id == "seller-orchid")
        );
        let stock_of = |found: &SearchCommoditiesResponse, id: &str| {
            found
                .commodities
                .iter()
                .find(|c| c.commodity_id == id)
                .map(|c| c.stock)
        };
        let stock = stock_of(&found, "CM-ORC-002").expect("Orchid's infant carrier");
        let order = w.order(&found.request_id, "CM-ORC-002", "bad-1").await;

        // Malformed search fields name the field.
        let bad = w
            .gateway_broker
            .search_commodities(w.me(SearchCommoditiesRequest {
                kind: "Child Seat".into(),
                ..Default::default()
            }))
            .await
            .unwrap_err();
        assert_eq!(bad.code(), Code::InvalidArgument);
        assert!(bad.message().contains("kind"), "{bad:?}");
        // A commodity of another kind than the request asked for.
        let wrong_kind = w
            .gateway_broker
            .place_order(w.me(PlaceOrderRequest {
                idempotency_key: "bad-2".into(),
                request_id: found.request_id.clone(),
                commodity_id: "CM-KES-001".into(),
            }))
            .await
            .unwrap_err();
        assert_eq!(wrong_kind.code(), Code::InvalidArgument);
        // Another purchaser sees nothing of the order, under any ID.
        for id in [order.order_id.as_str(), "AN-0000-0000-0000-0", "not an id"] {
            let err = w
                .gateway_broker
                .get_purchase(w.mesh.as_user(
                    GetPurchaseRequest {
                        order_id: id.into(),
                    },
                    "CUS-SOMEONE-ELSE",
                    Role::Customer,
                ))
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "{id}: {err:?}");
        }
        // Paying an unknown order ID.
        let unknown = w
            .pay("AN-7K2M-QX9P-D4HW-R", 100, "bad-pay")
            .await
            .unwrap_err();
        assert!(
            matches!(unknown.code(), Code::NotFound | Code::InvalidArgument),
            "{unknown:?}"
        );
        // A malformed address is refused; a foreign customer cannot seal this order.
        let bad_zip = w.seal(&order.order_id, "9x1").await.unwrap_err();
        assert_eq!(bad_zip.code(), Code::InvalidArgument, "{bad_zip:?}");
        let foreign_seal = w
            .gateway_delivery
            .seal_address(w.mesh.as_user(
                SealAddressRequest {
                    order_id: order.order_id.clone(),
                    recipient_name: "Mallory".into(),
                    address: Some(Address {
                        line1: "1 Elsewhere St".into(),
                        city: "Oakland".into(),
                        postal_code: "94607".into(),
                        country: "US".into(),
                        ..Default::default()
                    }),
                },
                "CUS-SOMEONE-ELSE",
                Role::Customer,
            ))
            .await;
        // Sealing first by someone else must not let them receive the goods: either it is
        // refused now, or the seller's shipment refuses the foreign address below.
        let foreign_sealed = foreign_seal.is_ok();
        // Unpaid: the seller cannot ship.
        let unpaid = w
            .kestrel
            .request_delivery(RequestDeliveryRequest {
                order_id: order.order_id.clone(),
            })
            .await
            .unwrap_err();
        assert_eq!(
            unpaid.code(),
            Code::NotFound,
            "Kestrel does not sell this: {unpaid:?}"
        );
        let orchid = SellerDeskClient::new(w.mesh.channel_as(Target::Accessory, "seller-orchid"));
        let mut orchid = orchid;
        let unpaid = orchid
            .request_delivery(RequestDeliveryRequest {
                order_id: order.order_id.clone(),
            })
            .await
            .unwrap_err();
        assert_eq!(unpaid.code(), Code::FailedPrecondition, "{unpaid:?}");
        let price = order.amount.clone().unwrap().minor_units;
        assert_eq!(
            w.pay(&order.order_id, price, "bad-ok").await.unwrap(),
            EscrowState::Held as i32
        );
        if foreign_sealed {
            let refused = orchid
                .request_delivery(RequestDeliveryRequest {
                    order_id: order.order_id.clone(),
                })
                .await
                .unwrap_err();
            assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
        }
        // Cancelling a paid order refunds it and returns the unit to stock, once.
        let ledger = w.mesh.ledger().await;
        for _ in 0..2 {
            let cancelled = w
                .gateway_broker
                .cancel_purchase(w.me(CancelPurchaseRequest {
                    order_id: order.order_id.clone(),
                }))
                .await
                .expect("cancel")
                .into_inner()
                .purchase
                .unwrap();
            assert_eq!(cancelled.escrow_state, EscrowState::Refunded as i32);
        }
        let again = w.search("child-seat", &[("isofix", "yes")]).await;
        assert_eq!(stock_of(&again, "CM-ORC-002"), Some(stock));
        let end = w.mesh.ledger().await;
        assert_eq!(end.unbalanced_transactions, 0);
        assert_ne!(end.balances, ledger.balances, "the refund is booked");
        // A seller desk call without a seller behind it is refused.
        let stranger = SellerDeskClient::new(w.mesh.channel_as(Target::Accessory, "insurance"))
            .list_seller_orders(ListSellerOrdersRequest {})
            .await
            .unwrap_err();
        assert_eq!(stranger.code(), Code::PermissionDenied);
        w.mesh.stop().await;
    }
}

#[tokio::test]
async fn the_admin_partner_registers_a_seller_whose_desk_then_sells() {
    let Some(mut w) = World::start(Engine::Sqlite).await else {
        return;
    };
    let mut admin = tandem_proto::accessory::v1::broker_admin_client::BrokerAdminClient::new(
        w.mesh.channel_as(Target::Accessory, "admin"),
    );
    // Bad input names the field; a login for an unknown seller is NOT_FOUND.
    let bad = admin
        .upsert_seller(UpsertSellerRequest {
            seller_id: "Not A Partner".into(),
            name: "X".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    let orphan = admin
        .upsert_seller_login(UpsertSellerLoginRequest {
            login: "NEWCO-DESK".into(),
            seller_id: "seller-newco".into(),
            password: "a-long-password".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(orphan.code(), Code::NotFound, "{orphan:?}");
    admin
        .upsert_seller(UpsertSellerRequest {
            seller_id: "seller-newco".into(),
            name: "Newco Parts".into(),
        })
        .await
        .expect("register");
    admin
        .upsert_seller_login(UpsertSellerLoginRequest {
            login: "newco-desk".into(),
            seller_id: "seller-newco".into(),
            password: "a-long-password".into(),
        })
        .await
        .expect("login");
    // Only the admin partner administers the broker.
    let denied = tandem_proto::accessory::v1::broker_admin_client::BrokerAdminClient::new(
        w.mesh.channel_as(Target::Accessory, "seller-kestrel"),
    )
    .remove_seller_login(RemoveSellerLoginRequest {
        login: "KESTREL-DESK".into(),
    })
    .await
    .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);

    // The gateway logs the new seller in and acts for it.
    let mut desk = SellerDeskClient::new(w.mesh.channel_as(Target::Accessory, "gateway"));
    let who = desk
        .authenticate_seller(AuthenticateSellerRequest {
            login: "NEWCO-DESK".into(),
            password: "a-long-password".into(),
        })
        .await
        .expect("authenticate")
        .into_inner();
    assert_eq!(who.seller_id, "seller-newco");
    let added = desk
        .upsert_commodity(w.mesh.as_user(
            UpsertCommodityRequest {
                commodity_id: String::new(),
                kind: "wipers".into(),
                title: "Newco AeroBlade 24in".into(),
                characteristics: vec![Characteristic {
                    name: "length".into(),
                    value: "24in".into(),
                }],
                price: Some(usd(2_400)),
                stock: 9,
            },
            "seller-newco",
            Role::Seller,
        ))
        .await
        .expect("add a commodity")
        .into_inner()
        .commodity
        .unwrap();
    let found = w.search("wipers", &[("length", "24IN")]).await;
    assert_eq!(found.commodities.len(), 1);
    assert_eq!(found.commodities[0].commodity_id, added.commodity_id);
    assert_eq!(found.commodities[0].seller_name, "Newco Parts");

    // Removing the login closes the desk.
    assert!(
        admin
            .remove_seller_login(RemoveSellerLoginRequest {
                login: "newco-desk".into()
            })
            .await
            .unwrap()
            .into_inner()
            .removed
    );
    let closed = desk
        .authenticate_seller(AuthenticateSellerRequest {
            login: "NEWCO-DESK".into(),
            password: "a-long-password".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(closed.code(), Code::Unauthenticated);
    w.mesh.stop().await;
}
