//! The parts one `tandem` process can run, like Loki's `-target`: `tandem up` runs them
//! all, `tandem serve insurance accessory` only those.

use std::fmt;
use std::str::FromStr;

/// One server of the mesh.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// svc-insurance, the intangible product sales server.
    Insurance,
    /// svc-accessory, the tangible product sales server.
    Accessory,
    /// svc-install, the installer server.
    Install,
    /// svc-settlement, the account server.
    Settlement,
    /// svc-leads, the sales-staff support server.
    Leads,
    /// svc-buyback, the buy-back center.
    Buyback,
    /// The REST gateway and web UI.
    Gateway,
}

impl Target {
    /// Every target, in start order.
    pub const ALL: [Target; 7] = [
        Target::Settlement,
        Target::Install,
        Target::Accessory,
        Target::Insurance,
        Target::Leads,
        Target::Buyback,
        Target::Gateway,
    ];

    /// The name used on the command line and in environment variables.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Insurance => "insurance",
            Target::Accessory => "accessory",
            Target::Install => "install",
            Target::Settlement => "settlement",
            Target::Leads => "leads",
            Target::Buyback => "buyback",
            Target::Gateway => "gateway",
        }
    }

    /// The port it listens on unless configured otherwise.
    pub fn default_port(self) -> u16 {
        match self {
            Target::Insurance => 50051,
            Target::Accessory => 50052,
            Target::Install => 50053,
            Target::Settlement => 50054,
            Target::Leads => 50055,
            Target::Buyback => 50056,
            Target::Gateway => 8080,
        }
    }

    /// The servers this target calls.
    pub fn peers(self) -> &'static [Target] {
        match self {
            Target::Insurance => &[Target::Accessory, Target::Settlement],
            Target::Accessory => &[Target::Install, Target::Settlement],
            // The delivery system settles an escrow with the delivery's outcome.
            Target::Install => &[Target::Settlement],
            Target::Buyback => &[Target::Accessory, Target::Settlement],
            Target::Gateway => &[
                Target::Insurance,
                Target::Accessory,
                Target::Install,
                Target::Settlement,
                Target::Leads,
                Target::Buyback,
            ],
            _ => &[],
        }
    }

    /// Prefix of its environment variables, e.g. `TANDEM_INSURANCE`.
    pub fn env_prefix(self) -> String {
        format!("TANDEM_{}", self.as_str().to_ascii_uppercase())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<_> = Target::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown target {s:?}; one of {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_ports_are_distinct() {
        for t in Target::ALL {
            assert_eq!(t.as_str().parse::<Target>(), Ok(t));
        }
        let mut ports: Vec<_> = Target::ALL.iter().map(|t| t.default_port()).collect();
        ports.sort_unstable();
        ports.dedup();
        assert_eq!(ports.len(), Target::ALL.len());
        let err = "billing".parse::<Target>().unwrap_err();
        assert!(
            err.starts_with("unknown target \"billing\"; one of "),
            "{err}"
        );
        assert!(
            err.contains("insurance") && err.contains("gateway"),
            "{err}"
        );
    }

    #[test]
    fn peers_start_before_their_callers() {
        for (i, t) in Target::ALL.iter().enumerate() {
            for peer in t.peers() {
                let j = Target::ALL.iter().position(|x| x == peer).unwrap();
                assert!(j < i, "{peer} must start before {t}");
            }
        }
    }
}
