//! The sales desk over REST (seed 001): product information with related items, "contact
//! sales staff", the registration update with its consent question, and the customer's
//! consents. Everything but the product information needs a signed-in customer.

mod consents;
mod contact;
mod products;
mod registration;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(products::list_products))
        .routes(routes!(products::get_product))
        .routes(routes!(contact::contact))
        .routes(routes!(
            registration::registration,
            registration::update_registration
        ))
        .routes(routes!(consents::consents))
        .routes(routes!(consents::set_consent))
}
