//! What every operation of the REST API may answer besides its own results, added to the
//! OpenAPI document in one place because one layer gives it to all: the CSRF check (403),
//! body reading (400, 413), the request timeout (503), the sign-in extractors (401), an
//! unknown ID in the path (404), and every problem document served as
//! `application/problem+json`.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};

use crate::problem::PROBLEM_JSON;

/// Operations anyone may call; every other one needs a customer's, staff member's or seller's
/// session and answers 401 without one.
const PUBLIC: [(&str, &str); 16] = [
    ("get", "/api/v1/plans"),
    ("get", "/api/v1/plans/{id}"),
    ("get", "/api/v1/devices"),
    ("get", "/api/v1/devices/{id}"),
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/{id}"),
    ("get", "/api/v1/buyback/prices"),
    ("post", "/api/v1/buyback/estimates"),
    ("post", "/api/v1/customers"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("post", "/api/v1/staff/session"),
    ("delete", "/api/v1/staff/session"),
    ("post", "/api/v1/buyback/desk/session"),
    ("post", "/api/v1/seller/session"),
    ("delete", "/api/v1/seller/session"),
];

/// Adds the shared answers to every operation of `doc` and types every problem document
/// as `application/problem+json`.
pub fn complete(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, operation) in operations(item) {
            let changes_state = matches!(method, "post" | "put" | "patch" | "delete");
            let has_body = operation.request_body.is_some();
            let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if changes_state {
                add(
                    operation,
                    403,
                    "The CSRF token is missing or wrong (X-CSRF-Token must echo the tandem_csrf cookie), or the signed-in person may not do this",
                );
            }
            if has_body || has_params {
                add(
                    operation,
                    400,
                    "A parameter or the body is missing or invalid",
                );
            }
            if has_body {
                add(operation, 413, "The body is larger than 64 KiB");
            }
            if path.contains('{') {
                add(
                    operation,
                    404,
                    "Nothing with that ID (for the signed-in person)",
                );
            }
            if !PUBLIC.contains(&(method, path.as_str())) {
                add(operation, 401, "Not signed in (or the session expired)");
            }
            add(
                operation,
                503,
                "A server behind the gateway is unavailable, or the request took too long",
            );
            problem_content(operation);
        }
    }
}

/// The operations of `item` with their lower-case methods.
fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, op)| Some((method, op?)))
    .collect()
}

/// Documents `status` as a problem document unless the operation already does.
fn add(operation: &mut Operation, status: u16, description: &str) {
    let key = status.to_string();
    if operation.responses.responses.contains_key(&key) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build();
    operation
        .responses
        .responses
        .insert(key, RefOr::T(response));
}

/// Every error answer (4xx, 5xx) typed as the problem documents it is.
fn problem_content(operation: &mut Operation) {
    for (status, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if !status.starts_with(['4', '5']) {
            continue;
        }
        if let Some(content) = response.content.shift_remove("application/json") {
            response.content.insert(PROBLEM_JSON.to_owned(), content);
        }
    }
}
