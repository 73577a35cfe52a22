//! The sales desk over REST (seed 001): product information with related items, "contact
//! sales staff", the registration update with its consent question, and the customer's
//! consents. Everything but the product information needs a signed-in customer.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use tandem_proto::common::v1::Money as ProtoMoney;
use tandem_proto::leads::v1 as leads;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::customers::Address;
use super::{AppState, JsonBody, PathId, call};
use crate::auth::{self, SignedIn};
use crate::problem::{FieldError, Problem};

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products))
        .routes(routes!(get_product))
        .routes(routes!(contact))
        .routes(routes!(registration, update_registration))
        .routes(routes!(consents))
        .routes(routes!(set_consent))
}

/// An amount in minor units.
#[derive(Debug, Serialize, ToSchema)]
pub struct Money {
    /// Minor units, e.g. 21900 = USD 219.00.
    pub minor_units: i64,
    /// ISO-4217 code.
    pub currency: String,
}

impl From<ProtoMoney> for Money {
    fn from(m: ProtoMoney) -> Self {
        Self {
            minor_units: m.minor_units,
            currency: m.currency,
        }
    }
}

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
                    kind: match r.kind() {
                        leads::RelatedKind::Attachment => "attachment",
                        leads::RelatedKind::Consumable => "consumable",
                        leads::RelatedKind::Option => "option",
                        leads::RelatedKind::Unspecified => "other",
                    },
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

/// The product information list (FIG. 6 / 14B).
#[utoipa::path(get, path = "/api/v1/products", tag = "sales", params(ProductQuery),
    responses((status = 200, body = ProductList), (status = 503, body = Problem)))]
pub async fn list_products(
    State(state): State<AppState>,
    Query(query): Query<ProductQuery>,
) -> Result<Json<ProductList>, Problem> {
    let deadline = state.call_timeout;
    let request = leads::ListProductsRequest {
        product_line: query.product_line,
    };
    let list = call(
        "leads",
        "ListProducts",
        deadline,
        state
            .desk
            .clone()
            .list_products(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    Ok(Json(ProductList {
        products: list.products.into_iter().map(Product::from).collect(),
    }))
}

/// One product with its options, consumables and attachments. For a signed-in customer
/// this is also the moment the salesperson may be told of their interest (when the
/// deployment and the customer allow it).
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "sales",
    params(("id" = String, Path, description = "Model number")),
    responses((status = 200, body = Product), (status = 404, body = Problem)))]
pub async fn get_product(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathId(model_number): PathId,
) -> Result<Json<Product>, Problem> {
    let deadline = state.call_timeout;
    let request = leads::GetProductRequest {
        model_number: model_number.clone(),
    };
    let product = call(
        "leads",
        "GetProduct",
        deadline,
        state
            .desk
            .clone()
            .get_product(tandem_mesh::client::request(request, deadline)),
    )
    .await?
    .product
    .unwrap_or_default();
    if let Some(customer_id) = signed_in_customer(&state, &headers).await {
        let view = leads::NoteProductViewRequest {
            customer_id,
            model_number: product.model_number.clone(),
        };
        // Best effort: the page does not wait for the salesperson.
        let mut desk = state.desk.clone();
        tokio::spawn(async move {
            match desk
                .note_product_view(tandem_mesh::client::request(view, deadline))
                .await
            {
                Ok(r) => {
                    tracing::debug!(notified = r.get_ref().notified, reason = %r.get_ref().reason, "product view noted")
                }
                Err(s) => tracing::warn!(code = ?s.code(), "product view not noted"),
            }
        });
    }
    Ok(Json(Product::from(product)))
}

/// The customer of the request's session, if any.
async fn signed_in_customer(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let session = auth::cookie(headers, auth::SESSION_COOKIE)?;
    crate::store::sessions::customer_of(&state.db, &session, chrono::Utc::now())
        .await
        .ok()
        .flatten()
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

/// "Contact sales staff": the salesperson in charge is e-mailed the request with the
/// customer's details.
#[utoipa::path(post, path = "/api/v1/contact-requests", tag = "sales", request_body = ContactBody,
    responses((status = 201, body = ContactReceipt), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn contact(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<ContactBody>,
) -> Result<(StatusCode, Json<ContactReceipt>), Problem> {
    let mut actions = Vec::new();
    for a in &body.actions {
        actions.push(match a.as_str() {
            "send_information" => leads::RequestedAction::SendInformation,
            "visit" => leads::RequestedAction::Visit,
            "phone_call" => leads::RequestedAction::PhoneCall,
            other => {
                return Err(Problem::invalid_fields(vec![FieldError::new(
                    "actions",
                    format!("unknown action {other:?}: send_information, visit or phone_call"),
                )]));
            }
        } as i32);
    }
    let request = leads::ContactStaffRequest {
        customer_id: who.customer_id,
        model_number: body.model_number,
        phone: body.phone,
        email: body.email,
        comment: body.comment,
        actions,
        idempotency_key: body.idempotency_key,
    };
    let deadline = state.call_timeout;
    let lead = call(
        "leads",
        "ContactStaff",
        deadline,
        state
            .desk
            .clone()
            .contact_staff(tandem_mesh::client::request(request, deadline)),
    )
    .await?
    .lead
    .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        Json(ContactReceipt {
            actions: lead.actions().map(|a| action_slug(a).to_owned()).collect(),
            lead_id: lead.lead_id,
            product_name: lead.product_name,
            staff_name: lead.staff_name,
        }),
    ))
}

fn action_slug(a: leads::RequestedAction) -> &'static str {
    match a {
        leads::RequestedAction::SendInformation => "send_information",
        leads::RequestedAction::Visit => "visit",
        leads::RequestedAction::PhoneCall => "phone_call",
        leads::RequestedAction::Unspecified => "unspecified",
    }
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

/// One consent: the purpose, the standing decision and the wording to show.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consent {
    /// registration_updates, purchases or product_interest.
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

fn registration_of(c: leads::Customer, consent: Consent) -> Registration {
    Registration {
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

fn purpose_slug(p: leads::ConsentPurpose) -> &'static str {
    match p {
        leads::ConsentPurpose::RegistrationUpdates => "registration_updates",
        leads::ConsentPurpose::Purchases => "purchases",
        leads::ConsentPurpose::ProductInterest => "product_interest",
        leads::ConsentPurpose::Unspecified => "unspecified",
    }
}

fn consent_of(s: leads::ConsentState) -> Consent {
    Consent {
        purpose: purpose_slug(s.purpose()),
        granted: s.granted,
        wording: s.wording,
        wording_version: s.wording_version,
        recorded_at: s.last.map(|l| l.recorded_at),
    }
}

async fn consent_states(
    state: &AppState,
    customer_id: &str,
) -> Result<leads::GetConsentsResponse, Problem> {
    let deadline = state.call_timeout;
    let request = leads::GetConsentsRequest {
        customer_id: customer_id.to_owned(),
    };
    call(
        "leads",
        "GetConsents",
        deadline,
        state
            .desk
            .clone()
            .get_consents(tandem_mesh::client::request(request, deadline)),
    )
    .await
}

async fn registration_consent(state: &AppState, customer_id: &str) -> Result<Consent, Problem> {
    consent_states(state, customer_id)
        .await?
        .consents
        .into_iter()
        .find(|c| c.purpose() == leads::ConsentPurpose::RegistrationUpdates)
        .map(consent_of)
        .ok_or_else(Problem::internal)
}

/// The signed-in customer's registered information, to prefill the update form.
#[utoipa::path(get, path = "/api/v1/registration", tag = "sales",
    responses((status = 200, body = Registration), (status = 401, body = Problem)))]
pub async fn registration(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Registration>, Problem> {
    let customer = super::customers::customer(&state, &who.customer_id).await?;
    let consent = registration_consent(&state, &who.customer_id).await?;
    Ok(Json(registration_of(customer, consent)))
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

/// Saves a registration update; with consent, the salesperson is e-mailed the change and
/// the products the customer owns.
#[utoipa::path(put, path = "/api/v1/registration", tag = "sales", request_body = RegistrationUpdate,
    responses((status = 200, body = RegistrationUpdated), (status = 400, body = Problem), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub async fn update_registration(
    State(state): State<AppState>,
    who: SignedIn,
    JsonBody(body): JsonBody<RegistrationUpdate>,
) -> Result<Json<RegistrationUpdated>, Problem> {
    let request = leads::UpdateRegistrationRequest {
        customer_id: who.customer_id.clone(),
        name: body.name,
        email: body.email,
        phone: body.phone,
        address: body.address.map(Into::into),
        office: body.office,
        section: body.section,
        office_phone: body.office_phone,
        forward_to_staff: body.forward_to_staff,
        consent_wording_version: body.consent_wording_version,
        idempotency_key: body.idempotency_key,
    };
    let deadline = state.call_timeout;
    let done = call(
        "leads",
        "UpdateRegistration",
        deadline,
        state
            .desk
            .clone()
            .update_registration(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    let consent = registration_consent(&state, &who.customer_id).await?;
    Ok(Json(RegistrationUpdated {
        registration: registration_of(done.customer.unwrap_or_default(), consent),
        changed_fields: done.changed_fields,
        forwarded: done.lead.is_some(),
        staff_name: done.lead.map(|l| l.staff_name).unwrap_or_default(),
    }))
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

/// What the customer agreed to forward to their salesperson, and when.
#[utoipa::path(get, path = "/api/v1/consents", tag = "sales",
    responses((status = 200, body = Consents), (status = 401, body = Problem)))]
pub async fn consents(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<Consents>, Problem> {
    let all = consent_states(&state, &who.customer_id).await?;
    Ok(Json(Consents {
        consents: all.consents.into_iter().map(consent_of).collect(),
        history: all
            .history
            .into_iter()
            .map(|r| ConsentRecord {
                purpose: purpose_slug(r.purpose()),
                granted: r.granted,
                wording_version: r.wording_version,
                recorded_at: r.recorded_at,
                source: r.source,
            })
            .collect(),
    }))
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

/// Gives or withdraws one consent (`{id}`: registration_updates, purchases or
/// product_interest); withdrawing also cancels that purpose's e-mails not sent yet.
#[utoipa::path(put, path = "/api/v1/consents/{id}", tag = "sales", request_body = ConsentBody,
    params(("id" = String, Path, description = "registration_updates, purchases or product_interest")),
    responses((status = 200, body = ConsentChanged), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn set_consent(
    State(state): State<AppState>,
    who: SignedIn,
    PathId(purpose): PathId,
    JsonBody(body): JsonBody<ConsentBody>,
) -> Result<Json<ConsentChanged>, Problem> {
    let purpose = match purpose.as_str() {
        "registration_updates" => leads::ConsentPurpose::RegistrationUpdates,
        "purchases" => leads::ConsentPurpose::Purchases,
        "product_interest" => leads::ConsentPurpose::ProductInterest,
        _ => {
            return Err(Problem::not_found(format!(
                "There is no consent {purpose:?}: registration_updates, purchases or product_interest."
            )));
        }
    };
    let request = leads::SetConsentRequest {
        customer_id: who.customer_id.clone(),
        purpose: purpose as i32,
        granted: body.granted,
        wording_version: body.wording_version,
        source: "settings".into(),
    };
    let deadline = state.call_timeout;
    let changed = call(
        "leads",
        "SetConsent",
        deadline,
        state
            .desk
            .clone()
            .set_consent(tandem_mesh::client::request(request, deadline)),
    )
    .await?;
    let consent = consent_states(&state, &who.customer_id)
        .await?
        .consents
        .into_iter()
        .find(|c| c.purpose() == purpose)
        .map(consent_of)
        .ok_or_else(Problem::internal)?;
    Ok(Json(ConsentChanged {
        consent,
        cancelled_messages: changed.cancelled_messages,
    }))
}
