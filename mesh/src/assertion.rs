//! End-user assertions: where an RPC acts for a customer or a staff member, the gateway
//! (which logged them in) attaches a short-lived statement "this call is for subject S
//! in role R until T", signed with its Ed25519 key, in the metadata entry
//! [`METADATA_KEY`]. A service acts on the verified statement — never on a request field
//! naming the user — and refuses a missing, expired or forged one.
//!
//! Format: `v1.<base64url(JSON {"sub","role","exp"})>.<base64url(signature)>`; the
//! signature covers `v1.<payload>`.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

/// The gRPC metadata entry carrying the assertion.
pub const METADATA_KEY: &str = "x-tandem-user";

/// Who an end user is to the services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A customer, by customer ID.
    Customer,
    /// A salesperson of the sales desk, by staff ID.
    SalesStaff,
    /// A member of the buy-back center's staff, by staff ID.
    BuybackStaff,
    /// A seller of the anonymous-purchase broker, by the seller's partner name.
    Seller,
}

/// A verified statement about the end user a call is for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserAssertion {
    /// The customer or staff ID.
    #[serde(rename = "sub")]
    pub subject: String,
    /// What the subject is.
    pub role: Role,
    /// Unix time (seconds) after which the statement is void.
    #[serde(rename = "exp")]
    pub expires_at: i64,
}

/// Why an assertion was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssertionError {
    /// The call carries none.
    #[error("this call must carry the end user's assertion ({METADATA_KEY})")]
    Missing,
    /// It is not a well-formed assertion.
    #[error("the end-user assertion is malformed")]
    Malformed,
    /// Its signature is not the gateway's.
    #[error("the end-user assertion is not signed by the gateway")]
    Forged,
    /// It has expired.
    #[error("the end-user assertion has expired")]
    Expired,
    /// It is for another kind of user than the call needs.
    #[error("this call is not open to a {0:?}")]
    WrongRole(Role),
}

impl From<AssertionError> for tonic::Status {
    fn from(err: AssertionError) -> Self {
        match err {
            AssertionError::WrongRole(_) => tonic::Status::permission_denied(err.to_string()),
            _ => tonic::Status::unauthenticated(err.to_string()),
        }
    }
}

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file holds no usable key.
    #[error("{0}: not an Ed25519 key of Tandem's format")]
    Bad(std::path::PathBuf),
}

/// Signs assertions (the gateway).
pub struct Signer {
    /// The Ed25519 key pair.
    key: Ed25519KeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads the PKCS#8 key (base64) at `path`, creating a new key there when missing.
    pub fn open_or_create(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        if !path.exists() {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 =
                Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| KeyError::Bad(path.into()))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            write_private(
                path,
                &base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref()),
            )
            .map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let der = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::Bad(path.into()))?;
        let key = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| KeyError::Bad(path.into()))?;
        Ok(Self { key })
    }

    /// Reads the key at `path`, which must exist (a server never makes its own).
    pub fn open_existing(path: &Path) -> Result<Self, KeyError> {
        if !path.exists() {
            return Err(KeyError::Io {
                path: path.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        Self::open_or_create(path)
    }

    /// The public key verifiers need, base64 (what `verifier key` files hold).
    pub fn public_key(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.key.public_key().as_ref())
    }

    /// The assertion that the call is for `subject` in `role`, valid for `ttl`.
    pub fn sign(&self, subject: &str, role: Role, ttl: std::time::Duration) -> String {
        let expires_at =
            chrono::Utc::now().timestamp() + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
        self.sign_assertion(&UserAssertion {
            subject: subject.to_owned(),
            role,
            expires_at,
        })
    }

    /// Signs `assertion` as it is (tests make expired ones with it).
    pub fn sign_assertion(&self, assertion: &UserAssertion) -> String {
        let payload = serde_json::to_vec(assertion).unwrap_or_default();
        let signed = format!("v1.{}", URL_SAFE_NO_PAD.encode(payload));
        let signature = self.key.sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }
}

/// Checks assertions (every service that acts for end users).
#[derive(Clone, Debug)]
pub struct Verifier {
    /// The gateway's public key.
    public: Vec<u8>,
}

impl Verifier {
    /// A verifier of the key `public_key` (base64, as [`Signer::public_key`] gives it).
    pub fn new(public_key: &str) -> Result<Self, AssertionError> {
        let public = base64::engine::general_purpose::STANDARD
            .decode(public_key.trim())
            .map_err(|_| AssertionError::Malformed)?;
        if public.len() != 32 {
            return Err(AssertionError::Malformed);
        }
        Ok(Self { public })
    }

    /// The verified assertion in `token`, if signed by the gateway and not expired at
    /// `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<UserAssertion, AssertionError> {
        let (signed, signature) = token.rsplit_once('.').ok_or(AssertionError::Malformed)?;
        let payload = signed
            .strip_prefix("v1.")
            .ok_or(AssertionError::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| AssertionError::Malformed)?;
        UnparsedPublicKey::new(&ED25519, &self.public)
            .verify(signed.as_bytes(), &signature)
            .map_err(|_| AssertionError::Forged)?;
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| AssertionError::Malformed)?;
        let assertion: UserAssertion =
            serde_json::from_slice(&json).map_err(|_| AssertionError::Malformed)?;
        if assertion.expires_at <= now {
            return Err(AssertionError::Expired);
        }
        Ok(assertion)
    }

    /// The verified assertion a call carries, which must be for one of `roles`.
    pub fn of<T>(
        &self,
        request: &tonic::Request<T>,
        roles: &[Role],
    ) -> Result<UserAssertion, AssertionError> {
        let token = request
            .metadata()
            .get(METADATA_KEY)
            .and_then(|v| v.to_str().ok())
            .ok_or(AssertionError::Missing)?;
        let assertion = self.verify(token, chrono::Utc::now().timestamp())?;
        if !roles.contains(&assertion.role) {
            return Err(AssertionError::WrongRole(assertion.role));
        }
        Ok(assertion)
    }
}

/// The seller a call acts for: the logged-in seller of a seller assertion (which only
/// the gateway can sign), else the calling partner itself. `UNAUTHENTICATED` when
/// neither is known (a plaintext server and no assertion).
pub fn acting_seller<T>(
    users: &Verifier,
    request: &tonic::Request<T>,
) -> Result<String, tonic::Status> {
    if request.metadata().get(METADATA_KEY).is_some() {
        return Ok(users.of(request, &[Role::Seller])?.subject);
    }
    crate::partner::Partner::of(request)
        .map(|p| p.name().to_owned())
        .ok_or_else(|| AssertionError::Missing.into())
}

/// Attaches `token` to an outgoing call.
pub fn attach<T>(request: &mut tonic::Request<T>, token: &str) {
    if let Ok(value) = token.parse() {
        request.metadata_mut().insert(METADATA_KEY, value);
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> (Signer, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!("tandem-assert-{}", uuid::Uuid::new_v4()));
        (Signer::open_or_create(&path).unwrap(), path)
    }

    #[test]
    fn a_signed_assertion_verifies_and_a_tampered_one_does_not() {
        let (signer, path) = signer();
        let verifier = Verifier::new(&signer.public_key()).unwrap();
        let token = signer.sign("CUS-1", Role::Customer, std::time::Duration::from_secs(60));
        let now = chrono::Utc::now().timestamp();
        let got = verifier.verify(&token, now).unwrap();
        assert_eq!((got.subject.as_str(), got.role), ("CUS-1", Role::Customer));

        // Another subject under the same signature.
        let (head, sig) = token.rsplit_once('.').unwrap();
        let forged_payload = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&UserAssertion {
                subject: "CUS-2".into(),
                ..got.clone()
            })
            .unwrap(),
        );
        assert_ne!(head, format!("v1.{forged_payload}"));
        let forged = format!("v1.{forged_payload}.{sig}");
        assert_eq!(verifier.verify(&forged, now), Err(AssertionError::Forged));
        // Another key.
        let (other, other_path) = signer_at_new_path();
        let foreign = other.sign("CUS-1", Role::Customer, std::time::Duration::from_secs(60));
        assert_eq!(verifier.verify(&foreign, now), Err(AssertionError::Forged));
        // Expired.
        let expired = signer.sign_assertion(&UserAssertion {
            expires_at: now - 1,
            ..got
        });
        assert_eq!(verifier.verify(&expired, now), Err(AssertionError::Expired));
        assert_eq!(verifier.verify("junk", now), Err(AssertionError::Malformed));
        // Reopening the key file gives the same key.
        let again = Signer::open_or_create(&path).unwrap();
        assert_eq!(again.public_key(), signer.public_key());
        std::fs::remove_file(path).ok();
        std::fs::remove_file(other_path).ok();
    }

    fn signer_at_new_path() -> (Signer, std::path::PathBuf) {
        signer()
    }

    #[test]
    fn refusals_map_to_unauthenticated_or_permission_denied() {
        use tonic::Code;
        let status: tonic::Status = AssertionError::Expired.into();
        assert_eq!(status.code(), Code::Unauthenticated);
        let status: tonic::Status = AssertionError::WrongRole(Role::Customer).into();
        assert_eq!(status.code(), Code::PermissionDenied);
    }
}
