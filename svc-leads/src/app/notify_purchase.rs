//! Purchase notices (seed 001, S405–S409): a completed bundle checkout fills the
//! customer's possessed products and queues the order receipt to the customer (with the
//! policyholder, the vehicle and the installation appointment when given); with the
//! customer's consent to tell staff about purchases, a purchase lead is opened and the
//! salesperson is e-mailed the purchase with the options, consumables and attachments
//! they could offer next. Keyed by the checkout ID, so the gateway may retry freely.

use chrono::{DateTime, SubsecRound, Utc};
use tandem_mesh::idempotency::{Done, Key};
use tandem_proto::leads::v1::{NotifyPurchaseRequest, PurchaseLine};

use super::mail::{self, Receipt, Recipient, StaffExtras, money};
use super::open_lead::NewLead;
use super::{App, split_with_lead, with_lead};
use crate::domain::appointment::{APPOINTMENT, Appointment};
use crate::domain::lead::Lead;
use crate::domain::text::{optional_line, required, required_line};
use crate::domain::{InvalidField, LeadKind, ProductInfo, Purpose, parse_customer_id};
use crate::error::LeadsError;
use crate::store::possessed::{self, Possessed};
use crate::store::{customer, outbox, product};

/// Idempotency scope of purchase notices.
const SCOPE: &str = "notify_purchase";

/// What a purchase notice did.
#[derive(Clone, Debug)]
pub struct PurchaseNoted {
    /// Message-ID of the receipt.
    pub receipt_message_id: String,
    /// The purchase lead, with the customer's consent.
    pub lead: Option<Lead>,
    /// What this purchase added to the products the customer owns.
    pub possessed: Vec<Possessed>,
}

/// A device line resolved against the product information.
struct Bought {
    product: Option<ProductInfo>,
    owned: Possessed,
}

impl App {
    /// Records a completed checkout (idempotent by its key, the checkout ID).
    pub async fn notify_purchase(
        &self,
        req: &NotifyPurchaseRequest,
    ) -> Result<PurchaseNoted, LeadsError> {
        let customer_id = parse_customer_id(&req.customer_id)?;
        let id = customer_id.as_str();
        let key = Key::new(SCOPE, &req.idempotency_key, req)?;
        let checkout_id = &required_line("checkout_id", &req.checkout_id, 64)?;
        // A device is bought by an order; a plan alone has none.
        let order_number = if req.lines.iter().any(|l| l.kind == "device") {
            required_line("order_number", &req.order_number, 40)?
        } else {
            optional_line("order_number", &req.order_number, 40)?
        };
        let policy_number = optional_line("policy_number", &req.policy_number, 40)?;
        let policyholder_name = optional_line("policyholder_name", &req.policyholder_name, 100)?;
        let vehicle = optional_line("vehicle", &req.vehicle, 120)?;
        let appointment = Appointment::parse_optional(req.appointment.as_ref(), &APPOINTMENT)?;
        if req.lines.is_empty() {
            return Err(InvalidField::new("lines", "at least one line").into());
        }
        let completed_at = DateTime::parse_from_rfc3339(req.completed_at.trim())
            .map(|t| t.with_timezone(&Utc).trunc_subsecs(6))
            .map_err(|_| InvalidField::new("completed_at", "an RFC 3339 instant"))?;
        let total = required("total", req.total.as_ref())?;
        let mut bought = Vec::new();
        for line in req.lines.iter().filter(|l| l.kind == "device") {
            bought.push(
                self.resolve(line, &order_number, checkout_id, completed_at)
                    .await?,
            );
        }
        let lines: Vec<String> = req.lines.iter().map(describe).collect();
        let total = money(total.minor_units, &total.currency);

        let (noted, queued) = self
            .idempotent(
                Some(&key),
                |txn| async move {
                    // The buyer and their standing consent to tell staff about purchases,
                    // read in the transaction that acts on it.
                    let (buyer, tell_staff) = customer::with_consent(&txn, id, Purpose::Purchases)
                        .await?
                        .ok_or_else(|| LeadsError::CustomerNotFound(id.to_owned()))?;
                    let owned: Vec<Possessed> = bought.iter().map(|b| b.owned.clone()).collect();
                    possessed::add(&txn, id, &owned).await?;
                    let receipt = mail::receipt_message(
                        &self.settings.mail,
                        &Receipt {
                            to: Recipient {
                                customer_id: id,
                                name: &buyer.name,
                                email: &buyer.email,
                            },
                            checkout_id,
                            order_number: &order_number,
                            policy_number: &policy_number,
                            policyholder_name: &policyholder_name,
                            vehicle: &vehicle,
                            lines: lines.clone(),
                            total: total.clone(),
                            appointment: appointment.as_ref(),
                        },
                    )?;
                    let queued =
                        outbox::enqueue_leased(&txn, &receipt, Utc::now(), &self.mail_wake).await?;
                    let lead = if tell_staff {
                        let main = bought.first();
                        let new = NewLead {
                            product: main.and_then(|b| b.product.as_ref()),
                            model_number: main
                                .map(|b| b.owned.model_number.clone())
                                .unwrap_or_default(),
                            product_name: main.map(|b| b.owned.name.clone()).unwrap_or_default(),
                            details: lines.clone(),
                            reference: Some(checkout_id.clone()),
                            ..NewLead::new(LeadKind::Purchase, &buyer)
                        };
                        let extras = StaffExtras {
                            lines,
                            total,
                            order_number: order_number.clone(),
                            ..StaffExtras::default()
                        };
                        Some(
                            self.open_lead(&txn, new, Purpose::Purchases.as_str(), extras)
                                .await?,
                        )
                    } else {
                        None
                    };
                    let result_id = with_lead(&receipt.message_id, lead.as_ref());
                    let noted = PurchaseNoted {
                        receipt_message_id: receipt.message_id,
                        lead,
                        possessed: owned,
                    };
                    Ok(Done::new(txn, result_id, (noted, queued)))
                },
                |result_id| async move {
                    Ok((
                        self.replayed_purchase(id, checkout_id, result_id).await?,
                        None,
                    ))
                },
            )
            .await?;
        // The receipt goes to the dispatcher as committed (a replay queued nothing): any
        // staff e-mail waits for its poll, woken now.
        if noted.lead.is_some() {
            self.wake_mail();
        }
        self.mail_wake.hand(queued);
        tracing::info!(customer_id = %id, checkout_id, told_staff = noted.lead.is_some(), "purchase noted");
        Ok(noted)
    }

    /// A device line with its product information (when the seller's product ID is known).
    async fn resolve(
        &self,
        line: &PurchaseLine,
        order_number: &str,
        checkout_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Bought, LeadsError> {
        let product_id = required_line("lines.product_id", &line.product_id, 40)?;
        let name = required_line("lines.name", &line.name, 200)?;
        let info = match self.products.get(&product_id) {
            Some(info) => Option::clone(&info),
            None => {
                let info = product::by_product_id(&self.db, &product_id).await?;
                self.products.insert(product_id.clone(), info.clone());
                info
            }
        };
        let owned = Possessed {
            model_number: info
                .as_ref()
                .map_or_else(|| product_id.clone(), |p| p.model_number.clone()),
            name: info.as_ref().map_or(name, |p| p.name.clone()),
            product_line: info.as_ref().map_or_else(
                || line.product_line.trim().to_ascii_lowercase(),
                |p| p.product_line.clone(),
            ),
            order_number: order_number.to_owned(),
            checkout_id: checkout_id.to_owned(),
            acquired_at: at,
        };
        Ok(Bought {
            product: info,
            owned,
        })
    }

    /// The answer to a replayed notice: the first receipt and lead, and what the
    /// checkout added to the products the customer owns.
    async fn replayed_purchase(
        &self,
        id: &str,
        checkout_id: &str,
        result_id: String,
    ) -> Result<PurchaseNoted, LeadsError> {
        let (receipt, lead_id) = split_with_lead(&result_id);
        let lead = if lead_id.is_empty() {
            None
        } else {
            Some(self.stored_lead(lead_id).await?)
        };
        Ok(PurchaseNoted {
            receipt_message_id: receipt.to_owned(),
            lead,
            possessed: possessed::of(&self.db, id)
                .await?
                .into_iter()
                .filter(|p| p.checkout_id == checkout_id)
                .collect(),
        })
    }
}

/// "Device: Roadlens RL-2 Duo × 1 — USD 219.00".
fn describe(line: &PurchaseLine) -> String {
    let kind = match line.kind.as_str() {
        "device" => "Device",
        "insurance" => "Insurance plan",
        _ => "Item",
    };
    let name: String = line
        .name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let amount = line.amount.as_ref().map_or_else(String::new, |m| {
        format!(" — {}", money(m.minor_units, &m.currency))
    });
    format!("{kind}: {name} × {}{amount}", line.quantity.max(1))
}
