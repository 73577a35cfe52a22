//! Buy-back as the REST API shows and takes it: the used item and its questionnaire, the
//! price table and estimate, the application and its history, the sales center's
//! designation, and the staff desk's inspection.

mod convert;
mod guidance;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto::Money;

pub use convert::{answers_to_proto, item_from_proto, item_to_proto};
pub use guidance::{GradeChange, PayoutDestination, Shipping, VerificationProblem};

/// Filter of the price table.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PriceQuery {
    /// Only this category.
    pub category: Option<String>,
}

/// Filter of the staff desk.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeskQuery {
    /// Only applications in this state (default awaiting_item).
    #[param(value_type = Option<crate::enums::ApplicationState>)]
    pub state: Option<String>,
}

/// A used device: what kind, which maker and model.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UsedItem {
    /// car_navigation, dashcam, collision_warning, blind_spot_monitor, telematics_unit,
    /// theft_tracker or tire_pressure_monitor.
    pub category: String,
    /// Maker, e.g. "Roadlens".
    pub maker: String,
    /// Model, e.g. "RL-1".
    pub model: String,
}

/// The condition questionnaire.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Answers {
    /// Does it switch on and work?
    pub powers_on: bool,
    /// flawless, scratched, cracked, or none (no screen).
    pub screen: String,
    /// Body damage: none, minor or major.
    pub damage: String,
    /// Charger, mount and cables included?
    pub accessories_complete: bool,
}

/// Personal data as given with the purchase; sent to the sales center to verify, not kept.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Personal {
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// ZIP code.
    pub postal_code: String,
}

/// A request for an instant estimate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EstimateBody {
    /// The used device.
    pub item: UsedItem,
    /// Its condition.
    pub answers: Answers,
}

/// An instant estimate.
#[derive(Debug, Serialize, ToSchema)]
pub struct Estimate {
    /// Condition grade, A (like new) to D (for parts).
    pub grade: String,
    /// What the center pays for it.
    pub price: Money,
}

/// One row of the price table.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceRow {
    /// The model.
    pub item: UsedItem,
    /// Grade A to D.
    pub grade: String,
    /// Price in that grade.
    pub price: Money,
}

/// The price table.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceTable {
    /// By category, maker, model, grade.
    pub entries: Vec<PriceRow>,
}

/// An application for buy-back.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplyBody {
    /// The order number of the device bought at our accessory partner.
    pub order_number: String,
    /// As given with that order.
    pub personal: Personal,
    /// The used device to sell.
    pub item: UsedItem,
    /// Its condition.
    pub answers: Answers,
    /// Optional: the same ID again returns the first result instead of applying twice.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// The answer to a counteroffer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CounterofferBody {
    /// true accepts (and is paid), false declines (the item is sent back).
    pub accept: bool,
}

/// A buy-back staff login.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeskLogin {
    /// Staff ID or e-mail.
    pub login: String,
    /// Password.
    pub password: String,
}

/// A member of the buy-back center's staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskStaff {
    /// Staff ID, e.g. "BBS-KAI".
    pub staff_id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

/// The signed-in buy-back staff member.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskSessionView {
    /// Who is signed in.
    pub staff: DeskStaff,
}

impl From<tandem_proto::buyback::v1::Staff> for DeskSessionView {
    fn from(s: tandem_proto::buyback::v1::Staff) -> Self {
        Self {
            staff: DeskStaff {
                staff_id: s.staff_id,
                name: s.name,
                email: s.email,
            },
        }
    }
}

/// The staff's inspection of an arrived item.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InspectionBody {
    /// The grade found: A, B, C or D.
    pub grade: String,
    /// What the inspector found.
    #[serde(default)]
    pub note: String,
}

/// The goods bought with the order, as the sales center registered them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Purchased {
    /// Product ID.
    pub product_id: String,
    /// Name.
    pub name: String,
    /// Maker.
    pub maker: String,
    /// Model.
    pub model: String,
}

/// One step of an application's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct Step {
    /// The state reached.
    #[schema(value_type = crate::enums::ApplicationState)]
    pub state: String,
    /// When (RFC 3339).
    pub at: String,
    /// What happened.
    pub note: String,
}

/// A buy-back application and where it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Application {
    /// ID, e.g. "BB-…".
    pub application_id: String,
    /// The order number it was made with.
    pub order_number: String,
    /// applied, verified, rejected, awaiting_item, inspected, counteroffered, paid,
    /// returned or reported.
    #[schema(value_type = crate::enums::ApplicationState)]
    pub state: String,
    /// The used device.
    pub item: UsedItem,
    /// Its declared condition.
    pub answers: Answers,
    /// Grade from the questionnaire.
    pub declared_grade: String,
    /// The instant estimate.
    pub estimate: Money,
    /// Grade found at inspection.
    pub inspected_grade: Option<String>,
    /// Price agreed or offered after inspection.
    pub offer: Option<Money>,
    /// The sales center's benefit for this purchase and used device.
    pub benefit: Money,
    /// What the benefit is.
    pub benefit_description: String,
    /// Price (estimate, or offer once inspected) plus benefit.
    pub total: Money,
    /// What the order bought (once verified).
    pub purchased: Option<Purchased>,
    /// Why it was rejected or returned.
    pub reason: String,
    /// The payout of price and benefit together.
    pub payout_id: Option<String>,
    /// Amount paid.
    pub total_paid: Option<Money>,
    /// The inspector's note.
    pub inspection_note: String,
    /// The staff ID of who inspected the item (absent until inspected).
    pub inspected_by: Option<String>,
    /// Applied at (RFC 3339).
    pub created_at: String,
    /// When the sales center recorded the result.
    pub reported_at: Option<String>,
    /// Every state it went through.
    pub history: Vec<Step>,
    /// Where and how to send the device (while the center waits for it: verified,
    /// awaiting_item).
    pub shipping: Option<Shipping>,
    /// Where the price and benefit are paid, and how to withdraw them (from verified on,
    /// unless rejected or returned).
    pub payout_destination: Option<PayoutDestination>,
    /// What the inspection changed, when it found a lower grade than declared.
    pub grade_change: Option<GradeChange>,
}

/// A list of applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    /// Newest first.
    pub applications: Vec<Application>,
}

/// A benefit particular of a targeted purchase.
#[derive(Debug, Serialize, ToSchema)]
pub struct Benefit {
    /// For used devices of this category ("any" for all).
    pub used_category: String,
    /// … of this maker (empty = any).
    pub used_maker: String,
    /// … and model (empty = any).
    pub used_model: String,
    /// The benefit.
    pub amount: Money,
    /// What it is.
    pub description: String,
}

/// A buy-back the sales center has on record for an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedResult {
    /// The buy-back center's application.
    pub application_id: String,
    /// The device bought back.
    pub item: UsedItem,
    /// Its grade.
    pub grade: String,
    /// Price paid.
    pub price: Money,
    /// Benefit paid.
    pub benefit: Money,
    /// The payout.
    pub payout_id: String,
    /// When it was paid.
    pub paid_at: String,
    /// When the sales center recorded it.
    pub recorded_at: String,
}

/// The sales center's designation of the buy-back center for an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Designation {
    /// The order.
    pub order_number: String,
    /// What it bought.
    pub purchased: Purchased,
    /// Whether that is targeted for buy-back.
    pub targeted: bool,
    /// The designated buy-back center.
    pub center_name: String,
    /// Where to apply.
    pub apply_path: String,
    /// How to apply.
    pub how_to_apply: String,
    /// The benefits, most specific first.
    pub benefits: Vec<Benefit>,
    /// Buy-backs the sales center has recorded for this order.
    pub results: Vec<RecordedResult>,
}
