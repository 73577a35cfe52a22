//! The center's staff: logging in (`AuthenticateStaff`) with a staff ID or e-mail and a
//! password, the active staff member an assertion names, and the administration's
//! `UpsertStaff`. Every login failure is the
//! same [`BuybackError::WrongLogin`], and an unknown login is checked against a dummy
//! hash, so it takes as long as a wrong password.

use super::{App, Result};
use crate::domain::InvalidField;
use crate::domain::password::{self, DUMMY_HASH, PASSWORD_CHARS};
use crate::domain::staff::StaffRecord;
use crate::error::BuybackError;
use crate::store::{entity::staff_member, staff};

/// A member of the center's staff as the API shows them (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffView {
    /// E.g. "BBS-KAI".
    pub staff_id: String,
    /// Their name.
    pub name: String,
    /// Their e-mail (lower case).
    pub email: String,
    /// False: can no longer log in or inspect.
    pub active: bool,
}

impl From<staff_member::Model> for StaffView {
    fn from(m: staff_member::Model) -> Self {
        Self {
            staff_id: m.staff_id,
            name: m.name,
            email: m.email,
            active: m.active,
        }
    }
}

impl App {
    /// The active staff member whose staff ID or e-mail is `login` and whose password is
    /// `password`.
    pub async fn authenticate_staff(&self, login: &str, password: String) -> Result<StaffView> {
        let login = login.trim();
        if login.is_empty() {
            return Err(InvalidField::new("login", "required").into());
        }
        if password.is_empty() {
            return Err(InvalidField::new("password", "required").into());
        }
        // Longer than any stored password: wrong at once, sparing the hashing.
        if password.chars().count() > *PASSWORD_CHARS.end() {
            return Err(BuybackError::WrongLogin);
        }
        let found = staff::by_login(&self.db, login).await?;
        let hash = found
            .as_ref()
            .map_or_else(|| DUMMY_HASH.to_owned(), |s| s.password_hash.clone());
        let matched = hashing(move || password::verify(&password, &hash)).await?;
        match found {
            Some(member) if matched && member.active => Ok(member.into()),
            _ => Err(BuybackError::WrongLogin),
        }
    }

    /// Adds the staff member of `record` or changes them (`UpsertStaff`); a new member
    /// needs a password. Idempotent.
    pub async fn upsert_staff(&self, record: StaffRecord) -> Result<StaffView> {
        let hash = match record.password.clone() {
            Some(pw) => Some(
                hashing(move || password::hash(&pw))
                    .await?
                    .map_err(|e| BuybackError::Inconsistent(format!("hashing failed: {e}")))?,
            ),
            None => None,
        };
        let who = (
            record.staff_id.as_str(),
            record.name.as_str(),
            record.email.as_str(),
        );
        let taken = |err: sea_orm::DbErr| {
            if tandem_mesh::db::is_unique_violation(&err) {
                BuybackError::EmailTaken
            } else {
                err.into()
            }
        };
        let updated = staff::update(&self.db, who, record.active, hash.as_deref())
            .await
            .map_err(taken)?;
        if !updated {
            let hash = hash
                .ok_or_else(|| InvalidField::new("password", "required for a new staff member"))?;
            let now = chrono::Utc::now();
            if !staff::insert_new(&self.db, who, &hash, now)
                .await
                .map_err(taken)?
            {
                // Added by a concurrent call meanwhile: this one's values win.
                staff::update(&self.db, who, record.active, Some(&hash))
                    .await
                    .map_err(taken)?;
            }
            if !record.active {
                staff::set_active(&self.db, &record.staff_id, false).await?;
            }
        }
        staff::by_id(&self.db, &record.staff_id)
            .await?
            .map(StaffView::from)
            .ok_or_else(|| BuybackError::Inconsistent("staff member vanished".into()))
    }

    /// Staff member `staff_id`, who must be active: an assertion for someone no longer
    /// on the staff (or never on it) acts for nobody.
    pub async fn staff_member(&self, staff_id: &str) -> Result<StaffView> {
        staff::by_id(&self.db, staff_id)
            .await?
            .filter(|s| s.active)
            .map(StaffView::from)
            .ok_or(BuybackError::NotStaff)
    }
}

/// Runs CPU-heavy password work off the async runtime, a few at a time.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tandem_mesh::password::off_runtime(work)
        .await
        .map_err(|e| BuybackError::Inconsistent(format!("password work failed: {e}")))
}
