//! The leads server's gRPC services, one file each: decode the request, call one use
//! case of [`App`], encode the reply. Errors come from `LeadsError` through `?`. Calls
//! made for an end user act on the verified assertion (`acting.rs`), not on the request
//! fields naming the user.

mod acting;
mod customers;
mod mapping;
mod sales_admin;
mod sales_desk;
mod staff_leads;

use tandem_mesh::assertion::Verifier;

use crate::app::App;

/// The tonic implementation of the leads contract's four services over the use cases.
#[derive(Clone)]
pub struct LeadsApi {
    /// The use cases.
    app: App,
    /// Checks the gateway's end-user assertions.
    users: Verifier,
}

impl LeadsApi {
    /// The services over `app`, checking end-user assertions with `users`.
    pub fn new(app: App, users: Verifier) -> Self {
        Self { app, users }
    }
}
