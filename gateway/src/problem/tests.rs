//! Unit tests of the problem documents and the plain-words field errors.

use super::*;

#[test]
fn grpc_codes_map_to_http_statuses() {
    let cases = [
        (Code::InvalidArgument, 400),
        (Code::NotFound, 404),
        (Code::AlreadyExists, 409),
        (Code::FailedPrecondition, 409),
        (Code::PermissionDenied, 403),
        (Code::Unauthenticated, 401),
        (Code::ResourceExhausted, 429),
        (Code::Unavailable, 503),
        (Code::DeadlineExceeded, 504),
        (Code::Cancelled, 504),
        (Code::Internal, 500),
        (Code::Unknown, 500),
        (Code::Unimplemented, 500),
        (Code::DataLoss, 500),
    ];
    for (code, expected) in cases {
        assert_eq!(http_status(code).as_u16(), expected, "{code:?}");
        let problem = Problem::from_status("insurance", &tonic::Status::new(code, "x"));
        assert_eq!(problem.status, expected, "{code:?}");
    }
}

#[test]
fn invalid_argument_carries_the_field_violations() {
    let status = tandem_mesh::status::invalid_argument("postal_code", "unknown region");
    let problem = Problem::from_status("insurance", &status);
    assert_eq!(problem.status, 400);
    assert_eq!(problem.title, "Bad Request");
    assert_eq!(problem.detail, "postal_code: unknown region");
    assert_eq!(
        problem.errors,
        vec![FieldError::new("postal_code", "unknown region")]
    );
}

#[test]
fn caller_facing_messages_are_passed_on() {
    let problem = Problem::from_status("insurance", &tonic::Status::not_found("no plan PLN-X"));
    assert_eq!(
        (problem.status, problem.detail.as_str()),
        (404, "no plan PLN-X")
    );
    let problem = Problem::from_status("x", &tonic::Status::failed_precondition("sold out"));
    assert_eq!((problem.status, problem.detail.as_str()), (409, "sold out"));
}

#[test]
fn internal_and_transport_details_are_never_sent() {
    let secret = "db password=hunter2 at 10.0.0.7";
    for status in [
        tonic::Status::internal(secret),
        tonic::Status::unknown(secret),
        tonic::Status::unavailable(secret),
        tonic::Status::deadline_exceeded(secret),
    ] {
        let problem = Problem::from_status("accessory", &status);
        assert!(!problem.detail.contains("hunter2"), "{problem:?}");
        assert!(problem.errors.is_empty());
    }
    let problem = Problem::from_status("accessory", &tonic::Status::unavailable(secret));
    assert!(problem.detail.contains("accessory service is unavailable"));
}

#[test]
fn invalid_fields_lists_every_field_in_the_detail() {
    let problem = Problem::invalid_fields(vec![
        FieldError::new("driver_age", "is required"),
        FieldError::new("vehicle_class", "unknown value \"boat\""),
    ]);
    assert_eq!(problem.status, 400);
    assert_eq!(
        problem.detail,
        "driver_age: Driver age is required; vehicle_class: Vehicle class: unknown value \"boat\""
    );
}

#[test]
fn field_errors_are_told_in_plain_words_naming_the_field() {
    let cases = [
        ("driver_age", "is required", "Driver age is required"),
        (
            "conditions.postal_code",
            "must be 5 digits",
            "ZIP code must be 5 digits",
        ),
        ("address.postal_code", "required", "ZIP code is required"),
        (
            "conditions.vehicle_class",
            "required; one of compact, sedan",
            "Vehicle class is required; one of compact, sedan",
        ),
        (
            "address.line1",
            "at most 200 characters",
            "Street address must be at most 200 characters",
        ),
        (
            "page_token",
            "not a token from this server",
            "Page token is not a token from this server",
        ),
        (
            "grade",
            "one of A, B, C, D",
            "Grade must be one of A, B, C, D",
        ),
        ("postal_code", "unknown region", "ZIP code: unknown region"),
        ("card.cvc", "", "Security code is not valid"),
        // Already a sentence: kept as written.
        (
            "conditions.driver_age",
            "Driver age must be between 16 and 99",
            "Driver age must be between 16 and 99",
        ),
    ];
    for (field, fragment, plain) in cases {
        let error = FieldError::new(field, fragment);
        assert_eq!(
            (error.field.as_str(), error.message.as_str()),
            (field, plain)
        );
    }
    assert_eq!(field_label("conditions.annual_mileage"), "Annual mileage");
    assert_eq!(field_label("c.peak_amps"), "Peak amps");
}

#[tokio::test]
async fn responds_with_problem_json() {
    let response = Problem::not_found("no such thing").into_response();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["type"], "about:blank");
    assert_eq!(json["title"], "Not Found");
    assert_eq!(json["status"], 404);
    assert_eq!(json["detail"], "no such thing");
    assert_eq!(json["errors"], serde_json::json!([]));
}
