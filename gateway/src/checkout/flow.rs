//! The checkout steps in the order a customer goes through them.

use std::time::Duration;

use chrono::Utc;
use prost::Message;
use sea_orm::DatabaseConnection;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::accessory_orders_client::AccessoryOrdersClient;
use tandem_proto::accessory::v1::{self as accessory, DeviceCategory};
use tandem_proto::insurance::v1::insurance_sales_client::InsuranceSalesClient;
use tandem_proto::insurance::v1::{self as insurance, RatingConditions};
use tandem_proto::leads::v1::Customer;
use tandem_proto::settlement::v1::settlement_client::SettlementClient;
use tandem_proto::settlement::v1::{self as settlement, PaymentStatus};
use tonic::transport::Channel;
use tonic::{Code, Status};

use super::pricing::{apply_discount, currency, key, minor, payment_lines};
use super::{CheckoutError, State};
use crate::store::checkouts;
use crate::store::entity::checkout::Model as Row;

/// Clients of the servers a checkout involves.
#[derive(Clone)]
pub struct Clients {
    /// The insurer's sales service.
    pub sales: InsuranceSalesClient<Channel>,
    /// The seller's order service.
    pub orders: AccessoryOrdersClient<Channel>,
    /// The account server.
    pub settlement: SettlementClient<Channel>,
    /// Purchase notices to the sales desk (svc-leads), queued with the completion.
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
    pub(super) db: DatabaseConnection,
    /// The servers involved.
    pub(super) clients: Clients,
    /// Deadline of one call.
    call_timeout: Duration,
    /// Test faults (feature `fault-injection`; production builds have none).
    #[cfg(feature = "fault-injection")]
    faults: super::Faults,
}

/// A step's result: the checkout, or what went wrong.
pub(super) type Step<T> = Result<T, CheckoutError>;

impl Flow {
    /// A flow over `db` calling `clients`.
    pub fn new(db: DatabaseConnection, clients: Clients, call_timeout: Duration) -> Self {
        Self {
            db,
            clients,
            call_timeout,
            #[cfg(feature = "fault-injection")]
            faults: super::Faults::default(),
        }
    }

    /// The same flow with test `faults`.
    #[cfg(feature = "fault-injection")]
    pub fn with_faults(self, faults: super::Faults) -> Self {
        Self { faults, ..self }
    }

    /// The checkout `id` if it is `customer_id`'s.
    pub async fn find(&self, customer_id: &str, id: &str) -> Step<Row> {
        checkouts::find_for(&self.db, id, customer_id)
            .await?
            .ok_or_else(|| CheckoutError::NotFound(id.to_owned()))
    }

    /// Quotes the plan and reserves the device (at once: they are independent), then asks
    /// the insurer for the bundle discount; returns the priced checkout. Any failure undoes
    /// what was done. The log is written when the checkout starts and once it is priced:
    /// a crash in between is undone by recovery through the steps' idempotency keys.
    pub async fn create(&self, new: NewCheckout) -> Step<Row> {
        let mut row = checkouts::insert(&self.db, new_row(&new)).await?;

        let quote = insurance::CreateQuoteRequest {
            idempotency_key: key(&row, "quote"),
            customer_id: row.customer_id.clone(),
            plan_id: new.plan_id,
            conditions: Some(new.conditions),
        };
        let c = new.customer;
        let reserve = accessory::ReserveOrderRequest {
            idempotency_key: key(&row, "reserve"),
            customer: Some(accessory::CustomerInfo {
                customer_id: c.customer_id,
                name: c.name,
                email: c.email,
                phone: c.phone,
                address: c.address,
            }),
            product_id: new.product_id,
            quantity: 1,
        };
        let (mut sales, mut orders) = (self.clients.sales.clone(), self.clients.orders.clone());
        let (quote, order) = tokio::join!(
            self.grpc(sales.create_quote(self.req(quote))),
            self.grpc(orders.reserve_order(self.req(reserve))),
        );
        if let Ok(r) = &quote {
            let quote = r.quote.clone().unwrap_or_default();
            row.quote_id = Some(quote.quote_id.clone());
            row.plan_name = quote.plan.map(|p| p.name).unwrap_or_default();
            row.currency = currency(&quote.premium);
            row.premium_minor = minor(&quote.premium);
            row.premium_due_minor = minor(&quote.premium_due);
        }
        if let Ok(r) = &order {
            let order = r.order.clone().unwrap_or_default();
            row.order_number = Some(order.order_number.clone());
            row.reserved_until = Some(order.reserved_until);
            row.product_name = order.product_name;
            row.category = DeviceCategory::try_from(order.category)
                .unwrap_or_default()
                .slug()
                .into();
            row.needs_installation = order.needs_installation;
            row.device_price_minor = minor(&order.amount);
            row.device_due_minor = row.device_price_minor;
        }
        match (quote, order) {
            (Err(status), _) => return Err(self.abandon(row, "insurance", status).await),
            (_, Err(status)) => return Err(self.abandon(row, "accessory", status).await),
            _ => {}
        }
        self.checkpoint(State::Creating, &row)?;

        // The insurer verifies the order with the seller itself before discounting.
        let discount = insurance::ApplyBundleDiscountRequest {
            quote_id: row.quote_id.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            order_number: row.order_number.clone().unwrap_or_default(),
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
            Err(status) => return Err(self.abandon(row, "insurance", status).await),
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
            other => return Err(CheckoutError::NotPayable(other)),
        }
        row.state = State::Paying.as_str().into();
        row.failure = None;
        let mut row = self.save(row).await?;
        self.checkpoint(State::Paying, &row)?;
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
                    let declined = CheckoutError::Declined(payment.decline_reason);
                    self.compensate(row, &declined.to_string()).await;
                    return Err(declined);
                }
                // The log still says "paying": a crash from here on is resumed from the
                // account server's record of the payment (FindPayment), so finishing
                // needs no write first.
                row.payment_id = Some(payment.payment_id);
                self.checkpoint(State::Paid, &row)?;
                self.finish(row).await
            }
            // The account server says nothing was charged: the customer may try again.
            Err(status) if matches!(status.code(), Code::InvalidArgument | Code::Unavailable) => {
                row.state = State::Priced.as_str().into();
                row.failure = Some(status.message().to_owned());
                self.save(row).await?;
                Err(CheckoutError::peer("settlement", status))
            }
            // Outcome unknown: recovery asks the account server later.
            Err(status) => {
                row.failure = Some("payment outcome pending".into());
                self.save(row).await?;
                Err(CheckoutError::peer("settlement", status))
            }
        }
    }

    /// After payment: confirm the order and contract the policy (at once: they are
    /// independent); if either is refused for good, refund.
    pub(super) async fn finish(&self, mut row: Row) -> Step<Row> {
        let payment_id = row.payment_id.clone().unwrap_or_default();
        let confirm = accessory::ConfirmOrderRequest {
            order_number: row.order_number.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            payment_id: payment_id.clone(),
        };
        let contract = insurance::ContractPolicyRequest {
            quote_id: row.quote_id.clone().unwrap_or_default(),
            customer_id: row.customer_id.clone(),
            payment_id,
            start_date: String::new(),
        };
        let (mut orders, mut sales) = (self.clients.orders.clone(), self.clients.sales.clone());
        let (confirmed, contracted) = tokio::join!(
            self.grpc(orders.confirm_order(self.req(confirm))),
            self.grpc(sales.contract_policy(self.req(contract))),
        );
        if let Err(status) = confirmed {
            return Err(self.after_payment_failure(row, "accessory", status).await);
        }
        let quote = match contracted {
            Ok(r) => r.quote.unwrap_or_default(),
            Err(status) => return Err(self.after_payment_failure(row, "insurance", status).await),
        };
        let policy = quote.policy.unwrap_or_default();
        row.policy_number = Some(policy.policy_number);
        row.policy_start = Some(policy.start_date);
        row.policy_end = Some(policy.end_date);
        row.state = State::Completed.as_str().into();
        row.failure = None;
        let notice = super::Notices::message(&row);
        let row = checkouts::complete(&self.db, row, notice, Utc::now()).await?;
        tandem_mesh::metrics::global().record_checkout(State::Completed.as_str());
        self.clients.notices.queued();
        Ok(row)
    }

    /// Cancels a checkout that was not paid.
    pub async fn cancel(&self, row: Row) -> Step<Row> {
        match state(&row) {
            State::Priced | State::Creating => {
                Ok(self.compensate(row, "cancelled by the customer").await)
            }
            State::Cancelled => Ok(row),
            other => Err(CheckoutError::NotCancellable(other)),
        }
    }

    /// Books the installer slot for a completed checkout's device through the seller,
    /// which passes on the customer details it holds (claim 15).
    pub async fn arrange(&self, mut row: Row, slot_id: &str) -> Step<Row> {
        if state(&row) != State::Completed {
            return Err(CheckoutError::NotPaid);
        }
        if !row.needs_installation {
            return Err(CheckoutError::NoInstallation);
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
            .map_err(|s| CheckoutError::peer("accessory", s))?;
        row.booking_id = Some(booked.booking_id);
        row.installer_name = Some(booked.installer_name);
        row.install_starts_at = Some(booked.starts_at);
        self.save(row).await
    }

    /// Writes the row to the checkout log.
    pub(super) async fn save(&self, row: Row) -> Step<Row> {
        Ok(checkouts::save(&self.db, row, Utc::now()).await?)
    }

    /// Test fault: stops the checkout here when it has just reached `reached`.
    #[cfg(feature = "fault-injection")]
    fn checkpoint(&self, reached: State, row: &Row) -> Step<()> {
        if self.faults.crash_after == Some(reached) {
            tracing::warn!(checkout = %row.checkout_id, state = reached.as_str(), "test fault: stopping here");
            return Err(CheckoutError::Stopped);
        }
        Ok(())
    }

    /// Production builds have no test faults.
    #[cfg(not(feature = "fault-injection"))]
    fn checkpoint(&self, _reached: State, _row: &Row) -> Step<()> {
        Ok(())
    }

    /// `message` with this flow's deadline and the current trace context.
    pub(super) fn req<T>(&self, message: T) -> tonic::Request<T> {
        tandem_mesh::client::request(message, self.call_timeout)
    }

    /// Awaits `call`, giving up shortly after the deadline it carries.
    pub(super) async fn grpc<T>(
        &self,
        call: impl Future<Output = Result<tonic::Response<T>, Status>>,
    ) -> Result<T, Status> {
        match tokio::time::timeout(self.call_timeout + Duration::from_millis(250), call).await {
            Ok(result) => result.map(tonic::Response::into_inner),
            Err(_) => Err(Status::deadline_exceeded("no answer within the deadline")),
        }
    }
}

/// The log row of a checkout that is starting.
pub(super) fn new_row(new: &NewCheckout) -> Row {
    let now = Utc::now();
    Row {
        checkout_id: format!("CHK-{}", uuid::Uuid::new_v4().simple()),
        customer_id: new.customer.customer_id.clone(),
        state: State::Creating.as_str().into(),
        plan_id: new.plan_id.clone(),
        plan_name: String::new(),
        conditions: tandem_mesh::hex::encode(&new.conditions.encode_to_vec()),
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
    }
}

/// The state of a row (a corrupt value reads as cancelled, which nothing acts on).
pub fn state(row: &Row) -> State {
    State::parse(&row.state).unwrap_or(State::Cancelled)
}
