//! Replies in the contract's terms: devices, orders and the sales center's answers as
//! protobuf messages.

use tandem_proto::MoneyExt;
use tandem_proto::accessory::v1;
use tandem_proto::accessory::v1::{
    ArrangeInstallationResponse, BenefitParticular, BuybackDesignation, CancelOrderResponse,
    Product, PurchasedGoods,
};
use tandem_proto::common::v1::Money;

use crate::domain::Device;
use crate::domain::benefit::{BenefitRule, Designation};
use crate::domain::buyback_result::BuybackResult;
use crate::domain::installation::Appointment;
use crate::domain::order::{Order, OrderStatus};

/// A device of the catalogue.
pub(super) fn product(device: &Device) -> Product {
    Product {
        product_id: device.product_id.clone(),
        maker: device.maker.clone(),
        model: device.model.clone(),
        name: device.name.clone(),
        category: device.category as i32,
        description: device.description.clone(),
        price: Some(Money::of(device.price_minor, &device.currency)),
        stock: device.stock,
        compatible_classes: device.compatible.iter().map(|c| *c as i32).collect(),
        needs_installation: device.needs_installation,
        purchase_path: device.purchase_path(),
    }
}

/// An order as its customer sees it.
pub(super) fn order(order: &Order) -> v1::Order {
    let status = match order.status {
        OrderStatus::Reserved => v1::OrderStatus::Reserved,
        OrderStatus::Confirmed => v1::OrderStatus::Confirmed,
        OrderStatus::Cancelled => v1::OrderStatus::Cancelled,
        OrderStatus::Shipped => v1::OrderStatus::Shipped,
    };
    v1::Order {
        order_number: order.order_number.clone(),
        customer_id: order.buyer.customer_id.clone(),
        product_id: order.product_id.clone(),
        product_name: order.product_name.clone(),
        category: order.category as i32,
        quantity: order.quantity,
        unit_price: Some(Money::of(order.unit_price_minor, &order.currency)),
        amount: Some(Money::of(order.amount_minor, &order.currency)),
        status: status as i32,
        reserved_until: order.reserved_until.to_rfc3339(),
        payment_id: order.payment_id.clone().unwrap_or_default(),
        booking_id: order.live_booking().unwrap_or_default().to_owned(),
        needs_installation: order.needs_installation,
        created_at: order.created_at.to_rfc3339(),
        shipped_at: order.shipped_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        carrier_reference: order.carrier_reference.clone().unwrap_or_default(),
        appointment: order.appointment.as_ref().map(appointment),
    }
}

/// An installation appointment.
fn appointment(a: &Appointment) -> v1::Appointment {
    v1::Appointment {
        booking_id: a.booking_id.clone(),
        installer_id: a.installer_id.clone(),
        installer_name: a.installer_name.clone(),
        installer_address: Some(a.installer_address.clone()),
        installer_phone: a.installer_phone.clone(),
        starts_at: a.starts_at.clone(),
        ends_at: a.ends_at.clone(),
        time_zone: a.time_zone.clone(),
        cancelled_at: a.cancelled_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
    }
}

/// A cancelled order with what the customer must get back when it had been paid.
pub(super) fn cancellation(order: &Order) -> CancelOrderResponse {
    let refund = order.refund_due();
    CancelOrderResponse {
        order: Some(self::order(order)),
        refund: refund
            .as_ref()
            .map(|r| Money::of(r.amount_minor, &r.currency)),
        payment_id: refund
            .as_ref()
            .map(|r| r.payment_id.clone())
            .unwrap_or_default(),
        payment_reference: refund.map(|r| r.payment_reference).unwrap_or_default(),
    }
}

/// An order with its (new) installation appointment.
pub(super) fn installation(order: &Order) -> ArrangeInstallationResponse {
    let a = order.appointment.clone().unwrap_or_default();
    ArrangeInstallationResponse {
        order: Some(self::order(order)),
        booking_id: a.booking_id.clone(),
        installer_id: a.installer_id.clone(),
        installer_name: a.installer_name.clone(),
        starts_at: a.starts_at.clone(),
        appointment: order.appointment.as_ref().map(appointment),
    }
}

/// The designation of the buy-back center; not targeted when there is none.
pub(super) fn designation(designation: Option<Designation>) -> BuybackDesignation {
    let Some(d) = designation else {
        return BuybackDesignation::default();
    };
    BuybackDesignation {
        targeted: true,
        center_id: d.center_id.into(),
        center_name: d.center_name.into(),
        apply_path: d.apply_path.into(),
        how_to_apply: d.how_to_apply,
        benefits: d.benefits.iter().map(particular).collect(),
    }
}

/// One benefit particular of the benefit table.
pub(super) fn particular(rule: &BenefitRule) -> BenefitParticular {
    BenefitParticular {
        rule_id: rule.rule_id.clone(),
        used_category: rule.used_category as i32,
        used_maker: rule.used_maker.clone(),
        used_model: rule.used_model.clone(),
        amount: Some(Money::of(rule.amount_minor, &rule.currency)),
        description: rule.description.clone(),
    }
}

/// The goods an order bought.
pub(super) fn goods(order: &Order, device: &Device) -> PurchasedGoods {
    PurchasedGoods {
        product_id: order.product_id.clone(),
        maker: device.maker.clone(),
        model: device.model.clone(),
        name: order.product_name.clone(),
        category: device.category as i32,
        quantity: order.quantity,
        purchased_at: order.created_at.to_rfc3339(),
    }
}

/// A buy-back result as recorded.
pub(super) fn buyback_result(r: &BuybackResult) -> v1::BuybackResult {
    v1::BuybackResult {
        application_id: r.application_id.clone(),
        order_number: r.order_number.clone(),
        center_id: r.center_id.clone(),
        used_item: Some(v1::UsedItem {
            category: r.used_item.category as i32,
            maker: r.used_item.maker.clone(),
            model: r.used_item.model.clone(),
        }),
        grade: r.grade.clone(),
        price: Some(Money::of(r.price_minor, &r.currency)),
        benefit: Some(Money::of(r.benefit_minor, &r.currency)),
        payout_id: r.payout_id.clone(),
        paid_at: r.paid_at.to_rfc3339(),
        recorded_at: r.recorded_at.to_rfc3339(),
    }
}
