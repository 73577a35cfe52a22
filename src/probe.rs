//! `tandem probe <target>`: asks a server of this pod whether it is serving, over the same
//! mutual TLS its partners use. Kubernetes' native gRPC probes cannot present a client
//! certificate, so the manifests run this as an exec probe; it exits 0 when the server
//! answers SERVING and 1 otherwise, with the reason on stderr.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context as _;
use tandem_mesh::ClientConfig;
use tandem_mesh::tls::TlsMaterial;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::target::Target;

/// Flags of `tandem probe`.
#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// The gRPC target to ask (its certificate must name it as a DNS SAN).
    pub target: Target,
    /// Where it listens; by default the port of TANDEM_<TARGET>_ADDR (else its default
    /// port) on 127.0.0.1.
    #[arg(long)]
    pub addr: Option<SocketAddr>,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 2)]
    pub timeout_secs: u64,
    /// The certificate to present and the CA to check the server's against (the
    /// container's own, from the same settings as `tandem serve`).
    #[command(flatten)]
    pub tls: crate::cli::TlsFileArgs,
}

/// Runs the probe: `Ok` when the target answers SERVING.
pub async fn run(args: ProbeArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.target != Target::Gateway,
        "the gateway is probed over HTTP (GET /readyz), not gRPC"
    );
    let addr = match args.addr {
        Some(addr) => addr,
        None => default_addr(args.target, |k| std::env::var(k).ok())?,
    };
    let timeout = Duration::from_secs(args.timeout_secs.max(1));
    let client = ClientConfig {
        connect_timeout: timeout,
        call_timeout: timeout,
        tls: args
            .tls
            .files()?
            .map(|f| TlsMaterial::load(&f))
            .transpose()?,
    };
    // The server's certificate is checked for the target's name, as its partners do.
    let url = format!("http://{addr}");
    let channel = tandem_mesh::client::channel_named(&url, args.target.as_str(), &client)?;
    let request = tandem_mesh::client::request(HealthCheckRequest::default(), timeout);
    let answer = tokio::time::timeout(timeout, HealthClient::new(channel).check(request))
        .await
        .map_err(|_| anyhow::anyhow!("{} at {addr}: no answer within {timeout:?}", args.target))?
        .map_err(|status| {
            anyhow::anyhow!(
                "{} at {addr}: {}: {}",
                args.target,
                status.code(),
                status.message()
            )
        })?;
    let status = answer.into_inner().status();
    anyhow::ensure!(
        status == ServingStatus::Serving,
        "{} at {addr}: {}",
        args.target,
        status.as_str_name()
    );
    Ok(())
}

/// 127.0.0.1 with the port of `TANDEM_<TARGET>_ADDR`, else the target's default port.
fn default_addr(
    target: Target,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<SocketAddr> {
    let name = format!("TANDEM_{}_ADDR", target.as_str().to_ascii_uppercase());
    let port = match env(&name) {
        Some(value) => value
            .parse::<SocketAddr>()
            .with_context(|| format!("{name}: {value:?} is not host:port"))?
            .port(),
        None => target.default_port(),
    };
    Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_loopback_with_the_configured_or_default_port() {
        let env = |k: &str| (k == "TANDEM_SETTLEMENT_ADDR").then(|| "0.0.0.0:6054".to_owned());
        assert_eq!(
            default_addr(Target::Settlement, env).unwrap(),
            "127.0.0.1:6054".parse().unwrap()
        );
        assert_eq!(
            default_addr(Target::Leads, env).unwrap(),
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), Target::Leads.default_port())
        );
        let bad = |_: &str| Some("nonsense".to_owned());
        let err = default_addr(Target::Leads, bad).unwrap_err().to_string();
        assert!(err.contains("TANDEM_LEADS_ADDR"), "{err}");
    }
}
