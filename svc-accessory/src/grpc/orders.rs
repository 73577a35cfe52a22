//! The `AccessoryOrders` gRPC service.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tandem_mesh::ClientConfig;
use tandem_mesh::status::InvalidField;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::accessory_orders_server::AccessoryOrders;
use tandem_proto::accessory::v1::*;
use tandem_proto::common::v1::{Address, Money};
use tandem_proto::install::v1::installers_client::InstallersClient;
use tandem_proto::install::v1::{BookInstallationRequest, InstallCustomer};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::domain::OrderNumber;
use crate::domain::order::{self, OrderStatus};
use crate::error::AccessoryError;
use crate::store;
use crate::store::entity::sales_order;
use crate::store::order::{self as orders, Buyer};

/// The order service state.
pub struct OrderService {
    /// The accessory database.
    db: DatabaseConnection,
    /// The installer server, to which confirmed orders are handed for fitting.
    install: Channel,
    /// Deadlines for calls to the installer server.
    client: ClientConfig,
}

impl OrderService {
    /// A service over `db` that books installations on `install`.
    pub fn new(db: DatabaseConnection, install: Channel, client: ClientConfig) -> Self {
        Self {
            db,
            install,
            client,
        }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl AccessoryOrders for OrderService {
    async fn reserve_order(
        &self,
        request: Request<ReserveOrderRequest>,
    ) -> Reply<ReserveOrderResponse> {
        let req = request.into_inner();
        tandem_mesh::idempotency::validate_key(&req.idempotency_key)
            .map_err(AccessoryError::from)?;
        let buyer = buyer(req.customer.as_ref())?;
        let quantity = order::quantity(req.quantity)?;
        if req.product_id.trim().is_empty() {
            return Err(AccessoryError::from(InvalidField::new("product_id", "required")).into());
        }
        let device = store::product(&self.db, &req.product_id)
            .await
            .map_err(AccessoryError::from)?
            .ok_or_else(|| AccessoryError::ProductNotFound(req.product_id.clone()))?;
        let fingerprint = tandem_mesh::idempotency::fingerprint(&req);
        let row = orders::reserve(
            &self.db,
            &req.idempotency_key,
            &fingerprint,
            &buyer,
            &device,
            quantity,
            Utc::now(),
        )
        .await?;
        Ok(Response::new(ReserveOrderResponse {
            order: Some(to_proto(&row)?),
        }))
    }

    async fn get_order(&self, request: Request<GetOrderRequest>) -> Reply<GetOrderResponse> {
        let req = request.into_inner();
        let row = orders::find_for(&self.db, &number(&req.order_number)?, &req.customer_id).await?;
        Ok(Response::new(GetOrderResponse {
            order: Some(to_proto(&row)?),
        }))
    }

    async fn verify_order(
        &self,
        request: Request<VerifyOrderRequest>,
    ) -> Reply<VerifyOrderResponse> {
        let req = request.into_inner();
        let row = orders::find_for(&self.db, &number(&req.order_number)?, &req.customer_id).await?;
        Ok(Response::new(VerifyOrderResponse {
            order: Some(to_proto(&row)?),
        }))
    }

    async fn confirm_order(
        &self,
        request: Request<ConfirmOrderRequest>,
    ) -> Reply<ConfirmOrderResponse> {
        let req = request.into_inner();
        if req.payment_id.trim().is_empty() {
            return Err(AccessoryError::from(InvalidField::new("payment_id", "required")).into());
        }
        let row = orders::confirm(
            &self.db,
            &number(&req.order_number)?,
            &req.customer_id,
            &req.payment_id,
            Utc::now(),
        )
        .await?;
        // The confirmation designates the buy-back center for targeted goods (seed 004).
        let device = super::sales_center::bought(&self.db, &row).await?;
        let table = store::buyback::benefit_table(&self.db)
            .await
            .map_err(AccessoryError::from)?;
        Ok(Response::new(ConfirmOrderResponse {
            order: Some(to_proto(&row)?),
            buyback: Some(super::sales_center::designation(
                &table,
                &device,
                &row.order_number,
            )),
        }))
    }

    async fn cancel_order(
        &self,
        request: Request<CancelOrderRequest>,
    ) -> Reply<CancelOrderResponse> {
        let req = request.into_inner();
        let order_number = if req.order_number.trim().is_empty() && !req.reservation_key.is_empty()
        {
            orders::reserved_with(&self.db, &req.reservation_key)
                .await?
                .ok_or(AccessoryError::OrderNotFound)?
        } else {
            req.order_number
        };
        let row = orders::cancel(
            &self.db,
            &number(&order_number)?,
            Some(&req.customer_id),
            Utc::now(),
        )
        .await?;
        tracing::info!(order = %row.order_number, reason = %req.reason, "order cancelled");
        Ok(Response::new(CancelOrderResponse {
            order: Some(to_proto(&row)?),
        }))
    }

    async fn arrange_installation(
        &self,
        request: Request<ArrangeInstallationRequest>,
    ) -> Reply<ArrangeInstallationResponse> {
        let (metadata, _, req) = request.into_parts();
        tandem_mesh::idempotency::validate_key(&req.idempotency_key)
            .map_err(AccessoryError::from)?;
        if req.slot_id.trim().is_empty() {
            return Err(AccessoryError::from(InvalidField::new("slot_id", "required")).into());
        }
        let current =
            orders::find_for(&self.db, &number(&req.order_number)?, &req.customer_id).await?;
        if orders::status_of(&current)? != OrderStatus::Confirmed {
            return Err(AccessoryError::NotAllowed(order::NotAllowed(
                "only a paid order can be installed".into(),
            ))
            .into());
        }
        if !current.needs_installation {
            return Err(AccessoryError::NotAllowed(order::NotAllowed(
                "this device needs no installer".into(),
            ))
            .into());
        }
        // The seller hands the customer details it registered with the order to the
        // installer (seed 000, claim 15): the customer is not asked again.
        let booking = BookInstallationRequest {
            idempotency_key: format!("{}:{}", current.order_number, req.idempotency_key),
            slot_id: req.slot_id.clone(),
            order_number: current.order_number.clone(),
            product_id: current.product_id.clone(),
            category: category(&current)? as i32,
            customer: Some(InstallCustomer {
                customer_id: current.customer_id.clone(),
                name: current.customer_name.clone(),
                phone: current.customer_phone.clone(),
                email: current.customer_email.clone(),
                address: Some(address(&current)),
            }),
        };
        let budget = tandem_mesh::client::budget(&metadata, self.client.call_timeout);
        let booked = InstallersClient::new(self.install.clone())
            .book_installation(tandem_mesh::client::request(booking, budget))
            .await
            .map_err(AccessoryError::Installer)?
            .into_inner()
            .booking
            .ok_or_else(|| AccessoryError::Installer(Status::internal("empty booking")))?;
        let row = orders::set_booking(&self.db, current, &booked.booking_id, Utc::now()).await?;
        let installer = booked.installer.unwrap_or_default();
        Ok(Response::new(ArrangeInstallationResponse {
            order: Some(to_proto(&row)?),
            booking_id: booked.booking_id,
            installer_id: installer.installer_id,
            installer_name: installer.name,
            starts_at: booked.slot.map(|s| s.starts_at).unwrap_or_default(),
        }))
    }
}

fn number(raw: &str) -> Result<OrderNumber, AccessoryError> {
    Ok(OrderNumber::parse(raw, "order_number")?)
}

fn buyer(customer: Option<&CustomerInfo>) -> Result<Buyer, AccessoryError> {
    let c = customer.ok_or_else(|| InvalidField::new("customer", "required"))?;
    let a = c.address.clone().unwrap_or_default();
    for (field, value) in [
        ("customer.customer_id", &c.customer_id),
        ("customer.name", &c.name),
        ("customer.phone", &c.phone),
        ("customer.address.line1", &a.line1),
        ("customer.address.postal_code", &a.postal_code),
    ] {
        if value.trim().is_empty() {
            return Err(InvalidField::new(field, "required").into());
        }
    }
    Ok(Buyer {
        customer_id: c.customer_id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        address: [a.line1, a.line2, a.city, a.region, a.postal_code, a.country],
    })
}

fn category(row: &sales_order::Model) -> Result<DeviceCategory, AccessoryError> {
    DeviceCategory::from_slug(&row.category).ok_or_else(|| {
        AccessoryError::Db(sea_orm::DbErr::Custom(format!(
            "unknown category {:?}",
            row.category
        )))
    })
}

fn address(row: &sales_order::Model) -> Address {
    Address {
        line1: row.address_line1.clone(),
        line2: row.address_line2.clone(),
        city: row.city.clone(),
        region: row.region.clone(),
        postal_code: row.postal_code.clone(),
        country: row.country.clone(),
    }
}

fn to_proto(row: &sales_order::Model) -> Result<Order, AccessoryError> {
    let status = match orders::status_of(row)? {
        OrderStatus::Reserved => OrderStatus_::Reserved,
        OrderStatus::Confirmed => OrderStatus_::Confirmed,
        OrderStatus::Cancelled => OrderStatus_::Cancelled,
    };
    let money = |minor: i64| {
        Some(Money {
            minor_units: minor,
            currency: row.currency.clone(),
        })
    };
    Ok(Order {
        order_number: row.order_number.clone(),
        customer_id: row.customer_id.clone(),
        product_id: row.product_id.clone(),
        product_name: row.product_name.clone(),
        category: category(row)? as i32,
        quantity: u32::try_from(row.quantity).unwrap_or_default(),
        unit_price: money(row.unit_price_minor),
        amount: money(row.amount_minor),
        status: status as i32,
        reserved_until: row.reserved_until.to_rfc3339(),
        payment_id: row.payment_id.clone().unwrap_or_default(),
        booking_id: row.booking_id.clone().unwrap_or_default(),
        needs_installation: row.needs_installation,
        created_at: row.created_at.to_rfc3339(),
    })
}

use tandem_proto::accessory::v1::OrderStatus as OrderStatus_;
