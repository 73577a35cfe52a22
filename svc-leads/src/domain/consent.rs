//! Consent (seed 001, FIG. 15 and the standards of this system): personal data goes to a
//! salesperson only with the customer's consent. Each purpose has a wording the customer
//! is shown, versioned so a record says exactly what was agreed to; every decision is
//! recorded, and withdrawing is as easy as giving (the latest decision stands).

use chrono::{DateTime, Utc};
use tandem_mesh::status::InvalidField;
use tandem_proto::leads::v1 as pb;

/// What the customer may agree to forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Changes of the registered information, with the products owned.
    RegistrationUpdates,
    /// What the customer buys, so the salesperson can offer related items.
    Purchases,
    /// Products the customer looks at and does not own.
    ProductInterest,
}

impl Purpose {
    /// Every purpose, in display order.
    pub const ALL: [Self; 3] = [
        Self::RegistrationUpdates,
        Self::Purchases,
        Self::ProductInterest,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RegistrationUpdates => "registration_updates",
            Self::Purchases => "purchases",
            Self::ProductInterest => "product_interest",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// To the contract enum.
    pub fn to_proto(self) -> pb::ConsentPurpose {
        match self {
            Self::RegistrationUpdates => pb::ConsentPurpose::RegistrationUpdates,
            Self::Purchases => pb::ConsentPurpose::Purchases,
            Self::ProductInterest => pb::ConsentPurpose::ProductInterest,
        }
    }

    /// From the contract enum.
    pub fn from_proto(p: pb::ConsentPurpose) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.to_proto() == p)
    }

    /// The version of the wording shown now.
    pub fn wording_version(self) -> &'static str {
        match self {
            Self::RegistrationUpdates => "registration-updates/1",
            Self::Purchases => "purchases/1",
            Self::ProductInterest => "product-interest/1",
        }
    }

    /// The wording shown now.
    pub fn wording(self) -> &'static str {
        match self {
            Self::RegistrationUpdates => {
                "Send this change of my registered information, together with the list of \
                 products I own, to my sales representative by e-mail, so they can keep my \
                 details and offers up to date."
            }
            Self::Purchases => {
                "Tell my sales representative by e-mail what I buy here, so they can offer me \
                 options, consumables and attachments that go with it."
            }
            Self::ProductInterest => {
                "Tell my sales representative by e-mail when I look at the details of a product \
                 I do not own yet."
            }
        }
    }

    /// Checks that the customer was shown the current wording (`field` names it).
    pub fn check_wording(self, field: &'static str, version: &str) -> Result<(), InvalidField> {
        match version.trim() {
            "" => Err(InvalidField::new(
                field,
                "required: the wording version shown",
            )),
            v if v == self.wording_version() => Ok(()),
            _ => Err(InvalidField::new(
                field,
                format!(
                    "the wording has changed; show the current wording ({}) and ask again",
                    self.wording_version()
                ),
            )),
        }
    }
}

/// Where a consent decision was made.
pub fn parse_source(raw: &str) -> Result<&'static str, InvalidField> {
    match raw.trim() {
        "" | "settings" => Ok("settings"),
        "confirmation_page" => Ok("confirmation_page"),
        "api" => Ok("api"),
        _ => Err(InvalidField::new(
            "source",
            "settings, confirmation_page or api",
        )),
    }
}

/// One recorded decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentDecision {
    /// "CON-…".
    pub consent_id: String,
    /// Whose.
    pub customer_id: String,
    /// For what.
    pub purpose: Purpose,
    /// Given (true) or refused / withdrawn (false).
    pub granted: bool,
    /// The wording shown.
    pub wording_version: String,
    /// Where it was made.
    pub source: String,
    /// When (microsecond precision).
    pub recorded_at: DateTime<Utc>,
}
