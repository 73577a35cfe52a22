//! A local certificate authority for partners: `tandem up` creates one under its data
//! directory on first start and issues every target (and a `developer`) a certificate;
//! `tandem pki issue <partner>` issues more. In production the CA and certificates come
//! from the operator (Secrets, cert-manager); this module only reads them there.
//!
//! A partner's name travels in its certificate as the URI SAN
//! `spiffe://tandem/partner/<name>` ([`PARTNER_URI_PREFIX`]); servers read it from there,
//! never from a request field. Certificates also carry DNS and IP SANs for the hosts the
//! partner serves on, so clients verify they reached the partner they meant to call.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};

use crate::tls::TlsFiles;

/// The URI SAN prefix that names a partner: `spiffe://tandem/partner/<name>`.
pub const PARTNER_URI_PREFIX: &str = "spiffe://tandem/partner/";

/// Why the CA could not be opened or a certificate not issued.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Key or certificate generation failed, or a stored one is unreadable.
    #[error("{what}: {source}")]
    Certificate {
        /// What was being done.
        what: String,
        /// rcgen's error.
        source: rcgen::Error,
    },
    /// A partner name that cannot be put in a certificate.
    #[error(
        "partner name {0:?}: use 1 to 40 lower-case letters, digits and dashes (e.g. crm, acme-installers)"
    )]
    BadName(String),
}

/// Checks a partner name: 1–40 of `a-z`, `0-9` and `-`.
pub fn validate_partner(name: &str) -> Result<(), PkiError> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(PkiError::BadName(name.to_owned()))
    }
}

/// How long the local CA is valid.
const CA_YEARS: i64 = 10;
/// How long an issued certificate is valid.
const LEAF_DAYS: i64 = 397;

/// A certificate authority whose key lives in a directory (`ca.pem`, `ca-key.pem`).
pub struct LocalCa {
    /// The directory holding the CA and the certificates it issued.
    dir: PathBuf,
    /// The CA's parameters and key, for signing.
    issuer: Issuer<'static, KeyPair>,
}

impl LocalCa {
    /// Opens the CA in `dir`, creating the directory and a new CA when there is none.
    pub fn open_or_create(dir: &Path) -> Result<Self, PkiError> {
        create_dir(dir)?;
        let (cert_path, key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
        if !cert_path.exists() || !key_path.exists() {
            let key = generate("CA key")?;
            let mut params = CertificateParams::default();
            params.distinguished_name = name("Tandem local CA");
            params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            params.not_before = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
            params.not_after = params.not_before + time::Duration::days(365 * CA_YEARS);
            let cert = params
                .self_signed(&key)
                .map_err(|source| cert_error("self-signing the CA", source))?;
            write_private(&key_path, &key.serialize_pem())?;
            write(&cert_path, &cert.pem())?;
        }
        let key_pem = read(&key_path)?;
        let key = KeyPair::from_pem(&key_pem)
            .map_err(|source| cert_error(&format!("reading {}", key_path.display()), source))?;
        let issuer = Issuer::from_ca_cert_pem(&read(&cert_path)?, key)
            .map_err(|source| cert_error(&format!("reading {}", cert_path.display()), source))?;
        Ok(Self {
            dir: dir.to_owned(),
            issuer,
        })
    }

    /// The CA certificate (the bundle partners verify each other against).
    pub fn ca_path(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The certificate and key files of `partner` (issued or not).
    pub fn files(&self, partner: &str) -> TlsFiles {
        TlsFiles {
            ca: self.ca_path(),
            cert: self.dir.join(format!("{partner}.pem")),
            key: self.dir.join(format!("{partner}-key.pem")),
        }
    }

    /// The files of `partner`, issuing its certificate (for `hosts`: DNS names or IP
    /// addresses) when there is none yet or `renew` is set.
    pub fn issue(&self, partner: &str, hosts: &[&str], renew: bool) -> Result<TlsFiles, PkiError> {
        validate_partner(partner)?;
        let files = self.files(partner);
        if !renew && files.cert.exists() && files.key.exists() {
            return Ok(files);
        }
        let key = generate(&format!("key of {partner}"))?;
        let mut params = CertificateParams::default();
        params.distinguished_name = name(partner);
        params.not_before = time::OffsetDateTime::now_utc() - time::Duration::hours(1);
        params.not_after = params.not_before + time::Duration::days(LEAF_DAYS);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let uri = format!("{PARTNER_URI_PREFIX}{partner}");
        let mut sans = vec![SanType::URI(ia5(&uri)?)];
        for host in hosts {
            sans.push(match host.parse::<IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName(ia5(host)?),
            });
        }
        params.subject_alt_names = sans;
        let cert = params.signed_by(&key, &self.issuer).map_err(|source| {
            cert_error(&format!("signing the certificate of {partner}"), source)
        })?;
        write_private(&files.key, &key.serialize_pem())?;
        write(&files.cert, &cert.pem())?;
        Ok(files)
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "Tandem");
    dn.push(DnType::CommonName, common_name);
    dn
}

fn generate(what: &str) -> Result<KeyPair, PkiError> {
    KeyPair::generate().map_err(|source| cert_error(&format!("generating the {what}"), source))
}

fn ia5(value: &str) -> Result<rcgen::string::Ia5String, PkiError> {
    rcgen::string::Ia5String::try_from(value)
        .map_err(|source| cert_error(&format!("SAN {value:?}"), source))
}

fn cert_error(what: &str, source: rcgen::Error) -> PkiError {
    PkiError::Certificate {
        what: what.to_owned(),
        source,
    }
}

fn create_dir(dir: &Path) -> Result<(), PkiError> {
    std::fs::create_dir_all(dir).map_err(|source| PkiError::Io {
        path: dir.to_owned(),
        source,
    })
}

fn read(path: &Path) -> Result<String, PkiError> {
    std::fs::read_to_string(path).map_err(|source| PkiError::Io {
        path: path.to_owned(),
        source,
    })
}

fn write(path: &Path, contents: &str) -> Result<(), PkiError> {
    std::fs::write(path, contents).map_err(|source| PkiError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, contents: &str) -> Result<(), PkiError> {
    use std::io::Write;
    let io = |source| PkiError::Io {
        path: path.to_owned(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    file.write_all(contents.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_names_are_checked() {
        assert!(validate_partner("crm").is_ok());
        assert!(validate_partner("acme-installers-2").is_ok());
        for bad in ["", "Admin", "a b", "x/../y", &"a".repeat(41)] {
            assert!(validate_partner(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_ca_is_created_once_and_issues_partner_certificates() {
        let dir = std::env::temp_dir().join(format!("tandem-pki-{}", uuid::Uuid::new_v4()));
        let ca = LocalCa::open_or_create(&dir).unwrap();
        let first = std::fs::read(ca.ca_path()).unwrap();
        let files = ca.issue("crm", &["localhost", "127.0.0.1"], false).unwrap();
        let cert = std::fs::read_to_string(&files.cert).unwrap();
        // Reopening keeps the CA; issuing again without renew keeps the certificate.
        let again = LocalCa::open_or_create(&dir).unwrap();
        assert_eq!(std::fs::read(again.ca_path()).unwrap(), first);
        again.issue("crm", &["localhost"], false).unwrap();
        assert_eq!(std::fs::read_to_string(&files.cert).unwrap(), cert);
        let name = crate::tls::partner_of_pem(&cert).unwrap();
        assert_eq!(name.as_deref(), Some("crm"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.key).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "key readable by its owner only");
        }
        assert!(matches!(
            ca.issue("Bad Name", &[], false),
            Err(PkiError::BadName(_))
        ));
        std::fs::remove_dir_all(dir).ok();
    }
}
