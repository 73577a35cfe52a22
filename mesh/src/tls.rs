//! Mutual TLS between partners. Servers speak TLS 1.3 only (rustls with the ring
//! provider, ALPN `h2`) and ask every client for a certificate; the handshake itself lets a
//! client without one (or with a foreign one) in, so that the authorization layer can
//! answer a proper gRPC `UNAUTHENTICATED` instead of a dropped connection. Whether the
//! presented chain verifies against the CA bundle is decided once per connection, here,
//! and the partner name it carries rides along with every request of the connection
//! ([`PeerInfo`]). Clients present their own certificate and verify the server's against
//! the same bundle, for the DNS name of the partner they meant to call.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use crate::pki::PARTNER_URI_PREFIX;

/// Longest time a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a partner's TLS material is: the CA bundle it trusts, its certificate chain and
/// its private key (PEM files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// CA certificates that issue partners' certificates.
    pub ca: PathBuf,
    /// This partner's certificate (chain), leaf first.
    pub cert: PathBuf,
    /// This partner's private key.
    pub key: PathBuf,
}

/// Why TLS material could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file holds no usable PEM of the kind expected.
    #[error("{path}: {what}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// rustls refused the material.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// A partner's TLS material, loaded.
#[derive(Clone)]
pub struct TlsMaterial {
    /// The CA bundle (PEM).
    ca_pem: Vec<u8>,
    /// The certificate chain (PEM).
    cert_pem: Vec<u8>,
    /// The private key (PEM).
    key_pem: Vec<u8>,
    /// The partner name in the certificate, if it carries one.
    partner: Option<String>,
}

impl std::fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("partner", &self.partner)
            .finish_non_exhaustive()
    }
}

impl TlsMaterial {
    /// Reads and checks the files.
    pub fn load(files: &TlsFiles) -> Result<Self, TlsError> {
        let material = Self {
            ca_pem: read(&files.ca)?,
            cert_pem: read(&files.cert)?,
            key_pem: read(&files.key)?,
            partner: None,
        };
        let certs = certs(&material.cert_pem, &files.cert)?;
        let ca = certs_named(&material.ca_pem, &files.ca)?;
        if ca.is_empty() {
            return Err(pem(&files.ca, "no CA certificate"));
        }
        PrivateKeyDer::from_pem_slice(&material.key_pem)
            .map_err(|e| pem(&files.key, format!("no private key: {e}")))?;
        let partner = partner_of_der(&certs[0]);
        Ok(Self {
            partner,
            ..material
        })
    }

    /// The partner name this certificate carries.
    pub fn partner(&self) -> Option<&str> {
        self.partner.as_deref()
    }

    fn roots(&self) -> Result<rustls::RootCertStore, TlsError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in certs_named(&self.ca_pem, Path::new("CA bundle"))? {
            roots.add(cert)?;
        }
        Ok(roots)
    }

    /// The rustls configuration of a server: TLS 1.3, ALPN h2, client certificates asked
    /// for and checked per connection.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let provider = provider();
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(self.roots()?), provider.clone())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?;
        let chain = certs(&self.cert_pem, Path::new("certificate"))?;
        let key = PrivateKeyDer::from_pem_slice(&self.key_pem)
            .map_err(|e| pem(Path::new("key"), e.to_string()))?;
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])?
            .with_client_cert_verifier(Arc::new(AskForCertificate(verifier.clone())))
            .with_single_cert(chain, key)?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Arc::new(config))
    }

    /// A verifier of client chains against this CA bundle (run after the handshake).
    pub fn client_verifier(&self) -> Result<Arc<dyn ClientCertVerifier>, TlsError> {
        WebPkiClientVerifier::builder_with_provider(Arc::new(self.roots()?), provider())
            .build()
            .map_err(|e| TlsError::Rustls(rustls::Error::General(e.to_string())))
    }

    /// tonic's client TLS settings for calling the partner whose certificate names
    /// `server_name` (a DNS name or IP SAN of it).
    pub fn client_config(&self, server_name: &str) -> tonic::transport::ClientTlsConfig {
        tonic::transport::ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(&self.ca_pem))
            .identity(tonic::transport::Identity::from_pem(
                &self.cert_pem,
                &self.key_pem,
            ))
            .domain_name(server_name)
    }
}

/// The crypto provider Tandem uses (ring), named explicitly: several are compiled in.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A client-certificate verifier for the handshake that asks for a certificate and checks
/// the client holds its key, but lets any chain through: the chain is judged after the
/// handshake, so that a stranger gets a gRPC UNAUTHENTICATED with the method named in the
/// log rather than a failed handshake.
#[derive(Debug)]
struct AskForCertificate(Arc<dyn ClientCertVerifier>);

impl ClientCertVerifier for AskForCertificate {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.0.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Who is at the other end of a connection, as the TLS handshake established it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerInfo {
    /// The client's address.
    pub remote: Option<SocketAddr>,
    /// The partner its certificate names, when it presented one that chains to the CA
    /// bundle; `None` for no certificate, a foreign one, or one without a partner name.
    pub partner: Option<String>,
}

/// A server-side TLS connection with what its handshake established.
pub struct TlsConnection {
    /// The encrypted stream.
    stream: tokio_rustls::server::TlsStream<TcpStream>,
    /// The peer.
    info: PeerInfo,
}

impl tonic::transport::server::Connected for TlsConnection {
    type ConnectInfo = PeerInfo;

    fn connect_info(&self) -> PeerInfo {
        self.info.clone()
    }
}

impl AsyncRead for TlsConnection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsConnection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Accepts connections on `listener` and completes their TLS handshakes concurrently
/// (a slow client does not hold up others), yielding each established connection with
/// its [`PeerInfo`] until `shutdown` is cancelled.
pub fn incoming(
    listener: TcpListener,
    material: &TlsMaterial,
    shutdown: CancellationToken,
) -> Result<impl futures::Stream<Item = std::io::Result<TlsConnection>>, TlsError> {
    let acceptor = tokio_rustls::TlsAcceptor::from(material.server_config()?);
    let verifier = material.client_verifier()?;
    let (tx, rx) = tokio::sync::mpsc::channel::<TlsConnection>(64);
    tokio::spawn(async move {
        loop {
            let (tcp, remote) = tokio::select! {
                () = shutdown.cancelled() => return,
                accepted = listener.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        tracing::warn!(%err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let (acceptor, verifier, tx) = (acceptor.clone(), verifier.clone(), tx.clone());
            tokio::spawn(async move {
                if let Err(err) = tcp.set_nodelay(true) {
                    tracing::debug!(%err, "cannot set TCP_NODELAY");
                }
                let stream =
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(err)) => {
                            tracing::info!(%remote, %err, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::info!(%remote, "TLS handshake timed out");
                            return;
                        }
                    };
                let partner = verified_partner(&stream, verifier.as_ref());
                let info = PeerInfo {
                    remote: Some(remote),
                    partner,
                };
                tx.send(TlsConnection { stream, info }).await.ok();
            });
        }
    });
    Ok(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|conn| (Ok(conn), rx))
    }))
}

/// The partner named by the client's certificate, if it presented one that verifies.
fn verified_partner(
    stream: &tokio_rustls::server::TlsStream<TcpStream>,
    verifier: &dyn ClientCertVerifier,
) -> Option<String> {
    let chain = stream.get_ref().1.peer_certificates()?;
    let (leaf, intermediates) = chain.split_first()?;
    match verifier.verify_client_cert(leaf, intermediates, UnixTime::now()) {
        Ok(_) => partner_of_der(leaf),
        Err(err) => {
            tracing::info!(%err, "client certificate does not verify against the CA bundle");
            None
        }
    }
}

/// The partner name in a DER certificate's `spiffe://tandem/partner/<name>` URI SAN.
pub fn partner_of_der(cert: &CertificateDer<'_>) -> Option<String> {
    use x509_parser::extensions::GeneralName;
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    let san = parsed.subject_alternative_name().ok()??;
    san.value.general_names.iter().find_map(|name| match name {
        GeneralName::URI(uri) => uri
            .strip_prefix(PARTNER_URI_PREFIX)
            .filter(|n| crate::pki::validate_partner(n).is_ok())
            .map(str::to_owned),
        _ => None,
    })
}

/// The partner name in a PEM certificate (the first one in `pem`).
pub fn partner_of_pem(pem: &str) -> Result<Option<String>, TlsError> {
    let certs = certs(pem.as_bytes(), Path::new("certificate"))?;
    Ok(certs.first().and_then(partner_of_der))
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

fn pem(path: &Path, what: impl Into<String>) -> TlsError {
    TlsError::Pem {
        path: path.to_owned(),
        what: what.into(),
    }
}

fn certs_named(pem_bytes: &[u8], path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    CertificateDer::pem_slice_iter(pem_bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem(path, format!("bad certificate: {e}")))
}

fn certs(pem_bytes: &[u8], path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = certs_named(pem_bytes, path)?;
    if certs.is_empty() {
        return Err(pem(path, "no certificate"));
    }
    Ok(certs)
}
