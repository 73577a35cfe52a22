//! Sealing receiving addresses (seed 003, claim 12): a recipient is encrypted at rest with
//! XChaCha20-Poly1305 under a 32-byte key only the install server holds, with a fresh
//! random 24-byte nonce per seal and the order ID as associated data — a sealed blob
//! opens only for the order it was sealed for, and any change to it is detected.
//!
//! Blob layout: version byte `1` ‖ nonce (24 bytes) ‖ ciphertext with its 16-byte tag.
//! The plaintext is the protobuf `SealAddressRequest` without its order ID.
//!
//! The key file holds the key as 64 hex characters (a trailing newline is fine); `tandem
//! up` makes it on first start ([`SealingKey::open_or_create`]), `tandem serve install`
//! needs it to exist ([`SealingKey::open_existing`]).

use std::path::Path;

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use prost::Message as _;
use tandem_proto::common::v1::Address;
use tandem_proto::install::v1::SealAddressRequest;

use crate::domain::{PostalAddress, Recipient};

/// The format version of a sealed blob.
const VERSION: u8 = 1;
/// Nonce length of XChaCha20-Poly1305.
const NONCE_LEN: usize = 24;

/// The key receiving addresses are sealed with. Its `Debug` never shows it.
#[derive(Clone)]
pub struct SealingKey {
    /// The cipher under the key.
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(<redacted>)")
    }
}

/// Why a key file is unusable.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// It cannot be read or written.
    #[error("the delivery key {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// It holds no 32-byte key in hex.
    #[error("the delivery key {0}: not 64 hex characters (a 32-byte key)")]
    Bad(std::path::PathBuf),
}

/// Why a sealed blob does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Tampered with, sealed for another order, sealed under another key, or truncated.
    #[error("the sealed address does not open (altered, moved or sealed under another key)")]
    Broken,
}

impl SealingKey {
    /// The key `bytes`.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&bytes.into()),
        }
    }

    /// A new random key.
    pub fn generate() -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(&mut OsRng)),
        }
    }

    /// Reads the key at `path`, which must exist (a server never makes its own).
    pub fn open_existing(path: &Path) -> Result<Self, KeyFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
            path: path.to_owned(),
            source,
        })?;
        let bytes: [u8; 32] = tandem_mesh::hex::decode(text.trim())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| KeyFileError::Bad(path.to_owned()))?;
        Ok(Self::from_bytes(bytes))
    }

    /// Reads the key at `path`, first writing a new random one there (mode 0600) when the
    /// file is missing.
    pub fn open_or_create(path: &Path) -> Result<Self, KeyFileError> {
        if !path.exists() {
            let io = |source| KeyFileError::Io {
                path: path.to_owned(),
                source,
            };
            let key = XChaCha20Poly1305::generate_key(&mut OsRng);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            write_private(path, &format!("{}\n", tandem_mesh::hex::encode(&key))).map_err(io)?;
        }
        Self::open_existing(path)
    }

    /// `recipient` sealed for order `order_id`.
    pub fn seal(&self, order_id: &str, recipient: &Recipient) -> Vec<u8> {
        let a = &recipient.address;
        let plain = SealAddressRequest {
            order_id: String::new(),
            recipient_name: recipient.name.clone(),
            address: Some(Address {
                line1: a.line1.clone(),
                line2: a.line2.clone(),
                city: a.city.clone(),
                region: a.region.clone(),
                postal_code: a.postal_code.clone(),
                country: a.country.clone(),
            }),
        }
        .encode_to_vec();
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: order_id.as_bytes(),
                },
            )
            // Only fails for plaintexts beyond 256 GiB.
            .unwrap_or_default();
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        blob.push(VERSION);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&sealed);
        blob
    }

    /// The recipient sealed in `blob` for order `order_id`.
    pub fn open(&self, order_id: &str, blob: &[u8]) -> Result<Recipient, SealError> {
        let (&version, rest) = blob.split_first().ok_or(SealError::Broken)?;
        if version != VERSION || rest.len() < NONCE_LEN {
            return Err(SealError::Broken);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::Broken)?;
        let plain = self
            .cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: order_id.as_bytes(),
                },
            )
            .map_err(|_| SealError::Broken)?;
        let decoded =
            SealAddressRequest::decode(plain.as_slice()).map_err(|_| SealError::Broken)?;
        let a = decoded.address.unwrap_or_default();
        Ok(Recipient {
            name: decoded.recipient_name,
            address: PostalAddress {
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                region: a.region,
                postal_code: a.postal_code,
                country: a.country,
            },
        })
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

    fn recipient() -> Recipient {
        Recipient {
            name: "Ada Lovelace".into(),
            address: PostalAddress {
                line1: "1 Analytical Way".into(),
                line2: String::new(),
                city: "Palo Alto".into(),
                region: "CA".into(),
                postal_code: "94301".into(),
                country: "US".into(),
            },
        }
    }

    #[test]
    fn seals_and_opens_only_for_its_order_and_key() {
        let key = SealingKey::generate();
        let blob = key.seal("ORD-1", &recipient());
        assert_eq!(key.open("ORD-1", &blob), Ok(recipient()));
        assert!(
            !blob.windows(8).any(|w| w == b"Lovelace"),
            "the name is not in the blob"
        );
        // Another order, another key, a flipped bit anywhere, truncation.
        assert_eq!(key.open("ORD-2", &blob), Err(SealError::Broken));
        assert_eq!(
            SealingKey::generate().open("ORD-1", &blob),
            Err(SealError::Broken)
        );
        for i in 0..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x01;
            assert_eq!(key.open("ORD-1", &bad), Err(SealError::Broken), "byte {i}");
        }
        assert_eq!(key.open("ORD-1", &blob[..30]), Err(SealError::Broken));
        assert_eq!(key.open("ORD-1", &[]), Err(SealError::Broken));
        // A fresh nonce per seal.
        assert_ne!(key.seal("ORD-1", &recipient()), blob);
    }

    #[test]
    fn the_key_file_is_made_once_and_reused_and_never_shown() {
        let dir = std::env::temp_dir().join(format!("tandem-dk-{}", uuid::Uuid::new_v4()));
        let path = dir.join("delivery.key");
        assert!(matches!(
            SealingKey::open_existing(&path),
            Err(KeyFileError::Io { .. })
        ));
        let made = SealingKey::open_or_create(&path).unwrap();
        let blob = made.seal("ORD-1", &recipient());
        let again = SealingKey::open_existing(&path).unwrap();
        assert_eq!(again.open("ORD-1", &blob), Ok(recipient()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner reads the key");
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!format!("{made:?}").contains(text.trim()));
        assert!(!format!("{:?}", recipient()).contains("Lovelace"));
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            SealingKey::open_existing(&path),
            Err(KeyFileError::Bad(_))
        ));
        std::fs::remove_dir_all(dir).ok();
    }
}
