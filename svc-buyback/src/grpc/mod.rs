//! The `Buyback`, `BuybackInspection` and `BuybackAdmin` gRPC services: each call checks who it acts for
//! (the verified end-user assertion), decodes its request, runs one use case of [`App`]
//! and encodes the reply; errors come from [`crate::BuybackError`].

mod admin;
mod buyback;
mod inspection;
mod mapping;

use tandem_mesh::assertion::{METADATA_KEY, Role, UserAssertion, Verifier};
use tonic::{Request, Response, Status};

use crate::BuybackError;
use crate::app::{App, Customer, Viewer};

/// The buy-back services over the center's use cases.
#[derive(Clone)]
pub struct BuybackService {
    /// The use cases.
    app: App,
    /// Checks the end-user assertions calls carry (the gateway's public key).
    users: Verifier,
}

impl BuybackService {
    /// The services running `app`'s use cases for the end users `users` verifies.
    pub fn new(app: App, users: Verifier) -> Self {
        Self { app, users }
    }

    /// The customer `request` is made for; `named` is the request's `customer_id`,
    /// which, when given, must be theirs.
    fn customer<T>(&self, request: &Request<T>, named: &str) -> Result<Customer, Status> {
        let user = self.users.of(request, &[Role::Customer])?;
        own(&user, named)?;
        let assertion = request
            .metadata()
            .get(METADATA_KEY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Ok(Customer {
            id: user.subject,
            assertion,
        })
    }

    /// Who reads: a customer (whose `named` customer_id, when given, must be theirs) or a
    /// staff member.
    fn viewer<T>(&self, request: &Request<T>, named: &str) -> Result<Viewer, Status> {
        let user = self
            .users
            .of(request, &[Role::Customer, Role::BuybackStaff])?;
        Ok(match user.role {
            Role::BuybackStaff => Viewer::Staff(user.subject),
            _ => {
                own(&user, named)?;
                Viewer::Customer(user.subject)
            }
        })
    }

    /// The staff ID of the buy-back staff member `request` is made for.
    fn staff<T>(&self, request: &Request<T>) -> Result<String, Status> {
        Ok(self.users.of(request, &[Role::BuybackStaff])?.subject)
    }
}

/// Refuses a `customer_id` field that names another customer than `user`.
fn own(user: &UserAssertion, named: &str) -> Result<(), Status> {
    let named = named.trim();
    if named.is_empty() || named == user.subject {
        Ok(())
    } else {
        Err(BuybackError::OtherCustomer("customer_id").into())
    }
}

type Reply<T> = Result<Response<T>, Status>;
