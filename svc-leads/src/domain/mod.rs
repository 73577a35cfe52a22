//! Pure rules of the sales-staff support server. For now the customer-information store:
//! what a customer record may contain (`customer`) and how credentials are kept
//! (`password`). Staff, lead routing and e-mail rules come beside them.

mod contact;
pub mod customer;
pub mod password;

pub use customer::{
    Address, Customer, CustomerPatch, DEMO_CUSTOMER_ID, Login, NewCustomer, new_customer_id,
    parse_customer_id,
};
pub use password::Password;
pub use tandem_mesh::status::InvalidField;

#[cfg(test)]
mod tests;
