//! Whom a call acts for. Where an RPC acts for a customer or a salesperson, the server
//! acts on the subject of the gateway's verified end-user assertion — never on a request
//! field naming the user. A field that still names one (kept for compatibility) must
//! name the subject; naming someone else is refused, not obeyed.

use super::InvalidField;

/// The partner (by its certificate's name) given the whole lead feed, read-only and
/// without an end-user assertion: a sales company's CRM.
pub const FEED_PARTNER: &str = "crm";

/// A request field named a user other than the one the call is for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("this call is for {role} {subject}; it cannot act for another {role}")]
pub struct NotTheSubject {
    /// "customer" or "salesperson".
    pub role: &'static str,
    /// The subject of the assertion.
    pub subject: String,
}

/// The user a call acts on: the assertion's `subject`, which `named` (a request field,
/// e.g. `customer_id`) must be empty or equal to, both read with `parse` (which accepts
/// either case). A malformed `named` is an invalid field; another user is refused.
pub fn acted_on(
    role: &'static str,
    subject: &str,
    named: &str,
    parse: impl Fn(&str) -> Result<String, InvalidField>,
) -> Result<String, ActingError> {
    let subject = parse(subject).map_err(|_| NotTheSubject {
        role,
        subject: subject.to_owned(),
    })?;
    if named.trim().is_empty() {
        return Ok(subject);
    }
    if parse(named)? != subject {
        return Err(NotTheSubject { role, subject }.into());
    }
    Ok(subject)
}

/// Why [`acted_on`] refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActingError {
    /// The named user is malformed.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
    /// The named user is someone else (or the subject is no such user).
    #[error(transparent)]
    NotTheSubject(#[from] NotTheSubject),
}

/// Who reads leads: a salesperson (only their own) or a CRM (every lead).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeadReader {
    /// The salesperson of the assertion, by staff ID.
    Staff(String),
    /// The whole feed, read-only.
    Feed,
}

impl LeadReader {
    /// The salesperson whose leads these are: the reader's own, or for the feed the
    /// `staff_id` filter the request gives (empty: every lead).
    pub fn staff_filter<'a>(&'a self, requested: &'a str) -> &'a str {
        match self {
            LeadReader::Staff(id) => id,
            LeadReader::Feed => requested,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_customer_id;
    use crate::domain::staff::parse_staff_id;

    #[test]
    fn the_subject_is_acted_on_and_a_field_naming_another_user_is_refused() {
        let subject = "CUS-DEMO00000001";
        let on = |named| acted_on("customer", subject, named, parse_customer_id);
        assert_eq!(on("").unwrap(), subject, "empty: the subject");
        assert_eq!(on("  ").unwrap(), subject);
        assert_eq!(on("cus-demo00000001").unwrap(), subject, "either case");
        assert_eq!(
            on("CUS-AAAAAAAAAAAA"),
            Err(ActingError::NotTheSubject(NotTheSubject {
                role: "customer",
                subject: subject.into(),
            }))
        );
        assert!(matches!(on("42"), Err(ActingError::Invalid(f)) if f.field == "customer_id"));
        // A subject that is no customer ID (a salesperson's) acts for nobody.
        assert!(matches!(
            acted_on("customer", "STF-DANA", "", parse_customer_id),
            Err(ActingError::NotTheSubject(_))
        ));
        assert_eq!(
            acted_on("salesperson", "STF-DANA", "stf-dana", parse_staff_id).unwrap(),
            "STF-DANA"
        );
    }

    #[test]
    fn a_salesperson_reads_their_own_leads_and_the_feed_reads_what_it_asks() {
        let dana = LeadReader::Staff("STF-DANA".into());
        assert_eq!(dana.staff_filter(""), "STF-DANA");
        assert_eq!(dana.staff_filter("STF-SAM"), "STF-DANA");
        assert_eq!(LeadReader::Feed.staff_filter(""), "");
        assert_eq!(LeadReader::Feed.staff_filter("STF-SAM"), "STF-SAM");
    }
}
