//! The customer-information store's operations (seed 000, claims 2, 3, 7, 22): register,
//! authenticate, look up and update customers. Rules come from `domain`, rows from
//! `store`; this module adds what needs both: idempotent registration, unique-e-mail
//! races, and password hashing off the async runtime.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tandem_mesh::idempotency::{self, Seen};
use tandem_proto::leads::v1::{RegisterCustomerRequest, UpdateCustomerRequest};

use crate::domain::password::{self, DUMMY_HASH, PASSWORD_CHARS};
use crate::domain::{
    Customer, CustomerPatch, InvalidField, Login, NewCustomer, Password, new_customer_id,
    parse_customer_id,
};
use crate::error::LeadsError;
use crate::store::{customer, is_unique_violation};

/// Idempotency scope of registrations.
const REGISTER_SCOPE: &str = "register_customer";

/// The customer-information store over the leads database.
#[derive(Clone)]
pub struct CustomerRegistry {
    /// The leads database.
    db: DatabaseConnection,
}

impl CustomerRegistry {
    /// A registry over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Registers a customer; with an idempotency key a retry returns the first result.
    pub async fn register(&self, req: &RegisterCustomerRequest) -> Result<Customer, LeadsError> {
        let now = Utc::now();
        let new = NewCustomer::parse(req, now.date_naive())?;
        let key = (!req.idempotency_key.is_empty())
            .then(|| {
                idempotency::validate_key(&req.idempotency_key)
                    .map(|()| req.idempotency_key.as_str())
            })
            .transpose()?;
        let fingerprint = registration_fingerprint(req);
        if let Some(first) = self.replay(key, &fingerprint, &new.password).await? {
            return Ok(first);
        }
        if customer::email_taken(&self.db, &new.email).await? {
            return Err(LeadsError::EmailTaken);
        }
        let (customer, pw) = new.into_customer(new_customer_id(), now);
        let pw_for_replay = pw.clone();
        let hash = hashing(move || password::hash(&pw)).await??;

        let stored = async {
            let txn = tandem_mesh::db::begin_write(&self.db).await?;
            customer::insert(&txn, &customer, &hash).await?;
            if let Some(key) = key {
                let id = customer.customer_id.as_str();
                idempotency::remember(&txn, REGISTER_SCOPE, key, &fingerprint, id).await?;
            }
            txn.commit().await
        }
        .await;
        match stored {
            Ok(()) => Ok(customer),
            // Lost a race: the same key (a concurrent retry) or the same e-mail.
            Err(e) if is_unique_violation(&e) => {
                if let Some(first) = self.replay(key, &fingerprint, &pw_for_replay).await? {
                    return Ok(first);
                }
                if customer::email_taken(&self.db, &customer.email).await? {
                    Err(LeadsError::EmailTaken)
                } else {
                    Err(e.into())
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The customer `key` (if any) already registered, if it did; `key_reused` when it was
    /// used for a different request. The password is not in the fingerprint (that would
    /// be a fast hash of it), so it is checked against the stored argon2 hash instead.
    async fn replay(
        &self,
        key: Option<&str>,
        fingerprint: &str,
        password: &Password,
    ) -> Result<Option<Customer>, LeadsError> {
        let Some(key) = key else {
            return Ok(None);
        };
        let Seen::Replay(customer_id) =
            idempotency::recall(&self.db, REGISTER_SCOPE, key, fingerprint).await??
        else {
            return Ok(None);
        };
        let credentials = customer::credentials_by_id(&self.db, &customer_id)
            .await?
            .ok_or(LeadsError::CustomerNotFound(customer_id))?;
        let pw = password.expose().to_owned();
        let hash = credentials.password_hash;
        if !hashing(move || password::verify(&pw, &hash)).await? {
            return Err(idempotency::key_reused().into());
        }
        Ok(Some(credentials.customer))
    }

    /// The customer whose ID or e-mail is `login` and whose password is `password`.
    /// Every failure is [`LeadsError::WrongLogin`], and an unknown login is checked
    /// against a dummy hash so it takes as long as a wrong password.
    pub async fn authenticate(
        &self,
        login: &str,
        password: String,
    ) -> Result<Customer, LeadsError> {
        if login.trim().is_empty() {
            return Err(InvalidField::new("login", "required").into());
        }
        if password.is_empty() {
            return Err(InvalidField::new("password", "required").into());
        }
        if password.chars().count() > *PASSWORD_CHARS.end() {
            // No stored password is this long; spare the hashing.
            return Err(LeadsError::WrongLogin);
        }
        let found = match Login::parse(login) {
            Login::Email(email) => customer::credentials_by_email(&self.db, &email).await?,
            Login::CustomerId(id) => customer::credentials_by_id(&self.db, &id).await?,
            Login::Nobody => None,
        };
        let (customer, hash) = match found {
            Some(c) => (Some(c.customer), c.password_hash),
            None => (None, DUMMY_HASH.to_owned()),
        };
        let matches = hashing(move || password::verify(&password, &hash)).await?;
        match customer {
            Some(customer) if matches => Ok(customer),
            _ => Err(LeadsError::WrongLogin),
        }
    }

    /// One customer by ID.
    pub async fn get(&self, customer_id: &str) -> Result<Customer, LeadsError> {
        let id = parse_customer_id(customer_id)?;
        customer::by_id(&self.db, &id)
            .await?
            .ok_or(LeadsError::CustomerNotFound(id))
    }

    /// The products the customer owns.
    pub async fn possessed(
        &self,
        customer_id: &str,
    ) -> Result<Vec<crate::store::possessed::Possessed>, LeadsError> {
        Ok(crate::store::possessed::of(&self.db, customer_id).await?)
    }

    /// Changes a customer's contact data. Setting values is naturally idempotent, so a
    /// retried update gives the same record.
    pub async fn update(&self, req: &UpdateCustomerRequest) -> Result<Customer, LeadsError> {
        let id = parse_customer_id(&req.customer_id)?;
        let patch = CustomerPatch::parse(req)?;
        let mut current = customer::by_id(&self.db, &id)
            .await?
            .ok_or_else(|| LeadsError::CustomerNotFound(id.clone()))?;
        if patch.is_empty() {
            return Ok(current);
        }
        patch.apply(&mut current, Utc::now());
        match customer::update_contact(&self.db, &current).await {
            Ok(true) => Ok(current),
            Ok(false) => Err(LeadsError::CustomerNotFound(id)),
            Err(e) if is_unique_violation(&e) => Err(LeadsError::EmailTaken),
            Err(e) => Err(e.into()),
        }
    }
}

/// Fingerprint of a registration without its password and key: what must match for a
/// retry to count as the same request.
fn registration_fingerprint(req: &RegisterCustomerRequest) -> String {
    idempotency::fingerprint(&RegisterCustomerRequest {
        password: String::new(),
        idempotency_key: String::new(),
        ..req.clone()
    })
}

/// Password hashes computed at once. Each argon2id hash holds 19 MiB for its duration, so
/// a burst of registrations or logins would otherwise take memory without bound.
const MAX_HASHING: usize = 4;

/// Permits for [`MAX_HASHING`] hashes at a time.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(MAX_HASHING);

/// Runs CPU-heavy password work off the async runtime, at most [`MAX_HASHING`] at once
/// (the rest wait their turn).
pub(crate) async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    // The semaphore is never closed, so acquiring only waits.
    let _permit = HASHING.acquire().await.ok();
    tokio::task::spawn_blocking(work).await
}

#[cfg(test)]
mod hashing_tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn at_most_a_few_hashes_run_at_once() {
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(super::hashing(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!((2..=super::MAX_HASHING).contains(&most), "{most} at once");
    }
}
