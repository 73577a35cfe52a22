//! Logging in, for customers (by customer ID or e-mail) and sales staff (by staff ID or
//! e-mail). Every failure is the same [`LeadsError::WrongLogin`], and an unknown login
//! is checked against a dummy hash, so it takes as long as a wrong password.

use super::hashing::hashing;
use super::{App, StaffView};
use crate::domain::password::{self, DUMMY_HASH, PASSWORD_CHARS};
use crate::domain::{Customer, InvalidField, Login};
use crate::error::LeadsError;
use crate::store::{customer, staff};

impl App {
    /// The customer whose ID or e-mail is `login` and whose password is `password`.
    pub async fn log_in(&self, login: &str, password: String) -> Result<Customer, LeadsError> {
        check_form(login, &password)?;
        let found = match Login::parse(login) {
            Login::Email(email) => customer::credentials_by_email(&self.db, &email).await?,
            Login::CustomerId(id) => customer::credentials_by_id(&self.db, &id).await?,
            Login::Nobody => None,
        };
        let (who, hash) = match found {
            Some(c) => (Some(c.customer), Some(c.password_hash)),
            None => (None, None),
        };
        let matched = matches(password, hash).await?;
        match who {
            Some(customer) if matched => Ok(customer),
            _ => Err(LeadsError::WrongLogin),
        }
    }

    /// The salesperson whose ID or e-mail is `login` and whose password is `password`
    /// (staff without a password cannot log in).
    pub async fn log_in_staff(
        &self,
        login: &str,
        password: String,
    ) -> Result<StaffView, LeadsError> {
        check_form(login, &password)?;
        let (who, hash) = match staff::credentials(&self.db, login.trim()).await? {
            Some(c) => (Some(c.staff), c.password_hash),
            None => (None, None),
        };
        let matched = matches(password, hash).await?;
        match who {
            Some(s) if matched => self.staff_view(s).await,
            _ => Err(LeadsError::WrongLogin),
        }
    }
}

/// Both fields are required; a password longer than any stored one is wrong at once
/// (sparing the hashing).
fn check_form(login: &str, password: &str) -> Result<(), LeadsError> {
    if login.trim().is_empty() {
        return Err(InvalidField::new("login", "required").into());
    }
    if password.is_empty() {
        return Err(InvalidField::new("password", "required").into());
    }
    if password.chars().count() > *PASSWORD_CHARS.end() {
        return Err(LeadsError::WrongLogin);
    }
    Ok(())
}

/// Whether `password` matches the stored `hash`; without one (an unknown login), a dummy
/// hash is verified all the same, so that it takes as long, and the answer is no.
async fn matches(password: String, hash: Option<String>) -> Result<bool, LeadsError> {
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
    let matched = hashing(move || password::verify(&password, &hash)).await?;
    Ok(known && matched)
}
