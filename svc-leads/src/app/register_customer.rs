//! Registration (seed 000, claims 2, 3, 7, 22): a customer's data is collected once.
//! Idempotent with a key; the e-mail is unique, also under concurrent registrations; the
//! password is hashed off the async runtime.

use chrono::Utc;
use tandem_mesh::db::is_unique_violation;
use tandem_mesh::idempotency::{self, Done};
use tandem_proto::leads::v1::RegisterCustomerRequest;

use super::hashing::hashing;
use super::{App, optional_key};
use crate::domain::password::{self, Password};
use crate::domain::{Customer, NewCustomer, new_customer_id};
use crate::error::LeadsError;
use crate::store::customer;

/// Idempotency scope of registrations.
const SCOPE: &str = "register_customer";

impl App {
    /// Registers a customer; with an idempotency key a retry returns the first result.
    pub async fn register_customer(
        &self,
        req: &RegisterCustomerRequest,
    ) -> Result<Customer, LeadsError> {
        let now = Utc::now();
        let new = NewCustomer::parse(req, now.date_naive())?;
        let key = optional_key(SCOPE, &req.idempotency_key, || {
            registration_fingerprint(req)
        })?;
        let (customer, pw) = new.into_customer(new_customer_id(), now);
        let email = customer.email.clone();
        let to_hash = pw.clone();
        let hash = hashing(move || password::hash(&to_hash)).await??;
        let registered = self
            .idempotent(
                key.as_ref(),
                |txn| async move {
                    customer::insert(&txn, &customer, &hash).await?;
                    Ok(Done::new(txn, customer.customer_id.clone(), customer))
                },
                |customer_id| self.replayed_registration(customer_id, &pw),
            )
            .await;
        let customer = match registered {
            // Not the key (that was replayed): the e-mail, registered meanwhile.
            Err(LeadsError::Db(e)) if is_unique_violation(&e) => {
                return Err(if customer::email_taken(&self.db, &email).await? {
                    LeadsError::EmailTaken
                } else {
                    LeadsError::Db(e)
                });
            }
            other => other?,
        };
        tracing::info!(customer_id = %customer.customer_id, "customer registered");
        Ok(customer)
    }

    /// The customer a replayed registration made. The password is not in the fingerprint
    /// (that would be a fast hash of it), so it is checked against the stored argon2 hash
    /// instead: another password means the key was reused for a different request.
    async fn replayed_registration(
        &self,
        customer_id: String,
        password: &Password,
    ) -> Result<Customer, LeadsError> {
        let credentials = customer::credentials_by_id(&self.db, &customer_id)
            .await?
            .ok_or(LeadsError::CustomerNotFound(customer_id))?;
        let pw = password.expose().to_owned();
        let hash = credentials.password_hash;
        if !hashing(move || password::verify(&pw, &hash)).await? {
            return Err(idempotency::key_reused().into());
        }
        Ok(credentials.customer)
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
