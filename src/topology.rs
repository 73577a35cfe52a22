//! Where each target listens, which database it uses and where the servers it calls are:
//! from `--listen/--database/--peer target=value` flags, else `TANDEM_<TARGET>_ADDR`,
//! `TANDEM_<TARGET>_DATABASE_URL` and `TANDEM_<TARGET>_URL`, else defaults. Resolved
//! once at start; anything malformed or missing stops the process with a clear message.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use crate::target::Target;

/// A `target=value` flag argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetValue {
    /// The target it configures.
    pub target: Target,
    /// The value.
    pub value: String,
}

impl std::str::FromStr for TargetValue {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (target, value) = s
            .split_once('=')
            .ok_or_else(|| format!("expected TARGET=VALUE, got {s:?}"))?;
        Ok(Self {
            target: target.parse()?,
            value: value.trim().to_owned(),
        })
    }
}

/// What the flags said about addresses.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--listen target=host:port`.
    pub listen: Vec<TargetValue>,
    /// `--database target=url`.
    pub database: Vec<TargetValue>,
    /// `--peer target=url`.
    pub peer: Vec<TargetValue>,
}

/// Addresses and databases of the targets one process runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topology {
    /// Listen address per local target.
    pub listen: BTreeMap<Target, SocketAddr>,
    /// Database URL per local target.
    pub databases: BTreeMap<Target, String>,
    /// URL per remote target that a local one calls.
    pub remote_peers: BTreeMap<Target, String>,
}

/// A configuration problem, reported before anything starts.
#[derive(Debug, thiserror::Error)]
pub enum TopologyError {
    /// A listen address does not parse.
    #[error("{source_name}: {value:?} is not a listen address like 0.0.0.0:50051")]
    BadAddr {
        /// The flag or environment variable it came from.
        source_name: String,
        /// The value given.
        value: String,
    },
    /// A peer URL is not http(s).
    #[error("{source_name}: {value:?} is not a server URL like http://insurance:50051")]
    BadUrl {
        /// The flag or environment variable it came from.
        source_name: String,
        /// The value given.
        value: String,
    },
    /// A target calls a server that is neither local nor configured.
    #[error(
        "{caller} calls {peer}, which this process does not run: set {env} or --peer {peer}=URL"
    )]
    MissingPeer {
        /// The local target that needs it.
        caller: Target,
        /// The server it calls.
        peer: Target,
        /// The environment variable to set.
        env: String,
    },
    /// The same target was named twice.
    #[error("target {0} named more than once")]
    Duplicate(Target),
}

/// Resolves the topology of `targets`. `host` is the default listen host, `data_dir` the
/// folder of default SQLite files, `env` reads environment variables, and
/// `default_peers` says whether unconfigured remote peers fall back to
/// `http://127.0.0.1:<default port>` (`tandem up`) or are an error (`tandem serve`).
pub fn resolve(
    targets: &[Target],
    host: &str,
    data_dir: &Path,
    flags: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    default_peers: bool,
) -> Result<Topology, TopologyError> {
    let mut seen = Vec::new();
    for t in targets {
        if seen.contains(t) {
            return Err(TopologyError::Duplicate(*t));
        }
        seen.push(*t);
    }
    let lookup =
        |list: &[TargetValue], t: Target, flag: &str, suffix: &str| -> Option<(String, String)> {
            list.iter()
                .rev()
                .find(|tv| tv.target == t)
                .map(|tv| (format!("--{flag} {t}="), tv.value.clone()))
                .or_else(|| {
                    let name = format!("{}_{suffix}", t.env_prefix());
                    env(&name)
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| (name, v.trim().to_owned()))
                })
        };

    let mut topology = Topology {
        listen: BTreeMap::new(),
        databases: BTreeMap::new(),
        remote_peers: BTreeMap::new(),
    };
    for &t in targets {
        let (source_name, value) = lookup(&flags.listen, t, "listen", "ADDR")
            .unwrap_or_else(|| ("default".into(), format!("{host}:{}", t.default_port())));
        let addr = value
            .parse()
            .map_err(|_| TopologyError::BadAddr { source_name, value })?;
        topology.listen.insert(t, addr);
        let url = lookup(&flags.database, t, "database", "DATABASE_URL").map_or_else(
            || format!("sqlite://{}/{}.db?mode=rwc", data_dir.display(), t.as_str()),
            |(_, v)| v,
        );
        topology.databases.insert(t, url);
    }
    for &caller in targets {
        for &peer in caller.peers() {
            if targets.contains(&peer) || topology.remote_peers.contains_key(&peer) {
                continue;
            }
            let url = match lookup(&flags.peer, peer, "peer", "URL") {
                Some((source_name, value)) => {
                    if !(value.starts_with("http://") || value.starts_with("https://")) {
                        return Err(TopologyError::BadUrl { source_name, value });
                    }
                    value
                }
                None if default_peers => format!("http://127.0.0.1:{}", peer.default_port()),
                None => {
                    return Err(TopologyError::MissingPeer {
                        caller,
                        peer,
                        env: format!("{}_URL", peer.env_prefix()),
                    });
                }
            };
            topology.remote_peers.insert(peer, url);
        }
    }
    Ok(topology)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn up_defaults_every_target_to_its_port_and_sqlite_file() {
        let t = resolve(
            &Target::ALL,
            "127.0.0.1",
            Path::new("data"),
            &Overrides::default(),
            &no_env,
            true,
        )
        .unwrap();
        assert_eq!(
            t.listen[&Target::Insurance],
            "127.0.0.1:50051".parse().unwrap()
        );
        assert_eq!(
            t.listen[&Target::Gateway],
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            t.databases[&Target::Accessory],
            "sqlite://data/accessory.db?mode=rwc"
        );
        assert_eq!(
            t.databases[&Target::Gateway],
            "sqlite://data/gateway.db?mode=rwc"
        );
        assert!(t.remote_peers.is_empty());
    }

    #[test]
    fn serve_takes_env_and_requires_remote_peers() {
        let env = |k: &str| match k {
            "TANDEM_INSURANCE_ADDR" => Some("0.0.0.0:9000".to_owned()),
            "TANDEM_INSURANCE_DATABASE_URL" => Some("postgres://db/ins".to_owned()),
            _ => None,
        };
        let err = resolve(
            &[Target::Insurance],
            "0.0.0.0",
            Path::new("d"),
            &Overrides::default(),
            &env,
            false,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "insurance calls accessory, which this process does not run: set TANDEM_ACCESSORY_URL or --peer accessory=URL"
        );
        let flags = Overrides {
            peer: vec!["accessory=http://accessory:50052".parse().unwrap()],
            ..Default::default()
        };
        let err = resolve(
            &[Target::Insurance],
            "0.0.0.0",
            Path::new("d"),
            &flags,
            &env,
            false,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "insurance calls settlement, which this process does not run: set TANDEM_SETTLEMENT_URL or --peer settlement=URL",
            "the insurer checks payments with the account server"
        );
        let flags = Overrides {
            peer: vec![
                "accessory=http://accessory:50052".parse().unwrap(),
                "settlement=http://settlement:50054".parse().unwrap(),
            ],
            ..Default::default()
        };
        let t = resolve(
            &[Target::Insurance],
            "0.0.0.0",
            Path::new("d"),
            &flags,
            &env,
            false,
        )
        .unwrap();
        assert_eq!(
            t.listen[&Target::Insurance],
            "0.0.0.0:9000".parse().unwrap()
        );
        assert_eq!(t.databases[&Target::Insurance], "postgres://db/ins");
        assert_eq!(t.remote_peers[&Target::Accessory], "http://accessory:50052");
        assert_eq!(
            t.remote_peers[&Target::Settlement],
            "http://settlement:50054"
        );
    }

    #[test]
    fn flags_win_over_env_and_bad_values_are_named() {
        let env = |k: &str| (k == "TANDEM_ACCESSORY_ADDR").then(|| "nonsense".to_owned());
        let err = resolve(
            &[Target::Accessory],
            "h",
            Path::new("d"),
            &Overrides::default(),
            &env,
            true,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("TANDEM_ACCESSORY_ADDR: \"nonsense\""),
            "{err}"
        );
        let flags = Overrides {
            listen: vec!["accessory=127.0.0.1:0".parse().unwrap()],
            ..Default::default()
        };
        let t = resolve(
            &[Target::Accessory],
            "h",
            Path::new("d"),
            &flags,
            &env,
            true,
        )
        .unwrap();
        assert_eq!(t.listen[&Target::Accessory].port(), 0);

        let flags = Overrides {
            peer: vec!["accessory=accessory:50052".parse().unwrap()],
            ..Default::default()
        };
        let err = resolve(
            &[Target::Insurance],
            "127.0.0.1",
            Path::new("d"),
            &flags,
            &no_env,
            false,
        )
        .unwrap_err();
        assert!(matches!(err, TopologyError::BadUrl { .. }), "{err}");
        assert!("nobody=1".parse::<TargetValue>().is_err());
        assert!("insurance".parse::<TargetValue>().is_err());
        let dup = resolve(
            &[Target::Leads, Target::Leads],
            "h",
            Path::new("d"),
            &Overrides::default(),
            &no_env,
            true,
        );
        assert!(matches!(dup, Err(TopologyError::Duplicate(Target::Leads))));
    }
}
