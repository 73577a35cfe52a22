//! Facts verified with the server that owns them, in the whole mesh over mutual TLS: the
//! seller and the insurer ask the account server about a payment as themselves (their
//! certificates name their merchant accounts), so a payment to another merchant, for
//! another order or quote, or of another amount confirms nothing; the real one does.
//! SQLite and PostgreSQL.

mod common;

use common::{Engine, TestMesh};
use tandem::Target;
use tandem_mesh::ServerConfig;
use tandem_mesh::testing::orders::{alex_morgan, pay, pay_order, reserve};
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{ConfirmOrderRequest, OrderStatus};
use tandem_proto::common::v1::{Money, VehicleClass};
use tandem_proto::insurance::v1::insurance_sales_client::InsuranceSalesClient;
use tandem_proto::insurance::v1::{
    ContractPolicyRequest, CreateQuoteRequest, Policyholder, QuoteStatus, RatingConditions, Vehicle,
};
use tandem_proto::settlement::v1::CheckPaymentRequest;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tonic::Code;

fn conditions() -> RatingConditions {
    RatingConditions {
        driver_age: 35,
        vehicle_class: VehicleClass::Sedan as i32,
        vehicle_year: 2021,
        annual_mileage: 12_000,
        postal_code: "94103".into(),
        options: vec![],
    }
}

/// The policyholder the conditions were rated for: 35 (turned 35 a month ago).
fn policyholder() -> Policyholder {
    let born =
        chrono::Utc::now().date_naive() - chrono::Months::new(35 * 12) - chrono::Days::new(30);
    Policyholder {
        name: "Alex Morgan".into(),
        date_of_birth: born.to_string(),
        address: None,
    }
}

/// The 2021 sedan the conditions were rated for.
fn vehicle() -> Vehicle {
    Vehicle {
        make: "Toyota".into(),
        model: "Camry".into(),
        year: 2021,
        plate: String::new(),
        vin: String::new(),
    }
}

#[tokio::test]
async fn seller_and_insurer_check_payments_as_themselves() {
    for engine in TestMesh::engines().await {
        let mesh = TestMesh::start(engine, ServerConfig::default())
            .await
            .unwrap();
        seller_checks(&mesh, engine).await;
        insurer_checks(&mesh, engine).await;
        mesh.stop().await;
    }
}

async fn seller_checks(mesh: &TestMesh, engine: Engine) {
    let (seller, bank) = (
        mesh.channel(Target::Accessory),
        mesh.channel(Target::Settlement),
    );
    let alex = || alex_morgan("CUS-F", "alex@example.com");
    let order = reserve(&seller, alex(), "DEV-DC-1002", "f-1").await;
    let other = reserve(&seller, alex(), "DEV-DC-1002", "f-2").await;
    let total = order.amount.clone().unwrap();
    let n = order.order_number.as_str();
    let to_insurer = pay(
        &bank,
        "CUS-F",
        &[("merchant:insurance", &total, n)],
        "f-ins",
    )
    .await;
    let for_other = pay_order(&bank, &other, "f").await;
    let mut orders = AccessoryOrdersClient::new(seller.clone());
    let confirm = |payment_id: &str| ConfirmOrderRequest {
        order_number: order.order_number.clone(),
        customer_id: "CUS-F".into(),
        payment_id: payment_id.into(),
    };
    for (payment, why) in [
        (&to_insurer, "another merchant"),
        (&for_other, "another order"),
    ] {
        let err = orders.confirm_order(confirm(payment)).await.unwrap_err();
        assert_eq!(
            err.code(),
            Code::FailedPrecondition,
            "{engine:?} {why}: {err:?}"
        );
    }
    let good = pay_order(&bank, &order, "f").await;
    let paid = orders
        .confirm_order(confirm(&good))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(paid.order.unwrap().status, OrderStatus::Confirmed as i32);

    // The tester's own certificate names merchant:tester: it may not ask as the seller.
    let ask = CheckPaymentRequest {
        payment_id: good,
        reference: order.order_number.clone(),
        amount: Some(total),
        payee_account: "merchant:accessory".into(),
    };
    let err = SettlementClient::new(bank)
        .check_payment(ask)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{engine:?}");
}

async fn insurer_checks(mesh: &TestMesh, engine: Engine) {
    let bank = mesh.channel(Target::Settlement);
    let mut sales = InsuranceSalesClient::new(mesh.channel(Target::Insurance));
    let quote = sales
        .create_quote(CreateQuoteRequest {
            idempotency_key: "f-q".into(),
            customer_id: "CUS-F".into(),
            plan_id: "PLN-LIABILITY".into(),
            conditions: Some(conditions()),
            policyholder: Some(policyholder()),
            vehicle: Some(vehicle()),
        })
        .await
        .unwrap()
        .into_inner()
        .quote
        .unwrap();
    let due: Money = quote.premium_due.clone().unwrap();
    let id = quote.quote_id.as_str();
    let less = Money {
        minor_units: due.minor_units - 1,
        ..due.clone()
    };
    let contract = |payment_id: &str| ContractPolicyRequest {
        quote_id: quote.quote_id.clone(),
        customer_id: "CUS-F".into(),
        payment_id: payment_id.into(),
        start_date: String::new(),
    };
    let to_seller = pay(&bank, "CUS-F", &[("merchant:accessory", &due, id)], "q-acc").await;
    let short = pay(
        &bank,
        "CUS-F",
        &[("merchant:insurance", &less, id)],
        "q-less",
    )
    .await;
    for (payment, why) in [(&to_seller, "another merchant"), (&short, "another amount")] {
        let err = sales.contract_policy(contract(payment)).await.unwrap_err();
        assert_eq!(
            err.code(),
            Code::FailedPrecondition,
            "{engine:?} {why}: {err:?}"
        );
    }
    let good = pay(&bank, "CUS-F", &[("merchant:insurance", &due, id)], "q-ok").await;
    let contracted = sales.contract_policy(contract(&good)).await.unwrap();
    let status = contracted.into_inner().quote.unwrap().status;
    assert_eq!(status, QuoteStatus::Contracted as i32, "{engine:?}");
}
