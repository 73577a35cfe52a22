//! Pure rules of the sales-staff support server: whom a call acts for (`acting`); what a
//! customer record may contain (`customer`, `contact`) and how credentials are kept
//! (`password`); sales staff (`staff`) and who gets a lead (`routing`); leads and contact
//! requests (`lead`); product information (`product`); consent purposes and their
//! wording (`consent`); installation appointments as the customer is told of them
//! (`appointment`); and the free-text rules that keep e-mail headers clean (`text`).

pub mod acting;
pub mod appointment;
pub mod consent;
mod contact;
pub mod customer;
pub mod lead;
pub mod password;
pub mod product;
pub mod routing;
pub mod staff;
pub mod text;

pub use consent::Purpose;
pub use contact::{parse_email, parse_phone};
pub use customer::{
    Address, Change, Customer, CustomerPatch, DEMO_CUSTOMER_ID, Login, NewCustomer, address_line,
    new_customer_id, parse_customer_id,
};
pub use lead::{ContactRequest, LeadKind, LeadStatus, RequestedAction};
pub use password::Password;
pub use product::{ProductInfo, RelatedItem, RelatedKind};
pub use routing::{Candidate, Route, RouteRequest, Rule, StaffRouter};
pub use staff::Staff;
pub use tandem_mesh::status::InvalidField;

#[cfg(test)]
mod appointment_tests;
#[cfg(test)]
mod routing_tests;
#[cfg(test)]
mod tests;
