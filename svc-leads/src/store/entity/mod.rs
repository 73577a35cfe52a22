//! sea-orm entities of the leads server's tables. Fields mirror their columns; the
//! migrations are their documentation.

#![allow(missing_docs)]

pub mod consent_record;
pub mod customer;
pub mod lead;
pub mod mail_message;
pub mod possessed_product;
pub mod product_info;
pub mod related_item;
pub mod sales_staff;
pub mod staff_view;
