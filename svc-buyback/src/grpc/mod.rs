//! The `Buyback` and `BuybackInspection` gRPC services: each call decodes its request,
//! runs one use case of [`App`] and encodes the reply; errors come from
//! [`crate::BuybackError`].

mod buyback;
mod inspection;
mod mapping;

use tonic::{Response, Status};

use crate::app::App;

/// The buy-back services over the center's use cases.
#[derive(Clone)]
pub struct BuybackService {
    /// The use cases.
    app: App,
}

impl BuybackService {
    /// The services running `app`'s use cases.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

type Reply<T> = Result<Response<T>, Status>;
