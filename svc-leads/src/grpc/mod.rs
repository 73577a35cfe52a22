//! The leads server's gRPC services, one file each: decode the request, call one use
//! case of [`App`], encode the reply. Errors come from `LeadsError` through `?`.

mod customers;
mod mapping;
mod sales_admin;
mod sales_desk;
mod staff_leads;

use crate::app::App;

/// The tonic implementation of the leads contract's four services over the use cases.
#[derive(Clone)]
pub struct LeadsApi {
    /// The use cases.
    app: App,
}

impl LeadsApi {
    /// The services over `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}
