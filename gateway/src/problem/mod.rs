//! Errors as RFC 7807 problem documents (`application/problem+json`), and the mapping of
//! gRPC status codes from the servers behind the gateway onto HTTP statuses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tandem_proto::settlement::v1::REASON_PROCESSOR_UNAVAILABLE;
use tonic::Code;
use utoipa::ToSchema;

mod words;

pub use words::field_label;
use words::plain_words;

/// Media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 7807 problem document: what went wrong, for people and programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// Problem type URI; `about:blank` means the HTTP status says it all.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    /// Short summary: the HTTP reason phrase.
    #[schema(example = "Bad Request")]
    pub title: &'static str,
    /// The HTTP status code.
    #[schema(example = 400)]
    pub status: u16,
    /// Explanation for this occurrence, fit to show to the user.
    #[schema(example = "postal_code: unknown region")]
    pub detail: String,
    /// The request fields that were wrong (empty unless the input was rejected).
    pub errors: Vec<FieldError>,
    /// Trace ID of the request, to find its logs and spans.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// One rejected request field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field (query parameter or contract field), e.g. `postal_code`.
    #[schema(example = "postal_code")]
    pub field: String,
    /// What is wrong with it, in plain words naming the field as a person knows it, fit
    /// to show next to the form field.
    #[schema(example = "ZIP code must be 5 digits")]
    pub message: String,
}

impl FieldError {
    /// `field` is wrong because of `message`. A message that is already a sentence
    /// ("Driver age must be between 16 and 99") is kept; a fragment ("is required",
    /// "must be 5 digits", a server's "required") is told with the field's label in
    /// front ("ZIP code must be 5 digits").
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = plain_words(&field, &message.into());
        Self { field, message }
    }
}

impl Problem {
    /// A problem with `status` and `detail`, no field errors.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: reason(status),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            trace_id: current_trace_id(),
        }
    }

    /// 400 for rejected request fields; the detail lists them as `field: message`.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            errors,
            ..Self::new(StatusCode::BAD_REQUEST, detail)
        }
    }

    /// 404 with `detail`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 500 with a generic detail; the cause must be logged by the caller.
    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_DETAIL)
    }

    /// The problem for an error `status` returned by (or on the way to) the `service`
    /// server. Messages the servers write for callers are passed on; transport and
    /// internal messages are replaced by a generic detail.
    pub fn from_status(service: &str, status: &tonic::Status) -> Self {
        let Some(detail) = describe(service, status) else {
            return Self::internal();
        };
        Self {
            errors: field_errors(status),
            ..Self::new(http_status(status.code()), detail)
        }
    }
}

/// The detail of [`Problem::internal`].
const INTERNAL_DETAIL: &str = "An internal error occurred. Please try again later.";

/// What a customer is told about an error `status` of the `service` server: the detail of
/// [`Problem::from_status`] (also what the checkout log records as the failure).
pub fn status_detail(service: &str, status: &tonic::Status) -> String {
    describe(service, status).unwrap_or_else(|| INTERNAL_DETAIL.to_owned())
}

/// The INVALID_ARGUMENT field violations of `status`.
fn field_errors(status: &tonic::Status) -> Vec<FieldError> {
    if status.code() != Code::InvalidArgument {
        return Vec::new();
    }
    tandem_mesh::status::field_violations(status)
        .into_iter()
        .map(|(field, message)| FieldError::new(field, message))
        .collect()
}

/// The detail for `status`, or `None` when it is a fault whose message must not be sent.
fn describe(service: &str, status: &tonic::Status) -> Option<String> {
    let message = status.message().trim();
    let message_or = |fallback: &str| {
        if message.is_empty() {
            fallback.to_owned()
        } else {
            message.to_owned()
        }
    };
    let http = http_status(status.code());
    Some(match status.code() {
        Code::InvalidArgument => {
            let errors = field_errors(status);
            if message.is_empty() && !errors.is_empty() {
                Problem::invalid_fields(errors).detail
            } else {
                message_or("The request is invalid.")
            }
        }
        Code::NotFound => message_or("Not found."),
        Code::AlreadyExists
        | Code::FailedPrecondition
        | Code::PermissionDenied
        | Code::Unauthenticated
        | Code::ResourceExhausted => message_or(reason(http)),
        // The server answered, but something behind it did not.
        Code::Unavailable
            if tandem_mesh::status::reason(status).as_deref()
                == Some(REASON_PROCESSOR_UNAVAILABLE) =>
        {
            "The card processor did not answer in time. Nothing was charged; please try again."
                .to_owned()
        }
        Code::Unavailable => {
            format!("The {service} service is unavailable right now. Please try again shortly.")
        }
        Code::DeadlineExceeded | Code::Cancelled => {
            format!("The {service} service did not answer in time. Please try again.")
        }
        _ => return None,
    })
}

/// The HTTP status for a gRPC status code.
///
/// CANCELLED counts as a timeout: tonic reports an expired deadline (the client's own or
/// a server's request timeout) as CANCELLED, and the gateway never cancels calls itself.
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::OutOfRange => StatusCode::BAD_REQUEST,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::FailedPrecondition | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded | Code::Cancelled => StatusCode::GATEWAY_TIMEOUT,
        Code::Unknown | Code::Unimplemented | Code::Internal | Code::DataLoss => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

/// The current trace ID, or `None` when tracing is not exporting one.
fn current_trace_id() -> Option<String> {
    let id = tandem_mesh::telemetry::current_trace_id();
    (!id.bytes().all(|b| b == b'0')).then_some(id)
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = match serde_json::to_vec(&self) {
            Ok(body) => body,
            Err(err) => {
                tracing::error!(%err, "cannot serialise a problem document");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

#[cfg(test)]
mod tests;
