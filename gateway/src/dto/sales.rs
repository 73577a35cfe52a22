//! The sales desk as the REST API shows and takes it (seed 001): product information
//! with related items, the contact request and its receipt, consents and their history,
//! and the registration update with its consent question.

use serde::{Deserialize, Serialize};
use tandem_proto::EnumSlug;
use tandem_proto::leads::v1 as leads;
use utoipa::{IntoParams, ToSchema};

// One money shape in the whole API (with its display form); a second `Money` schema
// here replaced the first in the document.
use super::{Address, Money};

/// An item that goes with a product.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedItem {
    /// attachment, consumable or option.
    pub kind: &'static str,
    /// Its model number (may be empty).
    pub model_number: String,
    /// Name.
    pub name: String,
    /// Note.
    pub note: String,
}

/// Product information (FIG. 10).
#[derive(Debug, Serialize, ToSchema)]
pub struct Product {
    /// Model number: the key.
    pub model_number: String,
    /// Name.
    pub name: String,
    /// Maker.
    pub maker: String,
    /// Product line, e.g. "dashcam", "ev_charger".
    pub product_line: String,
    /// Catalogue / information number.
    pub info_number: String,
    /// Special note.
    pub special_note: String,
    /// Description.
    pub description: String,
    /// List price, when published.
    pub list_price: Option<Money>,
    /// The device's product ID when it can be bought online with an insurance plan.
    pub product_id: Option<String>,
    /// Options, consumables and attachments.
    pub related: Vec<RelatedItem>,
}

impl From<leads::ProductInfo> for Product {
    fn from(p: leads::ProductInfo) -> Self {
        Self {
            related: p
                .related
                .iter()
                .map(|r| RelatedItem {
                    kind: r.kind().slug(),
                    model_number: r.model_number.clone(),
                    name: r.name.clone(),
                    note: r.note.clone(),
                })
                .collect(),
            model_number: p.model_number,
            name: p.name,
            maker: p.maker,
            product_line: p.product_line,
            info_number: p.info_number,
            special_note: p.special_note,
            description: p.description,
            list_price: p.list_price.map(Money::from),
            product_id: (!p.product_id.is_empty()).then_some(p.product_id),
        }
    }
}

/// The product list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    /// By product line, then name.
    pub products: Vec<Product>,
}

/// Filter of the product list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ProductQuery {
    /// Only this product line.
    #[serde(default)]
    pub product_line: String,
}

/// A contact request (FIG. 7).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactBody {
    /// The product's model number (the form's hidden field).
    pub model_number: String,
    /// Phone to call back; empty for the registered one.
    #[serde(default)]
    pub phone: String,
    /// E-mail to answer to; empty for the registered one.
    #[serde(default)]
    pub email: String,
    /// Question or comment, at most 2,000 characters.
    #[serde(default)]
    pub comment: String,
    /// send_information, visit, phone_call: at least one.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Optional: the same key sent twice (a double click) makes one request.
    #[serde(default)]
    pub idempotency_key: String,
}

/// What became of a contact request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactReceipt {
    /// The lead's ID.
    pub lead_id: String,
    /// The product.
    pub product_name: String,
    /// The salesperson who will get in touch (empty when the sales desk will).
    pub staff_name: String,
    /// What was asked for.
    pub actions: Vec<String>,
}

/// One consent: the purpose, the standing decision and the wording to show.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consent {
    /// registration_updates, purchases or product_interest.
    #[schema(value_type = crate::enums::ConsentPurpose)]
    pub purpose: &'static str,
    /// The standing decision (false when never asked).
    pub granted: bool,
    /// The wording to show.
    pub wording: String,
    /// Its version, to send back with a decision.
    pub wording_version: String,
    /// When the standing decision was made (RFC 3339), if ever.
    pub recorded_at: Option<String>,
}

impl From<leads::ConsentState> for Consent {
    fn from(s: leads::ConsentState) -> Self {
        Self {
            purpose: s.purpose().slug(),
            granted: s.granted,
            wording: s.wording,
            wording_version: s.wording_version,
            recorded_at: s.last.map(|l| l.recorded_at),
        }
    }
}

/// The customer's consents and their history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consents {
    /// One per purpose.
    pub consents: Vec<Consent>,
    /// Every decision, newest first.
    pub history: Vec<ConsentRecord>,
}

/// One recorded decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentRecord {
    /// The purpose.
    #[schema(value_type = crate::enums::ConsentPurpose)]
    pub purpose: &'static str,
    /// Given or withdrawn.
    pub granted: bool,
    /// The wording version shown.
    pub wording_version: String,
    /// When (RFC 3339).
    pub recorded_at: String,
    /// Where: settings, confirmation_page.
    pub source: String,
}

/// A consent decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConsentBody {
    /// Give (true) or withdraw (false).
    pub granted: bool,
    /// The wording version shown.
    pub wording_version: String,
}

/// The standing decision after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentChanged {
    /// The consent now.
    pub consent: Consent,
    /// E-mails to staff that were still queued and are now cancelled.
    pub cancelled_messages: u32,
}

/// A product the customer owns.
#[derive(Debug, Serialize, ToSchema)]
pub struct Possessed {
    /// Model number.
    pub model_number: String,
    /// Name.
    pub name: String,
    /// When the order was confirmed (RFC 3339).
    pub acquired_at: String,
    /// Its order number.
    pub order_number: String,
}

/// The registered information (FIG. 14A) with the consent question of FIG. 15.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registration {
    /// Customer ID.
    pub customer_id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: Address,
    /// Office (company).
    pub office: String,
    /// Section.
    pub section: String,
    /// Office phone.
    pub office_phone: String,
    /// Products owned, from confirmed orders.
    pub possessed_products: Vec<Possessed>,
    /// The question asked before a change is forwarded to the salesperson.
    pub consent: Consent,
}

impl Registration {
    /// The customer's registered information with the consent question `consent`.
    pub fn new(c: leads::Customer, consent: Consent) -> Self {
        Self {
            customer_id: c.customer_id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address.unwrap_or_default().into(),
            office: c.office,
            section: c.section,
            office_phone: c.office_phone,
            possessed_products: c
                .possessed_products
                .into_iter()
                .map(|p| Possessed {
                    model_number: p.model_number,
                    name: p.name,
                    acquired_at: p.acquired_at,
                    order_number: p.order_number,
                })
                .collect(),
            consent,
        }
    }
}

/// A registration update, sent from the notice-confirmation page with the customer's
/// answer to the consent question.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegistrationUpdate {
    /// New name; empty or absent: unchanged.
    #[serde(default)]
    pub name: String,
    /// New e-mail.
    #[serde(default)]
    pub email: String,
    /// New phone.
    #[serde(default)]
    pub phone: String,
    /// New address (replaces the whole address).
    #[serde(default)]
    pub address: Option<Address>,
    /// New office.
    #[serde(default)]
    pub office: String,
    /// New section.
    #[serde(default)]
    pub section: String,
    /// New office phone.
    #[serde(default)]
    pub office_phone: String,
    /// May the change be sent to the salesperson?
    pub forward_to_staff: bool,
    /// The wording version the customer was shown.
    pub consent_wording_version: String,
    /// Optional: the same key sent twice makes one update.
    #[serde(default)]
    pub idempotency_key: String,
}

/// The outcome of a registration update.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationUpdated {
    /// The registered information now.
    pub registration: Registration,
    /// The fields that changed.
    pub changed_fields: Vec<String>,
    /// Whether the change is being e-mailed to the salesperson.
    pub forwarded: bool,
    /// Who gets it (when forwarded).
    pub staff_name: String,
}

impl From<leads::GetConsentsResponse> for Consents {
    fn from(all: leads::GetConsentsResponse) -> Self {
        Self {
            consents: all.consents.into_iter().map(Consent::from).collect(),
            history: all
                .history
                .into_iter()
                .map(|r| ConsentRecord {
                    purpose: r.purpose().slug(),
                    granted: r.granted,
                    wording_version: r.wording_version,
                    recorded_at: r.recorded_at,
                    source: r.source,
                })
                .collect(),
        }
    }
}
