//! Who the targets of one process are to their partners, and whom they let in: each
//! target's certificate (mutual TLS), the partner policy, and the keys of the end-user
//! assertions (the gateway signs them, the services check them).
//!
//! `tandem up` and the tests make all of it locally ([`Trust::local`]): a CA under the data
//! directory, a certificate per target and one for a `developer`, the assertion key, and
//! the install server's delivery key (which seals receiving addresses).
//! `tandem serve` reads it from files ([`Trust::from_files`]) and refuses to start without
//! it unless `--insecure-plaintext` is given.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use tandem_mesh::assertion::{Signer, Verifier};
use tandem_mesh::partner::{Access, Policy};
use tandem_mesh::pki::LocalCa;
use tandem_mesh::tls::{TlsFiles, TlsMaterial};
use tandem_mesh::{ClientConfig, ServerConfig};

use crate::target::Target;

/// The built-in partner policy (src/policy.toml).
pub const DEFAULT_POLICY: &str = include_str!("policy.toml");

/// The file of the gateway's assertion-signing key in a local PKI directory.
const ASSERTION_KEY: &str = "user-assertion.key";

/// The file of the install server's delivery (address-sealing) key in a local PKI
/// directory.
const DELIVERY_KEY: &str = "delivery.key";

/// The hosts every locally issued certificate is valid for.
const LOCAL_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The trust settings of one process.
#[derive(Clone, Debug)]
pub struct Trust {
    /// The certificate each target presents (as server and as client); `None` serves and
    /// calls plaintext, open to anyone (`--insecure-plaintext`).
    pub identities: Option<Identities>,
    /// Who may call what on this process's servers.
    pub policy: Arc<Policy>,
    /// The gateway's key for signing end-user assertions.
    pub signer: Option<Arc<Signer>>,
    /// The key the services check end-user assertions with.
    pub verifier: Option<Verifier>,
    /// The file of the install server's delivery key, which seals receiving addresses
    /// (`--delivery-key` / `TANDEM_DELIVERY_KEY_FILE`; `tandem up`: made in its PKI dir).
    pub delivery_key: Option<PathBuf>,
}

/// Which certificate a target presents.
#[derive(Clone, Debug)]
pub enum Identities {
    /// One per target (`tandem up`: every target is its own partner).
    PerTarget(BTreeMap<Target, TlsMaterial>),
    /// One for every target of the process (`tandem serve`: one Deployment, one identity).
    Shared(TlsMaterial),
}

/// Where a locally made PKI put the files an engineer needs.
#[derive(Clone, Debug)]
pub struct LocalPki {
    /// The directory.
    pub dir: PathBuf,
    /// The `developer` certificate for grpcurl.
    pub developer: TlsFiles,
}

impl Trust {
    /// Makes (or reuses) a local CA in `dir`, a certificate per target valid for `host`
    /// and loopback, one for a `developer`, and the assertion key; `policy` says who may
    /// call what.
    pub fn local(dir: &Path, host: &str, policy: Policy) -> anyhow::Result<(Self, LocalPki)> {
        let ca = LocalCa::open_or_create(dir)
            .with_context(|| format!("making the local CA in {}", dir.display()))?;
        let mut identities = BTreeMap::new();
        for target in Target::ALL {
            let mut hosts: Vec<&str> = LOCAL_HOSTS.to_vec();
            hosts.push(target.as_str());
            if !LOCAL_HOSTS.contains(&host) && !host.is_empty() {
                hosts.push(host);
            }
            let files = ca.issue(target.as_str(), &hosts, false)?;
            identities.insert(target, TlsMaterial::load(&files)?);
        }
        let developer = ca.issue("developer", &[], false)?;
        let signer = Signer::open_or_create(&assertion_key_path(dir))?;
        let verifier = Verifier::new(&signer.public_key())
            .map_err(|e| anyhow::anyhow!("assertion key: {e}"))?;
        let delivery_key = delivery_key_path(dir);
        svc_install::SealingKey::open_or_create(&delivery_key)?;
        let trust = Self {
            identities: Some(Identities::PerTarget(identities)),
            policy: Arc::new(policy),
            signer: Some(Arc::new(signer)),
            verifier: Some(verifier),
            delivery_key: Some(delivery_key),
        };
        Ok((
            trust,
            LocalPki {
                dir: dir.to_owned(),
                developer,
            },
        ))
    }

    /// The settings of `tandem serve`: this process's certificate (`None`: plaintext), the
    /// policy, the assertion keys and the delivery key file it was given (the key is read
    /// when the install target starts).
    pub fn from_files(
        tls: Option<&TlsFiles>,
        policy: Policy,
        signing_key: Option<&Path>,
        verifying_key: Option<&str>,
        delivery_key: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let identities = tls
            .map(|files| TlsMaterial::load(files).map(Identities::Shared))
            .transpose()?;
        let signer = signing_key
            .map(|path| {
                Signer::open_existing(path)
                    .with_context(|| format!("the assertion signing key {}", path.display()))
            })
            .transpose()?;
        let verifier = match (verifying_key, &signer) {
            (Some(key), _) => Some(
                Verifier::new(key).map_err(|e| anyhow::anyhow!("the assertion public key: {e}"))?,
            ),
            (None, Some(signer)) => Verifier::new(&signer.public_key()).ok(),
            (None, None) => None,
        };
        Ok(Self {
            identities,
            policy: Arc::new(policy),
            signer: signer.map(Arc::new),
            verifier,
            delivery_key: delivery_key.map(Path::to_owned),
        })
    }

    /// `target`'s certificate, if the process speaks TLS.
    pub fn identity(&self, target: Target) -> Option<&TlsMaterial> {
        match self.identities.as_ref()? {
            Identities::PerTarget(by_target) => by_target.get(&target),
            Identities::Shared(material) => Some(material),
        }
    }

    /// `target`'s server settings: `base` with its certificate, the partner policy and
    /// the key that checks end-user assertions.
    pub fn server(&self, target: Target, base: &ServerConfig) -> ServerConfig {
        let tls = self.identity(target).cloned();
        let access = match tls {
            Some(_) => Access::Partners(self.policy.clone()),
            None => Access::Open,
        };
        ServerConfig {
            tls,
            access,
            user_assertions: self.verifier.clone(),
            ..base.clone()
        }
    }

    /// The install server's delivery key, read from its file; a clear error when none is
    /// configured or the file is unusable.
    pub fn delivery_key(&self) -> anyhow::Result<svc_install::SealingKey> {
        let path = self.delivery_key.as_deref().ok_or_else(|| {
            anyhow::anyhow!(
                "the install server seals delivery addresses with a key only it holds: set \
                 TANDEM_DELIVERY_KEY_FILE (--delivery-key FILE) to a file holding 32 random \
                 bytes as 64 hex characters (e.g. `openssl rand -hex 32`); `tandem up` makes \
                 one as <data-dir>/pki/{DELIVERY_KEY}"
            )
        })?;
        Ok(svc_install::SealingKey::open_existing(path)?)
    }

    /// `target`'s settings for calling its peers: `base` with its certificate.
    pub fn client(&self, target: Target, base: &ClientConfig) -> ClientConfig {
        ClientConfig {
            tls: self.identity(target).cloned(),
            ..base.clone()
        }
    }
}

/// The gateway's assertion-signing key in a local PKI directory.
pub fn assertion_key_path(dir: &Path) -> PathBuf {
    dir.join(ASSERTION_KEY)
}

/// The install server's delivery key in a local PKI directory.
pub fn delivery_key_path(dir: &Path) -> PathBuf {
    dir.join(DELIVERY_KEY)
}

/// The built-in policy, parsed.
pub fn default_policy() -> Policy {
    Policy::from_toml(DEFAULT_POLICY).expect("the built-in policy is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_policy_follows_the_call_graph() {
        let policy = default_policy();
        // Every target that calls peers is a partner allowed something on each of them.
        for target in Target::ALL {
            for peer in target.peers() {
                let package = format!("tandem.{}.v1.", peer.as_str());
                let allowed = DEFAULT_POLICY.lines().any(|l| l.contains(&package));
                assert!(
                    allowed,
                    "{target} calls {peer}: nothing of {package} allowed"
                );
                assert!(policy.partners().any(|p| p == target.as_str()), "{target}");
            }
        }
        for (partner, method, allowed) in [
            ("gateway", "/tandem.settlement.v1.Settlement/Pay", true),
            ("gateway", "/tandem.settlement.v1.Settlement/Payout", false),
            ("gateway", "/tandem.leads.v1.SalesAdmin/UpsertStaff", false),
            ("buyback", "/tandem.settlement.v1.Settlement/Payout", true),
            ("buyback", "/tandem.settlement.v1.Settlement/Refund", false),
            (
                "accessory",
                "/tandem.settlement.v1.Settlement/CheckPayment",
                true,
            ),
            (
                "accessory",
                "/tandem.settlement.v1.Settlement/GetPayment",
                false,
            ),
            (
                "insurance",
                "/tandem.settlement.v1.Settlement/CheckPayment",
                true,
            ),
            (
                "insurance",
                "/tandem.settlement.v1.Settlement/GetPayment",
                false,
            ),
            (
                "insurance",
                "/tandem.settlement.v1.Settlement/Refund",
                false,
            ),
            (
                "gateway",
                "/tandem.settlement.v1.Settlement/CheckPayment",
                false,
            ),
            (
                "insurance",
                "/tandem.accessory.v1.AccessoryOrders/VerifyOrder",
                true,
            ),
            (
                "insurance",
                "/tandem.accessory.v1.AccessoryOrders/ConfirmOrder",
                false,
            ),
            ("crm", "/tandem.leads.v1.StaffLeads/ListLeads", true),
            ("crm", "/tandem.leads.v1.StaffLeads/GetLead", true),
            ("crm", "/tandem.leads.v1.StaffLeads/AcknowledgeLead", false),
            ("crm", "/tandem.leads.v1.StaffLeads/CloseLead", false),
            ("crm", "/tandem.leads.v1.StaffLeads/GetStaff", false),
            ("crm", "/tandem.leads.v1.Customers/GetCustomer", false),
            ("crm", "/tandem.leads.v1.SalesDesk/NotifyPurchase", false),
            ("crm", "/tandem.leads.v1.SalesAdmin/UpsertStaff", false),
            ("admin", "/tandem.leads.v1.SalesAdmin/UpsertStaff", true),
            ("admin", "/tandem.leads.v1.SalesAdmin/AssignStaff", true),
            ("admin", "/tandem.leads.v1.StaffLeads/ListLeads", false),
            ("admin", "/tandem.leads.v1.Customers/GetCustomer", false),
            (
                "gateway",
                "/tandem.leads.v1.StaffLeads/AcknowledgeLead",
                true,
            ),
            ("gateway", "/tandem.leads.v1.SalesDesk/NotifyPurchase", true),
            ("gateway", "/tandem.leads.v1.Customers/UpdateCustomer", true),
            ("developer", "/tandem.leads.v1.SalesDesk/ListProducts", true),
            ("developer", "/tandem.leads.v1.StaffLeads/ListLeads", false),
            ("admin", "/tandem.buyback.v1.BuybackAdmin/UpsertStaff", true),
            (
                "gateway",
                "/tandem.buyback.v1.BuybackAdmin/UpsertStaff",
                false,
            ),
            (
                "gateway",
                "/tandem.buyback.v1.BuybackInspection/AuthenticateStaff",
                true,
            ),
            (
                "developer",
                "/tandem.insurance.v1.InsurancePlans/SearchPlans",
                true,
            ),
            ("developer", "/tandem.leads.v1.Customers/GetCustomer", false),
        ] {
            assert_eq!(
                policy.allows(partner, method),
                allowed,
                "{partner} {method}"
            );
        }
    }
}
