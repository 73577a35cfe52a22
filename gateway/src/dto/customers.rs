//! Customers and their sessions as the REST API shows and takes them.

use serde::{Deserialize, Serialize};
use tandem_proto::leads::v1 as leads;
use utoipa::ToSchema;

use super::Address;

/// A registered customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Customer {
    /// ID in the customer store, e.g. "CUS-…".
    pub customer_id: String,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Postal address.
    pub address: Address,
    /// YYYY-MM-DD.
    pub date_of_birth: String,
}

impl From<leads::Customer> for Customer {
    fn from(c: leads::Customer) -> Self {
        Self {
            customer_id: c.customer_id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            address: c.address.unwrap_or_default().into(),
            date_of_birth: c.date_of_birth,
        }
    }
}

/// The signed-in customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Who is signed in.
    pub customer: Customer,
}

/// A new customer's registration (its own schema name: `Registration` is what the
/// registration page shows).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCustomer {
    /// Full name.
    pub name: String,
    /// E-mail address (also a login).
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Postal address.
    pub address: Address,
    /// YYYY-MM-DD.
    pub date_of_birth: String,
    /// 10–128 characters.
    pub password: String,
}

/// A login.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Login {
    /// Customer ID or e-mail.
    pub login: String,
    /// Password.
    pub password: String,
}
