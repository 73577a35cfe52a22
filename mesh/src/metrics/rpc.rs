//! The tower layer that counts and times every RPC a server answers.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

/// The gRPC status name of a numeric code, e.g. 5 → "NOT_FOUND".
fn code_name(code: &str) -> &'static str {
    let code = code.parse::<i32>().unwrap_or(2);
    match tonic::Code::from_i32(code) {
        tonic::Code::Ok => "OK",
        tonic::Code::Cancelled => "CANCELLED",
        tonic::Code::Unknown => "UNKNOWN",
        tonic::Code::InvalidArgument => "INVALID_ARGUMENT",
        tonic::Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        tonic::Code::NotFound => "NOT_FOUND",
        tonic::Code::AlreadyExists => "ALREADY_EXISTS",
        tonic::Code::PermissionDenied => "PERMISSION_DENIED",
        tonic::Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        tonic::Code::FailedPrecondition => "FAILED_PRECONDITION",
        tonic::Code::Aborted => "ABORTED",
        tonic::Code::OutOfRange => "OUT_OF_RANGE",
        tonic::Code::Unimplemented => "UNIMPLEMENTED",
        tonic::Code::Internal => "INTERNAL",
        tonic::Code::Unavailable => "UNAVAILABLE",
        tonic::Code::DataLoss => "DATA_LOSS",
        tonic::Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// A tower layer counting and timing every RPC of server `name`.
#[derive(Clone, Copy, Debug)]
pub struct RpcMetricsLayer {
    /// The server, e.g. "insurance".
    name: &'static str,
}

impl RpcMetricsLayer {
    /// The layer for server `name`.
    pub fn new(name: &'static str) -> Self {
        Self { name }
    }
}

impl<S> tower::Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcMetrics {
            inner,
            name: self.name,
        }
    }
}

/// The service of [`RpcMetricsLayer`].
#[derive(Clone, Debug)]
pub struct RpcMetrics<S> {
    /// The server's routes.
    inner: S,
    /// The server.
    name: &'static str,
}

impl<S, B, RB> tower::Service<http::Request<B>> for RpcMetrics<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        let name = self.name;
        let started = Instant::now();
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await;
            // A refusal is a trailers-only answer with grpc-status in the headers; an
            // answer with a message carries status 0 in its trailers.
            let code = match &response {
                Ok(r) => r
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .map_or("OK", code_name),
                Err(_) => "UNKNOWN",
            };
            super::global().record_rpc(name, &path, code, started.elapsed());
            response
        })
    }
}

#[cfg(test)]
mod tests {
    use super::code_name;

    #[test]
    fn numeric_codes_are_named() {
        assert_eq!(code_name("0"), "OK");
        assert_eq!(code_name("5"), "NOT_FOUND");
        assert_eq!(code_name("16"), "UNAUTHENTICATED");
        assert_eq!(code_name("junk"), "UNKNOWN");
    }
}
