//! sea-orm entities of the leads server's tables.

pub mod customer;
