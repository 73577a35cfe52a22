//! Who and what a policy covers, and the customer's policies afterwards, over real gRPC
//! with a real accessory seller and account server, on SQLite and PostgreSQL: a quote
//! records the policyholder and vehicle (checked against its conditions, nothing written
//! when they are wrong) and its policy returns them; a customer lists and reads only
//! their own policies; a policy is cancelled within its 14-day cooling-off period —
//! idempotently, naming the insurer's payment line to refund — and refused after it.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{World, minor, quote_req, world};
use sea_orm::{EntityTrait, PaginatorTrait};
use svc_insurance::store::entity::quote as quote_rows;
use tandem_mesh::testing::TestDb;
use tandem_proto::insurance::v1::*;
use tonic::Code;

/// Quotes `plan` for CUS-A under `key` (with a theft tracker, so its device discount,
/// when `tracker`), pays the insurer's line and contracts it; the contracted quote.
async fn contracted(w: &mut World, key: &str, plan: &str, tracker: bool) -> Quote {
    let mut quote = w.quote(key, "CUS-A", plan).await;
    if tracker {
        let order = w.order("CUS-A", "DEV-TT-1001").await;
        quote = w.discount(&quote, "CUS-A", &order).await.unwrap();
    }
    let charge = minor(&quote.premium_due)
        - quote
            .discount
            .as_ref()
            .filter(|d| d.target == DiscountTarget::Device as i32)
            .map_or(0, |d| minor(&d.amount));
    let paid = w
        .pay(&[("merchant:insurance", charge, &quote.quote_id)], key)
        .await;
    w.contract(&quote, "CUS-A", &paid).await.unwrap()
}

/// Spoils one field of a valid CreateQuote.
type Spoil = fn(&mut CreateQuoteRequest);

fn get(policy_number: &str, customer: &str) -> GetPolicyRequest {
    GetPolicyRequest {
        policy_number: policy_number.into(),
        customer_id: customer.into(),
    }
}

fn cancel(policy_number: &str, customer: &str) -> CancelPolicyRequest {
    CancelPolicyRequest {
        policy_number: policy_number.into(),
        customer_id: customer.into(),
        reason: "changed my mind".into(),
    }
}

async fn list(w: &mut World, customer: &str) -> Vec<Policy> {
    w.sales
        .list_policies(ListPoliciesRequest {
            customer_id: customer.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .policies
}

#[tokio::test]
async fn a_policy_covers_the_quoted_policyholder_and_vehicle_and_only_its_customer_sees_it() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let mut w = world(a, b).await;
        let asked = quote_req("q1", "CUS-A", "PLN-LIABILITY");
        let quote = w.quote("q1", "CUS-A", "PLN-LIABILITY").await;
        assert_eq!(quote.policyholder, asked.policyholder, "{kind}");
        assert_eq!(quote.vehicle, asked.vehicle, "{kind}");
        assert_eq!(
            w.get(&quote, "CUS-A").await.unwrap().policyholder,
            asked.policyholder,
            "{kind}: stored"
        );

        let before = Utc::now();
        let first = contracted(&mut w, "q1", "PLN-LIABILITY", false).await;
        let second = contracted(&mut w, "q2", "PLN-COMPREHENSIVE", true).await;
        let policy = first.policy.clone().unwrap();
        assert_eq!(policy.policyholder, asked.policyholder, "{kind}");
        assert_eq!(policy.vehicle, asked.vehicle, "{kind}");
        let at = DateTime::parse_from_rfc3339(&policy.contracted_at).unwrap();
        assert!(at >= before - Duration::seconds(1), "{kind}: {at}");
        let today = Utc::now().date_naive();
        assert_eq!(
            policy.cooling_off_ends,
            (today + Duration::days(14)).to_string(),
            "{kind}"
        );
        assert_eq!(policy.cancelled_at, "", "{kind}");
        assert_eq!(policy.paid_to_insurer, first.premium_due, "{kind}");
        assert_eq!(policy.payment_reference, first.quote_id, "{kind}");

        // The insurer funds a device discount: it was paid the premium less the $50.
        let funded = second.policy.clone().unwrap();
        assert_eq!(
            minor(&funded.paid_to_insurer),
            minor(&second.premium_due) - 5_000,
            "{kind}"
        );

        // Newest first; another customer has none.
        let numbers: Vec<String> = list(&mut w, "CUS-A")
            .await
            .into_iter()
            .map(|p| p.policy_number)
            .collect();
        assert_eq!(
            numbers,
            [funded.policy_number.clone(), policy.policy_number.clone()],
            "{kind}"
        );
        assert!(list(&mut w, "CUS-B").await.is_empty(), "{kind}");

        let got = w
            .sales
            .get_policy(get(&policy.policy_number, "CUS-A"))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.policy.as_ref(), Some(&policy), "{kind}");
        assert_eq!(got.quote.as_ref(), Some(&first), "{kind}");

        // Another customer's policy and an unknown one get the same answer.
        for (number, customer) in [
            (policy.policy_number.as_str(), "CUS-B"),
            ("POL-2026-NOSUCH", "CUS-A"),
        ] {
            let err = w.sales.get_policy(get(number, customer)).await.unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "{kind}: {number} {customer}");
            assert_eq!(
                err.message(),
                format!("no policy {number:?} for this customer"),
                "{kind}"
            );
        }
        w.stop().await;
    }
}

#[tokio::test]
async fn a_wrong_policyholder_or_vehicle_is_refused_naming_the_field_and_nothing_is_written() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let url = a.url.clone();
        let mut w = world(a, b).await;
        let cases: Vec<(&str, Spoil)> = vec![
            ("policyholder", |r| r.policyholder = None),
            ("policyholder.name", |r| {
                r.policyholder.as_mut().unwrap().name = " ".into()
            }),
            ("policyholder.date_of_birth", |r| {
                r.policyholder.as_mut().unwrap().date_of_birth = "".into()
            }),
            ("policyholder.date_of_birth", |r| {
                r.policyholder.as_mut().unwrap().date_of_birth = "01/02/1990".into()
            }),
            ("policyholder.date_of_birth", |r| {
                r.conditions.as_mut().unwrap().driver_age = 36
            }),
            ("vehicle", |r| r.vehicle = None),
            ("vehicle.make", |r| {
                r.vehicle.as_mut().unwrap().make = "".into()
            }),
            ("vehicle.model", |r| {
                r.vehicle.as_mut().unwrap().model = "".into()
            }),
            ("vehicle.year", |r| r.vehicle.as_mut().unwrap().year -= 1),
            ("vehicle.vin", |r| {
                r.vehicle.as_mut().unwrap().vin = "1HGCM82633A00435O".into()
            }),
        ];
        for (field, spoil) in cases {
            let mut bad = quote_req("k", "CUS-A", "PLN-LIABILITY");
            spoil(&mut bad);
            let err = w.sales.create_quote(bad).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument, "{kind}: {field}");
            assert!(
                err.message().starts_with(&format!("{field}: ")),
                "{kind}: {field}: {}",
                err.message()
            );
            let violations = tandem_mesh::status::field_violations(&err);
            assert_eq!(violations[0].0, field, "{kind}");
        }
        let mut older = quote_req("k", "CUS-A", "PLN-LIABILITY");
        older.conditions.as_mut().unwrap().driver_age = 36;
        let err = w.sales.create_quote(older).await.unwrap_err();
        assert!(
            err.message().contains("35") && err.message().contains("conditions.driver_age is 36"),
            "{kind}: names both ages: {}",
            err.message()
        );

        let db = tandem_mesh::db::connect(&url).await.unwrap();
        let stored = quote_rows::Entity::find().count(&db).await.unwrap();
        assert_eq!(stored, 0, "{kind}: nothing written");

        // The key was not used up; once used, another policyholder under it is refused.
        let quote = w.quote("k", "CUS-A", "PLN-LIABILITY").await;
        let mut renamed = quote_req("k", "CUS-A", "PLN-LIABILITY");
        renamed.policyholder.as_mut().unwrap().name = "Sam Morgan".into();
        let err = w.sales.create_quote(renamed).await.unwrap_err();
        assert_eq!(
            (err.code(), err.message().starts_with("idempotency_key")),
            (Code::InvalidArgument, true),
            "{kind}: {}",
            err.message()
        );
        let mut plated = quote_req("k", "CUS-A", "PLN-LIABILITY");
        plated.vehicle.as_mut().unwrap().plate = "OTHER1".into();
        assert_eq!(
            w.sales.create_quote(plated).await.unwrap_err().code(),
            Code::InvalidArgument,
            "{kind}"
        );
        assert_eq!(
            w.quote("k", "CUS-A", "PLN-LIABILITY").await,
            quote,
            "{kind}"
        );
        assert_eq!(
            quote_rows::Entity::find().count(&db).await.unwrap(),
            1,
            "{kind}"
        );
        db.close().await.ok();
        w.stop().await;
    }
}

#[tokio::test]
async fn a_policy_is_cancelled_up_to_day_14_once_and_refused_from_day_15() {
    for (a, b) in TestDb::all().await.into_iter().zip(TestDb::all().await) {
        let kind = a.kind;
        let mut w = world(a, b).await;
        let early = contracted(&mut w, "q1", "PLN-COMPREHENSIVE", true).await;
        let late = contracted(&mut w, "q2", "PLN-LIABILITY", false).await;
        let (early_policy, late_policy) = (early.policy.unwrap(), late.policy.unwrap());

        // Another customer's policy is not found, and nothing changes.
        let err = w
            .sales
            .cancel_policy(cancel(&early_policy.policy_number, "CUS-B"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "{kind}");

        // Day 14 (the contract day is day 0): cancelled; the reply names the insurer's
        // line of the payment to refund.
        w.clock.advance(Duration::days(14));
        let reply = w
            .sales
            .cancel_policy(cancel(&early_policy.policy_number, "CUS-A"))
            .await
            .unwrap()
            .into_inner();
        let cancelled = reply.policy.clone().unwrap();
        assert!(cancelled.cancelled, "{kind}");
        assert!(!cancelled.cancelled_at.is_empty(), "{kind}");
        assert_eq!(cancelled.cancellation_reason, "changed my mind", "{kind}");
        assert_eq!(reply.refund, early_policy.paid_to_insurer, "{kind}");
        assert_eq!(
            minor(&reply.refund),
            minor(&early.premium_due) - 5_000,
            "{kind}: the insurer's line, less the device discount it funded"
        );
        assert_eq!(reply.payment_id, early_policy.payment_id, "{kind}");
        assert_eq!(reply.payment_reference, early.quote_id, "{kind}");

        // Day 15: the other policy may no longer be cancelled; the reason says so.
        w.clock.advance(Duration::days(1));
        let err = w
            .sales
            .cancel_policy(cancel(&late_policy.policy_number, "CUS-A"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::FailedPrecondition, "{kind}");
        assert_eq!(
            tandem_mesh::status::reason(&err).as_deref(),
            Some(REASON_COOLING_OFF_ENDED),
            "{kind}"
        );
        assert!(
            err.message().contains(&late_policy.cooling_off_ends),
            "{kind}: {}",
            err.message()
        );
        let still = w
            .sales
            .get_policy(get(&late_policy.policy_number, "CUS-A"))
            .await
            .unwrap()
            .into_inner()
            .policy
            .unwrap();
        assert!(!still.cancelled, "{kind}: refused changed nothing");

        // A replay answers the same, even after the period.
        let mut again = cancel(&early_policy.policy_number, "CUS-A");
        again.reason = "asked twice".into();
        assert_eq!(
            w.sales.cancel_policy(again).await.unwrap().into_inner(),
            reply,
            "{kind}"
        );
        let listed = list(&mut w, "CUS-A").await;
        assert_eq!(
            listed.iter().map(|p| p.cancelled).collect::<Vec<_>>(),
            [false, true],
            "{kind}"
        );
        w.stop().await;
    }
}
