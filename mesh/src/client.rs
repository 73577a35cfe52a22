//! Channels to other servers and the request envelope every outgoing call uses: a
//! deadline (`grpc-timeout`, never longer than the caller's own remaining budget) and the
//! current trace context.

use std::time::Duration;

use tonic::transport::{Channel, Endpoint};

use crate::config::ClientConfig;

/// A lazily connected channel to the server at `url` (e.g. `http://127.0.0.1:50052`).
/// Cloning it is cheap and shares the HTTP/2 connection. With TLS material in `config`
/// the call is mutual TLS: this partner's certificate is presented and the server's is
/// verified against the CA bundle for the URL's host.
pub fn channel(url: &str, config: &ClientConfig) -> anyhow::Result<Channel> {
    channel_to(url, None, config)
}

/// A channel like [`channel`] whose server certificate must name `server_name` instead
/// of the URL's host (e.g. a pod asking its own server at 127.0.0.1).
pub fn channel_named(
    url: &str,
    server_name: &str,
    config: &ClientConfig,
) -> anyhow::Result<Channel> {
    channel_to(url, Some(server_name), config)
}

fn channel_to(
    url: &str,
    server_name: Option<&str>,
    config: &ClientConfig,
) -> anyhow::Result<Channel> {
    let invalid =
        |err: &dyn std::fmt::Display| anyhow::anyhow!("invalid server URL {url:?}: {err}");
    let mut endpoint = match &config.tls {
        None => Endpoint::from_shared(url.to_owned()).map_err(|e| invalid(&e))?,
        Some(tls) => {
            let https = match url.strip_prefix("http://") {
                Some(rest) => format!("https://{rest}"),
                None => url.to_owned(),
            };
            let endpoint = Endpoint::from_shared(https).map_err(|e| invalid(&e))?;
            let host = match server_name {
                Some(name) => name.to_owned(),
                None => endpoint
                    .uri()
                    .host()
                    .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
                    .ok_or_else(|| invalid(&"no host"))?,
            };
            endpoint
                .tls_config(tls.client_config(&host))
                .map_err(|e| invalid(&e))?
        }
    };
    endpoint = endpoint
        .connect_timeout(config.connect_timeout)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_while_idle(true);
    Ok(endpoint.connect_lazy())
}

/// Wraps `message` for an outgoing call: deadline `timeout`, trace context of the
/// current span.
pub fn request<T>(message: T, timeout: Duration) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(timeout);
    crate::telemetry::inject_current(request.metadata_mut());
    request
}

/// The deadline to give a downstream call: `configured`, or less when the incoming call's
/// own `grpc-timeout` leaves less (minus a small margin to answer in).
pub fn budget(incoming: &tonic::metadata::MetadataMap, configured: Duration) -> Duration {
    const MARGIN: Duration = Duration::from_millis(5);
    match incoming
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_grpc_timeout)
    {
        Some(remaining) => configured.min(remaining.saturating_sub(MARGIN)),
        None => configured,
    }
}

/// Parses a `grpc-timeout` header value (`<digits><unit>`, unit one of H M S m u n).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    if value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.checked_mul(3600)?),
        "M" => Duration::from_secs(n.checked_mul(60)?),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_grpc_timeout_unit() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse_grpc_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse_grpc_timeout("9n"), Some(Duration::from_nanos(9)));
        assert_eq!(parse_grpc_timeout("5"), None);
        assert_eq!(parse_grpc_timeout("12x"), None);
        assert_eq!(parse_grpc_timeout("123456789S"), None);
    }

    #[test]
    fn budget_never_exceeds_the_callers_remaining_time() {
        let mut md = tonic::metadata::MetadataMap::new();
        assert_eq!(budget(&md, Duration::from_secs(1)), Duration::from_secs(1));
        md.insert("grpc-timeout", "105m".parse().unwrap());
        assert_eq!(
            budget(&md, Duration::from_secs(1)),
            Duration::from_millis(100)
        );
        assert_eq!(
            budget(&md, Duration::from_millis(20)),
            Duration::from_millis(20)
        );
    }

    #[test]
    fn request_carries_the_deadline() {
        let req = request((), Duration::from_millis(300));
        assert_eq!(
            req.metadata()
                .get("grpc-timeout")
                .unwrap()
                .to_str()
                .unwrap(),
            "300000u"
        );
    }

    #[test]
    fn rejects_malformed_urls() {
        assert!(channel("not a url", &ClientConfig::default()).is_err());
    }
}
