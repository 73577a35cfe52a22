//! Leads: what a salesperson is told about (a contact request, a registration update, a
//! purchase, an interest in a product), where it is in its life, and what a contact
//! request may contain (FIG. 7).

use tandem_mesh::status::InvalidField;
use tandem_proto::leads::v1 as pb;

use super::contact::{parse_email, parse_phone};
use super::product::parse_model_number;
use super::text::comment;

/// What a lead is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadKind {
    /// "Contact sales staff" from a product page.
    Contact,
    /// A registration update the customer agreed to forward.
    RegistrationUpdate,
    /// A completed purchase (with the customer's consent).
    Purchase,
    /// The customer looked at a product they do not own.
    Interest,
}

impl LeadKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [
        Self::Contact,
        Self::RegistrationUpdate,
        Self::Purchase,
        Self::Interest,
    ];

    /// Stored name (also the e-mail template's name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::RegistrationUpdate => "registration_update",
            Self::Purchase => "purchase",
            Self::Interest => "interest",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// To the contract enum.
    pub fn to_proto(self) -> pb::LeadKind {
        match self {
            Self::Contact => pb::LeadKind::Contact,
            Self::RegistrationUpdate => pb::LeadKind::RegistrationUpdate,
            Self::Purchase => pb::LeadKind::Purchase,
            Self::Interest => pb::LeadKind::Interest,
        }
    }

    /// From the contract enum.
    pub fn from_proto(kind: pb::LeadKind) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.to_proto() == kind)
    }
}

/// Where a lead is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeadStatus {
    /// Stored; the e-mail is queued.
    New,
    /// The SMTP server accepted the e-mail to the salesperson.
    Emailed,
    /// The salesperson has seen it.
    Acknowledged,
    /// Done.
    Closed,
}

impl LeadStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::New, Self::Emailed, Self::Acknowledged, Self::Closed];
    /// The statuses that count towards a salesperson's load.
    pub const OPEN: [Self; 3] = [Self::New, Self::Emailed, Self::Acknowledged];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Emailed => "emailed",
            Self::Acknowledged => "acknowledged",
            Self::Closed => "closed",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// To the contract enum.
    pub fn to_proto(self) -> pb::LeadStatus {
        match self {
            Self::New => pb::LeadStatus::New,
            Self::Emailed => pb::LeadStatus::Emailed,
            Self::Acknowledged => pb::LeadStatus::Acknowledged,
            Self::Closed => pb::LeadStatus::Closed,
        }
    }

    /// From the contract enum.
    pub fn from_proto(status: pb::LeadStatus) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.to_proto() == status)
    }

    /// The status after the salesperson acknowledges; a closed lead cannot be.
    pub fn acknowledge(self) -> Result<Self, &'static str> {
        match self {
            Self::Closed => Err("this lead is closed"),
            _ => Ok(Self::Acknowledged),
        }
    }

    /// The status once the e-mail was delivered: only a new lead changes.
    pub fn emailed(self) -> Self {
        match self {
            Self::New => Self::Emailed,
            other => other,
        }
    }
}

/// What the customer asks the salesperson to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequestedAction {
    /// Send information (catalogue, quote).
    SendInformation,
    /// Visit and explain face to face.
    Visit,
    /// Call and explain on the phone.
    PhoneCall,
}

impl RequestedAction {
    /// Every action.
    pub const ALL: [Self; 3] = [Self::SendInformation, Self::Visit, Self::PhoneCall];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendInformation => "send_information",
            Self::Visit => "visit",
            Self::PhoneCall => "phone_call",
        }
    }

    /// Words for e-mails and pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::SendInformation => "Send information",
            Self::Visit => "Visit me",
            Self::PhoneCall => "Call me",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// To the contract enum.
    pub fn to_proto(self) -> pb::RequestedAction {
        match self {
            Self::SendInformation => pb::RequestedAction::SendInformation,
            Self::Visit => pb::RequestedAction::Visit,
            Self::PhoneCall => pb::RequestedAction::PhoneCall,
        }
    }
}

/// A validated contact request (FIG. 7). The product is checked against the product
/// information by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRequest {
    /// The product's model number.
    pub model_number: String,
    /// Phone to call back; None: the registered one.
    pub phone: Option<String>,
    /// E-mail to answer to; None: the registered one.
    pub email: Option<String>,
    /// The customer's comment (may be empty).
    pub comment: String,
    /// What the customer wants; at least one, each once.
    pub actions: Vec<RequestedAction>,
}

impl ContactRequest {
    /// Validates a contact request. Phone and e-mail go into the e-mail to the
    /// salesperson, so they must be single lines of their kind (no header injection).
    pub fn parse(req: &pb::ContactStaffRequest) -> Result<Self, InvalidField> {
        let model_number = parse_model_number("model_number", &req.model_number)?;
        let phone = (!req.phone.trim().is_empty())
            .then(|| parse_phone(&req.phone))
            .transpose()?;
        let email = (!req.email.trim().is_empty())
            .then(|| parse_email(&req.email))
            .transpose()?;
        let comment = comment("comment", &req.comment)?;
        let mut actions = Vec::new();
        for raw in &req.actions {
            let action = match pb::RequestedAction::try_from(*raw) {
                Ok(pb::RequestedAction::SendInformation) => RequestedAction::SendInformation,
                Ok(pb::RequestedAction::Visit) => RequestedAction::Visit,
                Ok(pb::RequestedAction::PhoneCall) => RequestedAction::PhoneCall,
                _ => return Err(InvalidField::new("actions", "unknown action")),
            };
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
        if actions.is_empty() {
            return Err(InvalidField::new(
                "actions",
                "tick at least one: send information, visit or phone call",
            ));
        }
        actions.sort();
        Ok(Self {
            model_number,
            phone,
            email,
            comment,
            actions,
        })
    }
}

/// A new random lead ID: "LEAD-" + 16 upper-case hex characters.
pub fn new_lead_id() -> String {
    let id = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    format!("LEAD-{}", &id[..16])
}

/// A lead ID from a request, upper-cased.
pub fn parse_lead_id(raw: &str) -> Result<String, InvalidField> {
    let id = raw.trim().to_ascii_uppercase();
    if id.is_empty() {
        return Err(InvalidField::new("lead_id", "required"));
    }
    let ok = id
        .strip_prefix("LEAD-")
        .is_some_and(|rest| rest.len() == 16 && rest.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(InvalidField::new(
            "lead_id",
            "must look like LEAD-XXXXXXXXXXXXXXXX",
        ));
    }
    Ok(id)
}

/// The customer details forwarded with a lead: exactly what the salesperson is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadCustomer {
    /// Customer ID.
    pub customer_id: String,
    /// Name.
    pub name: String,
    /// Registered e-mail.
    pub email: String,
    /// Registered phone.
    pub phone: String,
    /// Postal address.
    pub address: super::Address,
    /// Office.
    pub office: String,
    /// Section.
    pub section: String,
    /// Office phone.
    pub office_phone: String,
}

impl LeadCustomer {
    /// What staff know once `changes` (just made, giving `now`) are forwarded with
    /// consent, and those changes as staff are told them: from what they knew before to
    /// the new value. Fields changed earlier without consent stay as staff knew them.
    pub fn forward(
        &self,
        changes: &[super::customer::Change],
        now: &super::Customer,
    ) -> (Self, Vec<super::customer::Change>) {
        use super::customer::address_line;
        let mut view = self.clone();
        let mut told = Vec::new();
        for change in changes {
            let before = match change.field {
                "name" => std::mem::replace(&mut view.name, now.name.clone()),
                "email" => std::mem::replace(&mut view.email, now.email.clone()),
                "phone" => std::mem::replace(&mut view.phone, now.phone.clone()),
                "address" => {
                    address_line(&std::mem::replace(&mut view.address, now.address.clone()))
                }
                "office" => std::mem::replace(&mut view.office, now.office.clone()),
                "section" => std::mem::replace(&mut view.section, now.section.clone()),
                "office_phone" => {
                    std::mem::replace(&mut view.office_phone, now.office_phone.clone())
                }
                _ => continue,
            };
            told.push(super::customer::Change {
                before,
                ..change.clone()
            });
        }
        (view, told)
    }

    /// The snapshot of `c` to forward.
    pub fn of(c: &super::Customer) -> Self {
        Self {
            customer_id: c.customer_id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            address: c.address.clone(),
            office: c.office.clone(),
            section: c.section.clone(),
            office_phone: c.office_phone.clone(),
        }
    }
}

/// A lead as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    /// "LEAD-…".
    pub lead_id: String,
    /// What it is about.
    pub kind: LeadKind,
    /// Where it is.
    pub status: LeadStatus,
    /// The customer details forwarded.
    pub customer: LeadCustomer,
    /// Phone given in the contact form (else the registered one).
    pub contact_phone: String,
    /// E-mail given in the contact form (else the registered one).
    pub contact_email: String,
    /// The product (empty for registration updates).
    pub model_number: String,
    /// Its name.
    pub product_name: String,
    /// The customer's comment.
    pub comment: String,
    /// Requested actions.
    pub actions: Vec<RequestedAction>,
    /// Changes or purchase lines, one per entry.
    pub details: Vec<String>,
    /// The checkout of a purchase.
    pub reference: Option<String>,
    /// The salesperson; None when unrouted.
    pub staff_id: Option<String>,
    /// Their name (empty when unrouted).
    pub staff_name: String,
    /// The rule that chose them.
    pub rule: super::Rule,
    /// Why.
    pub routing_reason: String,
    /// Created (microsecond precision).
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// When acknowledged.
    pub acknowledged_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When closed.
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
}
