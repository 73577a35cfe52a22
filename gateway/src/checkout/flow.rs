//! The checkout steps and their compensation.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use prost::Message;
use sea_orm::DatabaseConnection;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory};
use tandem_proto::common::v1::Money;
use tandem_proto::insurance::v1::insurance_sales_client::InsuranceSalesClient;
use tandem_proto::insurance::v1::{self as insurance, DiscountTarget, RatingConditions};
use tandem_proto::leads::v1::Customer;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{self as settlement, PaymentStatus};
use tonic::transport::Channel;
use tonic::{Code, Status};

use super::State;
use crate::problem::Problem;
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

/// How long a priced checkout may wait for payment before it is released (the device
/// reservation holds 15 minutes; the quote 30).
const PRICED_FOR: chrono::Duration = chrono::Duration::minutes(14);

/// Clients of the servers a checkout involves.
#[derive(Clone)]
pub struct Clients {
    /// The insurer's sales service.
    pub sales: InsuranceSalesClient<Channel>,
    /// The seller's order service.
    pub orders: AccessoryOrdersClient<Channel>,
    /// The account server.
    pub settlement: SettlementClient<Channel>,
    /// Purchase notices to the sales desk (svc-leads), sent after completion.
    pub notices: super::Notices,
}

/// What a customer asks to buy.
pub struct NewCheckout {
    /// The buyer, from the customer store.
    pub customer: Customer,
    /// The plan.
    pub plan_id: String,
    /// The device.
    pub product_id: String,
    /// The vehicle and driver to rate.
    pub conditions: RatingConditions,
}

/// Runs checkouts against the mesh and records each step in the checkout log.
#[derive(Clone)]
pub struct Flow {
    /// The gateway database (the checkout log).
    db: DatabaseConnection,
    /// The servers involved.
    clients: Clients,
    /// Deadline of one call.
    call_timeout: Duration,
    /// Test fault: stop right after this state is recorded, as a crash would.
    crash_after: Option<State>,
}

type Step<T> = Result<T, Problem>;

impl Flow {
    /// A flow over `db` calling `clients`.
    pub fn new(
        db: DatabaseConnection,
        clients: Clients,
        call_timeout: Duration,
        crash_after: Option<State>,
    ) -> Self {
        Self {
            db,
            clients,
            call_timeout,
            crash_after,
        }
    }

    /// Quotes the plan, reserves the device and asks the insurer for the bundle discount;
    /// returns the priced checkout. Any failure undoes what was done.
    pub async fn create(&self, new: NewCheckout) -> Step<Row> {
        let now = Utc::now();
        let row = Row {
            checkout_id: format!("CHK-{}", uuid::Uuid::new_v4().simple()),
            customer_id: new.customer.customer_id.clone(),
            state: State::Creating.as_str().into(),
            plan_id: new.plan_id.clone(),
            plan_name: String::new(),
            conditions: hex(&new.conditions.encode_to_vec()),
            product_id: new.product_id.clone(),
            product_name: String::new(),
            category: String::new(),
            needs_installation: false,
            quote_id: None,
            order_number: None,
            reserved_until: None,
            currency: "USD".into(),
            premium_minor: 0,
            device_price_minor: 0,
            discount_description: None,
            discount_target: None,
            discount_minor: 0,
            premium_due_minor: 0,
            device_due_minor: 0,
            payment_id: None,
            policy_number: None,
            policy_start: None,
            policy_end: None,
            booking_id: None,
            installer_name: None,
            install_starts_at: None,
            failure: None,
            created_at: now,
            updated_at: now,
        };
        let mut row = checkouts::insert(&self.db, row).await.map_err(db_problem)?;

        let quote = insurance::CreateQuoteRequest {
            idempotency_key: key(&row, "quote"),
            customer_id: row.customer_id.clone(),
            plan_id: new.plan_id,
            conditions: Some(new.conditions),
        };
        let quote = match self
            .grpc(self.clients.sales.clone().create_quote(self.req(quote)))
            .await
        {
            Ok(r) => r.quote.unwrap_or_default(),
            Err(status) => return Err(self.abandon(row, "insurance", &status).await),
        };
        row.quote_id = Some(quote.quote_id.clone());
        row.plan_name = quote
            .plan
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default();
        row.currency = currency(&quote.premium);
        row.premium_minor = minor(&quote.premium);
        row.premium_due_minor = minor(&quote.premium_due);
        row = self.save(row).await?;

        let c = &new.customer;
        let reserve = accessory::ReserveOrderRequest {
            idempotency_key: key(&row, "reserve"),
            customer: Some(accessory::CustomerInfo {
                customer_id: c.customer_id.clone(),
                name: c.name.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                address: c.address.clone(),
            }),
            product_id: new.product_id,
            quantity: 1,
        };
        let order = match self
            .grpc(self.clients.orders.clone().reserve_order(self.req(reserve)))
            .await
        {
            Ok(r) => r.order.unwrap_or_default(),
            Err(status) => return Err(self.abandon(row, "accessory", &status).await),
        };
        row.order_number = Some(order.order_number.clone());
        row.reserved_until = Some(order.reserved_until.clone());
        row.product_name = order.product_name.clone();
        row.category = DeviceCategory::try_from(order.category)
            .unwrap_or_default()
            .slug()
            .into();
        row.needs_installation = order.needs_installation;
        row.device_price_minor = minor(&order.amount);
        row.device_due_minor = row.device_price_minor;
        row = self.save(row).await?;

        // The insurer verifies the order with the seller itself before discounting.
        let discount = insurance::ApplyBundleDiscountRequest {
            quote_id: quote.quote_id,
            customer_id: row.customer_id.clone(),
            order_number: order.order_number,
        };
        match self
            .grpc(
                self.clients
                    .sales
                    .clone()
                    .apply_bundle_discount(self.req(discount)),
            )
            .await
        {
            Ok(r) => apply_discount(&mut row, &r.quote.unwrap_or_default()),
            // No rule for this pair: the bundle is sold at full price.
            Err(status) if status.code() == Code::FailedPrecondition => {
                tracing::info!(checkout = %row.checkout_id, reason = status.message(), "no bundle discount");
            }
            Err(status) => return Err(self.abandon(row, "insurance", &status).await),
        }
        row.state = State::Priced.as_str().into();
        self.save(row).await
    }

    /// Pays both lines with `card` in one payment, then confirms the order and contracts
    /// the policy.
    pub async fn pay(&self, mut row: Row, card: settlement::Card) -> Step<Row> {
        match state(&row) {
            State::Priced => {}
            State::Completed => return Ok(row),
            other => return Err(conflict(format!("this checkout is {}", other.as_str()))),
        }
        row.state = State::Paying.as_str().into();
        row.failure = None;
        let mut row = self.save(row).await?;
        self.checkpoint(&row)?;
        let pay = settlement::PayRequest {
            idempotency_key: key(&row, "pay"),
            payer_id: row.customer_id.clone(),
            card: Some(card),
            lines: payment_lines(&row),
            reference: row.checkout_id.clone(),
        };
        match self
            .grpc(self.clients.settlement.clone().pay(self.req(pay)))
            .await
        {
            Ok(r) => {
                let payment = r.payment.unwrap_or_default();
                if payment.status() == PaymentStatus::Declined {
                    let reason = format!(
                        "card declined: {}; nothing was charged",
                        payment.decline_reason
                    );
                    self.compensate(row, &reason).await;
                    return Err(Problem::new(StatusCode::PAYMENT_REQUIRED, reason));
                }
                row.payment_id = Some(payment.payment_id);
                row.state = State::Paid.as_str().into();
                let row = self.save(row).await?;
                self.checkpoint(&row)?;
                self.finish(row).await
            }
            // The account server says nothing was charged: the customer may try again.
            Err(status) if matches!(status.code(), Code::InvalidArgument | Code::Unavailable) => {
                row.state = State::Priced.as_str().into();
                row.failure = Some(status.message().to_owned());
                self.save(row).await?;
                Err(Problem::from_status("settlement", &status))
            }
            // Outcome unknown: recovery asks the account server later.
            Err(status) => {
                row.failure = Some("payment outcome pending".into());
                self.save(row).await?;
                Err(Problem::from_status("settlement", &status))
            }
        }
    }

    /// Cancels a checkout that was not paid.
    pub async fn cancel(&self, row: Row) -> Step<Row> {
        match state(&row) {
            State::Priced | State::Creating => {
                Ok(self.compensate(row, "cancelled by the customer").await)
            }
            State::Cancelled => Ok(row),
            other => Err(conflict(format!(
                "a {} checkout cannot be cancelled",
                other.as_str()
            ))),
        }
    }

    /// Finishes or compensates checkouts left in flight (e.g. by a restarted gateway):
    /// those untouched for `stale_after`, and priced ones whose reservation ran out.
    /// Returns how many it settled.
    pub async fn recover(&self, stale_after: Duration) -> usize {
        let now = Utc::now();
        let stale = now - chrono::Duration::from_std(stale_after).unwrap_or_default();
        let in_flight = ["creating", "paying", "paid", "refunding"];
        let mut rows = checkouts::unfinished(&self.db, &in_flight, stale)
            .await
            .unwrap_or_default();
        rows.extend(
            checkouts::unfinished(&self.db, &["priced"], now - PRICED_FOR)
                .await
                .unwrap_or_default(),
        );
        let mut settled = 0;
        for row in rows {
            let id = row.checkout_id.clone();
            let done = match state(&row) {
                State::Creating => {
                    terminal(&self.compensate(row, "interrupted before payment").await)
                }
                State::Priced => terminal(
                    &self
                        .compensate(row, "not paid in time; reservation released")
                        .await,
                ),
                State::Paying => self.resume_payment(row).await,
                State::Paid => self.finish(row).await.is_ok(),
                State::Refunding => {
                    terminal(&self.refund(row, "completing an interrupted refund").await)
                }
                _ => false,
            };
            tracing::info!(checkout = %id, done, "recovered checkout");
            settled += usize::from(done);
        }
        settled
    }

    /// A payment whose answer was lost: ask the account server what happened under its key.
    async fn resume_payment(&self, mut row: Row) -> bool {
        let find = settlement::FindPaymentRequest {
            idempotency_key: key(&row, "pay"),
        };
        match self
            .grpc(self.clients.settlement.clone().find_payment(self.req(find)))
            .await
        {
            Ok(r) => {
                let payment = r.payment.unwrap_or_default();
                if payment.status() == PaymentStatus::Declined {
                    let reason = format!(
                        "card declined: {}; nothing was charged",
                        payment.decline_reason
                    );
                    return terminal(&self.compensate(row, &reason).await);
                }
                row.payment_id = Some(payment.payment_id);
                row.state = State::Paid.as_str().into();
                match self.save(row).await {
                    Ok(row) => self.finish(row).await.is_ok(),
                    Err(_) => false,
                }
            }
            Err(s) if s.code() == Code::NotFound => terminal(
                &self
                    .compensate(row, "payment interrupted; nothing was charged")
                    .await,
            ),
            Err(_) => false,
        }
    }

    /// After payment: confirm the order and contract the policy; if either is refused
    /// for good, refund.
    async fn finish(&self, mut row: Row) -> Step<Row> {
        let payment_id = row.payment_id.clone().unwrap_or_default();
        let confirm = accessory::ConfirmOrderRequest {
            order_number: row.order_number.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            payment_id: payment_id.clone(),
        };
        if let Err(status) = self
            .grpc(self.clients.orders.clone().confirm_order(self.req(confirm)))
            .await
        {
            return Err(self.after_payment_failure(row, "accessory", &status).await);
        }
        let contract = insurance::ContractPolicyRequest {
            quote_id: row.quote_id.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            payment_id,
            start_date: String::new(),
        };
        let quote = match self
            .grpc(
                self.clients
                    .sales
                    .clone()
                    .contract_policy(self.req(contract)),
            )
            .await
        {
            Ok(r) => r.quote.unwrap_or_default(),
            Err(status) => return Err(self.after_payment_failure(row, "insurance", &status).await),
        };
        let policy = quote.policy.unwrap_or_default();
        row.policy_number = Some(policy.policy_number);
        row.policy_start = Some(policy.start_date);
        row.policy_end = Some(policy.end_date);
        row.state = State::Completed.as_str().into();
        row.failure = None;
        let row = self.save(row).await?;
        self.clients.notices.completed(&row).await;
        Ok(row)
    }

    async fn after_payment_failure(&self, row: Row, service: &str, status: &Status) -> Problem {
        if matches!(
            status.code(),
            Code::FailedPrecondition | Code::NotFound | Code::InvalidArgument
        ) {
            let reason = format!(
                "{service} refused the purchase after payment ({}); the payment was refunded",
                status.message()
            );
            let row = self.refund(row, &reason).await;
            return conflict(row.failure.unwrap_or(reason));
        }
        // Transient: stay paid; recovery completes it.
        Problem::from_status(service, status)
    }

    async fn refund(&self, mut row: Row, reason: &str) -> Row {
        row.state = State::Refunding.as_str().into();
        row.failure = Some(reason.to_owned());
        let row = match self.save(row.clone()).await {
            Ok(saved) => saved,
            Err(_) => return row,
        };
        let refund = settlement::RefundRequest {
            idempotency_key: key(&row, "refund"),
            payment_id: row.payment_id.clone().unwrap_or_default(),
            reason: reason.to_owned(),
        };
        if let Err(status) = self
            .grpc(self.clients.settlement.clone().refund(self.req(refund)))
            .await
        {
            tracing::warn!(checkout = %row.checkout_id, message = status.message(), "refund failed; will retry");
            return row;
        }
        let mut row = self.release(row).await;
        if row.failure.as_deref() != Some("release failed") {
            row.state = State::Refunded.as_str().into();
        }
        self.save(row.clone()).await.unwrap_or(row)
    }

    /// Undoes a checkout that took no money: releases the reservation, voids the quote.
    async fn compensate(&self, row: Row, reason: &str) -> Row {
        let mut row = self.release(row).await;
        if row.failure.as_deref() != Some("release failed") {
            row.state = State::Cancelled.as_str().into();
            row.failure = Some(reason.to_owned());
        }
        self.save(row.clone()).await.unwrap_or(row)
    }

    /// Cancels the order and voids the quote (both idempotent); marks the row when one of
    /// them could not be reached, so recovery tries again.
    async fn release(&self, mut row: Row) -> Row {
        let mut ok = true;
        if let Some(order_number) = row.order_number.clone() {
            let cancel = accessory::CancelOrderRequest {
                order_number,
                customer_id: row.customer_id.clone(),
                reason: "checkout undone".into(),
            };
            if let Err(s) = self
                .grpc(self.clients.orders.clone().cancel_order(self.req(cancel)))
                .await
            {
                ok &= s.code() == Code::NotFound;
            }
        }
        if let Some(quote_id) = row.quote_id.clone() {
            let void = insurance::VoidQuoteRequest {
                quote_id,
                customer_id: row.customer_id.clone(),
                reason: "checkout undone".into(),
            };
            if let Err(s) = self
                .grpc(self.clients.sales.clone().void_quote(self.req(void)))
                .await
            {
                ok &= s.code() == Code::NotFound;
            }
        }
        if !ok {
            row.failure = Some("release failed".into());
        }
        row
    }

    /// A failure while creating: undo what was done and turn the status into a problem.
    async fn abandon(&self, row: Row, service: &str, status: &Status) -> Problem {
        let problem = Problem::from_status(service, status);
        self.compensate(row, &problem.detail).await;
        problem
    }

    async fn save(&self, row: Row) -> Step<Row> {
        checkouts::save(&self.db, row, Utc::now())
            .await
            .map_err(db_problem)
    }

    fn checkpoint(&self, row: &Row) -> Step<()> {
        if self.crash_after == Some(state(row)) {
            tracing::warn!(checkout = %row.checkout_id, state = %row.state, "test fault: stopping here");
            return Err(Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the gateway stopped (test fault)",
            ));
        }
        Ok(())
    }

    fn req<T>(&self, message: T) -> tonic::Request<T> {
        tandem_mesh::client::request(message, self.call_timeout)
    }

    async fn grpc<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, Status>>,
    ) -> Result<T, Status> {
        match tokio::time::timeout(self.call_timeout + Duration::from_millis(250), call).await {
            Ok(result) => result.map(tonic::Response::into_inner),
            Err(_) => Err(Status::deadline_exceeded("no answer within the deadline")),
        }
    }
}

fn apply_discount(row: &mut Row, quote: &insurance::Quote) {
    let Some(line) = &quote.discount else { return };
    let amount = minor(&line.amount);
    row.discount_description = Some(line.description.clone());
    row.discount_minor = amount;
    row.premium_due_minor = minor(&quote.premium_due);
    if line.target == DiscountTarget::Device as i32 {
        row.discount_target = Some("device".into());
        row.device_due_minor = (row.device_price_minor - amount).max(0);
    } else {
        row.discount_target = Some("premium".into());
    }
}

fn payment_lines(row: &Row) -> Vec<settlement::PaymentLine> {
    let money = |minor_units: i64| {
        Some(Money {
            minor_units,
            currency: row.currency.clone(),
        })
    };
    let mut lines = Vec::new();
    if row.premium_due_minor > 0 {
        lines.push(settlement::PaymentLine {
            payee_account: "merchant:insurance".into(),
            amount: money(row.premium_due_minor),
            reference: format!("quote {}", row.quote_id.as_deref().unwrap_or_default()),
        });
    }
    if row.device_due_minor > 0 {
        lines.push(settlement::PaymentLine {
            payee_account: "merchant:accessory".into(),
            amount: money(row.device_due_minor),
            reference: format!("order {}", row.order_number.as_deref().unwrap_or_default()),
        });
    }
    lines
}

/// The state of a row (a corrupt value reads as cancelled, which nothing acts on).
pub fn state(row: &Row) -> State {
    State::parse(&row.state).unwrap_or(State::Cancelled)
}

fn terminal(row: &Row) -> bool {
    matches!(
        state(row),
        State::Cancelled | State::Refunded | State::Completed
    )
}

fn key(row: &Row, step: &str) -> String {
    format!("{}:{step}", row.checkout_id)
}

fn minor(m: &Option<Money>) -> i64 {
    m.as_ref().map_or(0, |m| m.minor_units)
}

fn currency(m: &Option<Money>) -> String {
    m.as_ref()
        .map_or_else(|| "USD".into(), |m| m.currency.clone())
}

fn conflict(detail: String) -> Problem {
    Problem::new(StatusCode::CONFLICT, detail)
}

fn db_problem(err: sea_orm::DbErr) -> Problem {
    tracing::error!(%err, "checkout log write failed");
    Problem::internal()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Flow {
    /// Books the installer slot for a completed checkout's device through the seller,
    /// which passes on the customer details it holds (claim 15).
    pub async fn arrange(&self, mut row: Row, slot_id: &str) -> Step<Row> {
        if state(&row) != State::Completed {
            return Err(conflict(
                "pay for the checkout before booking an installer".into(),
            ));
        }
        if !row.needs_installation {
            return Err(conflict("this device needs no installer".into()));
        }
        let arrange = accessory::ArrangeInstallationRequest {
            idempotency_key: key(&row, &format!("install:{slot_id}")),
            order_number: row.order_number.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            slot_id: slot_id.to_owned(),
        };
        let booked = self
            .grpc(
                self.clients
                    .orders
                    .clone()
                    .arrange_installation(self.req(arrange)),
            )
            .await
            .map_err(|s| Problem::from_status("accessory", &s))?;
        row.booking_id = Some(booked.booking_id);
        row.installer_name = Some(booked.installer_name);
        row.install_starts_at = Some(booked.starts_at);
        self.save(row).await
    }
}
