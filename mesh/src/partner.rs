//! Who may call what: a policy (data, not code) lists for every partner the gRPC methods
//! it may call, and one tower layer every server gets enforces it. A caller without a
//! verified partner certificate is answered `UNAUTHENTICATED`, a partner calling outside
//! its list `PERMISSION_DENIED`; both are logged with the partner and the method. The
//! standard health and reflection services are open to every authenticated partner.
//! Handlers find the caller as a [`Partner`] in the request's extensions.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::Status;

use crate::tls::PeerInfo;

/// The authenticated partner calling; in every request's extensions once authorized.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Partner(pub String);

impl Partner {
    /// The partner's name, as its certificate says.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// The caller of `request`; `None` only on a server without TLS
    /// (`--insecure-plaintext`).
    pub fn of<T>(request: &tonic::Request<T>) -> Option<&Partner> {
        request.extensions().get::<Partner>()
    }
}

/// Services every authenticated partner may call.
const OPEN_SERVICES: [&str; 3] = [
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "grpc.reflection.v1alpha.ServerReflection",
];

/// Why a policy could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file is not valid TOML of the expected shape.
    #[error("policy: {0}")]
    Parse(String),
    /// A rule is not `package.Service/Method` or `package.Service/*`.
    #[error(
        "policy: partner {partner:?}: {rule:?} is not `package.Service/Method` or `package.Service/*`"
    )]
    BadRule {
        /// The partner the rule belongs to.
        partner: String,
        /// The rule.
        rule: String,
    },
}

/// For each partner, the methods it may call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Partner name → allowed methods (`package.Service/Method`) and whole services
    /// (`package.Service/*`).
    partners: BTreeMap<String, Vec<String>>,
}

/// The file format: `[partners.<name>] allow = ["package.Service/Method", …]`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    partners: BTreeMap<String, PartnerRules>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PartnerRules {
    allow: Vec<String>,
}

impl Policy {
    /// Reads a policy in TOML: `[partners.gateway] allow = ["tandem.x.v1.Svc/*", …]`.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| PolicyError::Parse(e.to_string()))?;
        let mut partners = BTreeMap::new();
        for (partner, rules) in file.partners {
            crate::pki::validate_partner(&partner)
                .map_err(|e| PolicyError::Parse(e.to_string()))?;
            for rule in &rules.allow {
                let valid = rule.split_once('/').is_some_and(|(service, method)| {
                    service.contains('.')
                        && !method.is_empty()
                        && (method == "*" || !method.contains(['/', '*']))
                });
                if !valid {
                    return Err(PolicyError::BadRule {
                        partner,
                        rule: rule.clone(),
                    });
                }
            }
            partners.insert(partner, rules.allow);
        }
        Ok(Self { partners })
    }

    /// Whether `partner` may call the method at HTTP/2 `path` (`/package.Service/Method`).
    pub fn allows(&self, partner: &str, path: &str) -> bool {
        let Some((service, method)) = path.trim_start_matches('/').split_once('/') else {
            return false;
        };
        if OPEN_SERVICES.contains(&service) {
            return true;
        }
        self.partners.get(partner).is_some_and(|rules| {
            rules.iter().any(|rule| {
                rule.split_once('/')
                    .is_some_and(|(s, m)| s == service && (m == "*" || m == method))
            })
        })
    }

    /// The partners the policy names.
    pub fn partners(&self) -> impl Iterator<Item = &str> {
        self.partners.keys().map(String::as_str)
    }

    /// What `partner` may call, as the policy lists it (`package.Service/Method|*`).
    pub fn rules(&self, partner: &str) -> &[String] {
        self.partners.get(partner).map_or(&[], Vec::as_slice)
    }
}

/// How a server treats callers.
#[derive(Clone, Debug)]
pub enum Access {
    /// Mutual TLS: only verified partners, only what the policy grants them.
    Partners(Arc<Policy>),
    /// No TLS (`--insecure-plaintext`): every caller may call everything.
    Open,
}

/// The tower layer enforcing [`Access`] on a gRPC server.
#[derive(Clone, Debug)]
pub struct AuthorizeLayer {
    /// Who may call what.
    access: Access,
}

impl AuthorizeLayer {
    /// A layer enforcing `access`.
    pub fn new(access: Access) -> Self {
        Self { access }
    }
}

impl<S> tower::Layer<S> for AuthorizeLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authorize {
            inner,
            access: self.access.clone(),
        }
    }
}

/// The service of [`AuthorizeLayer`].
#[derive(Clone, Debug)]
pub struct Authorize<S> {
    /// The server's routes.
    inner: S,
    /// Who may call what.
    access: Access,
}

impl<S> tower::Service<http::Request<tonic::body::Body>> for Authorize<S>
where
    S: tower::Service<
            http::Request<tonic::body::Body>,
            Response = http::Response<tonic::body::Body>,
        >,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        futures::future::Either<S::Future, std::future::Ready<Result<Self::Response, Self::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<tonic::body::Body>) -> Self::Future {
        use futures::future::Either;
        let Access::Partners(policy) = &self.access else {
            return Either::Left(self.inner.call(request));
        };
        let path = request.uri().path().to_owned();
        let partner = request
            .extensions()
            .get::<PeerInfo>()
            .and_then(|peer| peer.partner.clone());
        let refusal = match &partner {
            None => {
                tracing::warn!(method = %path, "refused: no verified partner certificate");
                Some(Status::unauthenticated(
                    "a client certificate issued by the mesh's CA is required",
                ))
            }
            Some(name) if !policy.allows(name, &path) => {
                tracing::warn!(partner = %name, method = %path, "refused: not in the partner's policy");
                Some(Status::permission_denied(format!(
                    "partner {name} may not call {path}"
                )))
            }
            Some(_) => None,
        };
        match (refusal, partner) {
            (Some(status), _) => Either::Right(std::future::ready(Ok(status.into_http()))),
            (None, Some(name)) => {
                request.extensions_mut().insert(Partner(name));
                Either::Left(self.inner.call(request))
            }
            (None, None) => unreachable!("a request without partner is refused above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
        [partners.gateway]
        allow = ["tandem.insurance.v1.InsurancePlans/*", "tandem.settlement.v1.Settlement/Pay"]

        [partners.crm]
        allow = ["tandem.leads.v1.StaffLeads/ListLeads"]
    "#;

    #[test]
    fn a_partner_may_call_what_its_list_names_and_the_open_services() {
        let policy = Policy::from_toml(POLICY).unwrap();
        let cases = [
            (
                "gateway",
                "/tandem.insurance.v1.InsurancePlans/SearchPlans",
                true,
            ),
            ("gateway", "/tandem.settlement.v1.Settlement/Pay", true),
            ("gateway", "/tandem.settlement.v1.Settlement/Payout", false),
            ("crm", "/tandem.leads.v1.StaffLeads/ListLeads", true),
            ("crm", "/tandem.leads.v1.StaffLeads/CloseLead", false),
            ("crm", "/grpc.health.v1.Health/Check", true),
            (
                "crm",
                "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                true,
            ),
            (
                "stranger",
                "/tandem.insurance.v1.InsurancePlans/SearchPlans",
                false,
            ),
            ("gateway", "/not-a-path", false),
        ];
        for (partner, path, allowed) in cases {
            assert_eq!(policy.allows(partner, path), allowed, "{partner} {path}");
        }
        assert_eq!(policy.partners().collect::<Vec<_>>(), ["crm", "gateway"]);
    }

    #[test]
    fn malformed_policies_are_refused_with_the_rule_named() {
        let err = Policy::from_toml("[partners.crm]\nallow = [\"ListLeads\"]").unwrap_err();
        assert!(err.to_string().contains("\"ListLeads\""), "{err}");
        let err = Policy::from_toml("[partners.crm]\nallow = [\"a.B/C*\"]").unwrap_err();
        assert!(matches!(err, PolicyError::BadRule { .. }), "{err}");
        assert!(Policy::from_toml("[partners.Bad]\nallow = []").is_err());
        assert!(Policy::from_toml("[partners.crm]\ndeny = []").is_err());
    }
}
