//! The relay's configuration: defaults, then a TOML file, then `CANDOUR_*` environment variables.
//!
//! There is deliberately no setting for an access log, a client-address header or anything else
//! that would record who connected: unknown keys are rejected, so `access_log = true` in a file
//! is an error rather than silently ignored.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::RelayError;

/// Everything `candour serve` can be told. `Debug` is safe to print: nothing here is secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on (`CANDOUR_LISTEN`). Loopback by default: put a TLS reverse proxy or
    /// a Tor onion service in front (see `deploy/`).
    pub listen: SocketAddr,
    /// The data folder (`CANDOUR_DATA`): the sled store, when that is the store, and the
    /// journal of signed requests already seen.
    pub data: PathBuf,
    /// Where entries are kept (`CANDOUR_STORE`): `sled` (the embedded default, in `data`) or a
    /// PostgreSQL connection string (`postgres://candour@db1:5432,db2:5432/candour?target_session_attrs=read-write`,
    /// opened by `candour serve`; see deploy/postgresql/README.md). It must not hold a
    /// password: put that in the file `store_password_file` names.
    pub store: String,
    /// A file holding the PostgreSQL password, if the database asks for one
    /// (`CANDOUR_STORE_PASSWORD_FILE`). Empty: none.
    pub store_password_file: PathBuf,
    /// The signed directory file, served byte for byte (`CANDOUR_DIRECTORY`).
    pub directory: PathBuf,
    /// The organisation root keys (`candour-root-...`, or files holding one) the directory must
    /// be signed by. Required: the relay refuses to start on a directory they did not sign.
    pub directory_roots: Vec<String>,
    /// How many of `directory_roots` must have signed.
    pub directory_threshold: usize,
    /// Further forces this relay serves beside the one `directory` names, each with its own
    /// signed directory and pinned roots (`[[forces]]` tables; the configuration file only).
    /// Their reports share one inbox: every directory must have the same stanza count, and
    /// retention is the relay's, one for all (docs/design.md §5 "Many forces, one relay").
    pub forces: Vec<ForceConfig>,
    /// Proof-of-work difficulty for an inbox submission of up to `pow_bytes_per_unit` bytes, in
    /// leading zero bits (about `2^n` hashes; 21 is about a second in a phone browser). Each
    /// doubling of the declared size adds one bit.
    pub pow_difficulty: u8,
    /// Bytes of upload one unit of proof of work buys.
    pub pow_bytes_per_unit: u64,
    /// Largest accepted upload in bytes (reports with attachments stream to disk in 64 KiB
    /// chunks, so this bounds disk use per request, not memory).
    pub max_upload_bytes: u64,
    /// Largest accepted JSON body in bytes.
    pub max_json_bytes: usize,
    /// A request taking longer than this is cut off and anything it uploaded discarded.
    pub request_timeout_secs: u64,
    /// Days every entry is kept after the end of the retention epoch it arrived in. The same
    /// for every entry: no client can lengthen or shorten it.
    pub retention_days: u32,
    /// Days per retention epoch: entries arriving within one share an expiry day (and a
    /// database, dropped whole when it expires), so an expiry day tells only the epoch.
    pub retention_epoch_days: u32,
    /// Seconds between purges of expired epochs.
    pub purge_interval_secs: u64,
    /// How far a signed request's timestamp may be from the relay's clock.
    pub max_clock_skew_secs: u64,
    /// Anonymous (proof-of-work) uploads in progress at once; beyond it, `busy`.
    pub max_anonymous_uploads: usize,
    /// Bytes all anonymous uploads in progress may have asked for together; beyond it, `busy`.
    pub max_anonymous_inflight_bytes: u64,
    /// Signed (reviewer) uploads in progress at once; beyond it, `busy`.
    pub max_signed_uploads: usize,
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// MiB of free space the data folder's file system keeps: below it new uploads are refused
    /// (`disk-full`) and `/readyz` says `not-ready-disk-full`, so the store never meets a full
    /// disk half-way through a write. Uploads already arriving may use a quarter of it. Never
    /// less than 16 MiB, whatever is set here (`sled_store::SLED_HEADROOM_BYTES`).
    pub min_free_mib: u64,
    /// Origins of reporter pages hosted apart from the relay (`CANDOUR_PAGE_ORIGINS`, e.g.
    /// `https://report.pcc.example`; `null` for the page a reporter keeps and opens from disk)
    /// whose browsers may call the reporters' API across origins. Empty: only the relay's own
    /// pages. No credentials are ever allowed, and reviewers' requests never need it.
    pub page_origins: Vec<String>,
}

/// One more force a relay serves (a `[[forces]]` table of the configuration file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceConfig {
    /// The force's signed directory file, served byte for byte.
    pub directory: PathBuf,
    /// The force's root keys (`candour-root-...`, or files holding one): none of another
    /// force's.
    pub directory_roots: Vec<String>,
    /// How many of `directory_roots` must have signed.
    #[serde(default = "one")]
    pub directory_threshold: usize,
    /// Signed (reviewer) uploads this force's reviewers may have in progress at once; absent:
    /// the relay's `max_signed_uploads`. Each force has slots of its own, so one force's busy
    /// reviewers never make another's wait. Counted in memory only, and only for reviewers,
    /// who sign as themselves: nothing about it is stored or attaches to a report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_signed_uploads: Option<usize>,
}

fn one() -> usize {
    1
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data: PathBuf::from("./candour-data"),
            store: SLED_STORE.to_owned(),
            store_password_file: PathBuf::new(),
            directory: PathBuf::from("keys-example/directory.json"),
            directory_roots: vec!["keys-example/root.pub".into()],
            directory_threshold: 1,
            forces: Vec::new(),
            pow_difficulty: candour_core::pow::DEFAULT_DIFFICULTY,
            pow_bytes_per_unit: candour_core::pow::DEFAULT_BYTES_PER_UNIT,
            max_upload_bytes: 256 * 1024 * 1024,
            max_json_bytes: 16 * 1024,
            request_timeout_secs: 300,
            retention_days: crate::store::Retention::DEFAULT.days,
            retention_epoch_days: crate::store::Retention::DEFAULT.epoch_days,
            purge_interval_secs: 6 * 3600,
            max_clock_skew_secs: candour_core::auth::DEFAULT_MAX_SKEW_SECONDS,
            max_anonymous_uploads: 32,
            max_anonymous_inflight_bytes: 1024 * 1024 * 1024,
            max_signed_uploads: 32,
            max_connections: crate::DEFAULT_MAX_CONNECTIONS,
            min_free_mib: crate::store::sled_store::DEFAULT_MIN_FREE_BYTES >> 20,
            page_origins: Vec::new(),
        }
    }
}

/// The `store` setting that keeps entries in sled, in the data folder.
pub const SLED_STORE: &str = "sled";

/// Which kind of store a `store` setting names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    /// sled in the data folder.
    Sled,
    /// A PostgreSQL database, by connection string.
    Postgres,
}

impl Config {
    /// Which kind of store `store` names, or a plain refusal of anything else.
    pub fn store_kind(&self) -> Result<StoreKind, RelayError> {
        let store = self.store.trim();
        if store == SLED_STORE {
            Ok(StoreKind::Sled)
        } else if store.starts_with("postgres://") || store.starts_with("postgresql://") {
            Ok(StoreKind::Postgres)
        } else {
            Err(RelayError::Config(
                "store must be \"sled\" or a postgres:// connection string (see deploy/postgresql/README.md)".into(),
            ))
        }
    }
}

/// The prefix of environment overrides: `CANDOUR_LISTEN`, `CANDOUR_DATA`, and so on for every
/// field, upper-cased. List fields take comma-separated values.
pub const ENV_PREFIX: &str = "CANDOUR_";

impl Config {
    /// Parses a TOML document over the defaults.
    pub fn from_toml_str(text: &str) -> Result<Config, RelayError> {
        toml::from_str(text).map_err(|e| RelayError::Config(e.message().to_owned()))
    }

    /// Defaults, then the TOML file if given, then the process's `CANDOUR_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Config, RelayError> {
        let base = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| RelayError::Config(format!("cannot read {}: {e}", path.display())))?;
                Config::from_toml_str(&text)?
            }
            None => Config::default(),
        };
        // `vars()` would panic on a variable that is not UTF-8; such a variable is not ours.
        base.with_env(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))))
    }

    /// Applies `CANDOUR_<FIELD>` overrides from the given variables; others are ignored (the
    /// binary has variables of its own).
    pub fn with_env(self, vars: impl IntoIterator<Item = (String, String)>) -> Result<Config, RelayError> {
        let mut table = toml::Table::try_from(&self).map_err(|e| RelayError::Config(e.to_string()))?;
        for (name, value) in vars {
            let Some(field) = name.strip_prefix(ENV_PREFIX) else { continue };
            let field = field.to_ascii_lowercase();
            let Some(current) = table.get(&field) else { continue };
            if field == "forces" {
                return Err(RelayError::Config(format!(
                    "{name}: further forces are set in the configuration file only, as [[forces]] tables"
                )));
            }
            let bad = |what: &str| RelayError::Config(format!("{name} must be {what}"));
            let new = match current {
                toml::Value::Integer(_) => {
                    toml::Value::Integer(value.trim().parse().map_err(|_| bad("a whole number"))?)
                }
                toml::Value::Array(_) => toml::Value::Array(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| toml::Value::String(s.to_owned()))
                        .collect(),
                ),
                _ => toml::Value::String(value),
            };
            table.insert(field, new);
        }
        table.try_into().map_err(|e: toml::de::Error| RelayError::Config(e.message().to_owned()))
    }

    /// The retention policy this configuration asks for.
    pub fn retention(&self) -> crate::store::Retention {
        crate::store::Retention { days: self.retention_days, epoch_days: self.retention_epoch_days.max(1) }
    }

    /// The configuration as a commented TOML file, for `candour serve --print-config`.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default();
        format!(
            "# Candour relay configuration. Every key can be overridden by CANDOUR_<KEY> in the\n\
             # environment (e.g. CANDOUR_LISTEN, CANDOUR_DATA). There is no access log setting:\n\
             # the relay cannot record who connects.\n{body}"
        )
    }
}

/// What `candour serve --print-config` prints: the effective configuration as TOML.
pub fn print_config(config: &Config) -> String {
    config.to_toml()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_file_env_layering_and_unknown_keys() {
        let c = Config::default();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(Config::from_toml_str(&c.to_toml()).ok(), Some(c.clone()));
        let file = Config::from_toml_str("data = \"/var/lib/candour\"\npow_difficulty = 18\n").expect("parses");
        assert_eq!(file.data, PathBuf::from("/var/lib/candour"));
        let env = file
            .with_env([
                ("CANDOUR_LISTEN".to_owned(), "0.0.0.0:9000".to_owned()),
                ("CANDOUR_POW_DIFFICULTY".to_owned(), "12".to_owned()),
                ("CANDOUR_DIRECTORY_ROOTS".to_owned(), "a, b".to_owned()),
                ("CANDOUR_PASSPHRASE".to_owned(), "not ours".to_owned()),
            ])
            .expect("env applies");
        assert_eq!(env.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(env.pow_difficulty, 12);
        assert_eq!(env.directory_roots, vec!["a".to_owned(), "b".to_owned()]);
        assert_eq!(env.data, PathBuf::from("/var/lib/candour"));
        assert!(Config::from_toml_str("access_log = true").is_err());
        assert_eq!(c.store_kind().ok(), Some(StoreKind::Sled), "sled is the default");
        let postgres = Config::from_toml_str("store = \"postgres://candour@db/candour\"").expect("parses");
        assert_eq!(postgres.store_kind().ok(), Some(StoreKind::Postgres));
        assert!(Config::from_toml_str("store = \"mysql://x\"").expect("parses").store_kind().is_err());
        assert!(Config::default().with_env([("CANDOUR_POW_DIFFICULTY".into(), "lots".into())]).is_err());
    }

    #[test]
    fn further_forces_come_from_the_file_and_survive_printing() {
        let file = Config::from_toml_str(
            "directory = \"kent.json\"\ndirectory_roots = [\"kent.pub\"]\n\n[[forces]]\ndirectory = \"essex.json\"\n\
             directory_roots = [\"essex.pub\"]\n\n[[forces]]\ndirectory = \"met.json\"\ndirectory_roots = [\"a.pub\", \
             \"b.pub\"]\ndirectory_threshold = 2\nmax_signed_uploads = 4\n",
        )
        .expect("parses");
        assert_eq!(file.forces.len(), 2);
        assert_eq!(file.forces[0].directory_threshold, 1, "one signature unless told");
        assert_eq!(file.forces[0].max_signed_uploads, None);
        assert_eq!(file.forces[1].directory_threshold, 2);
        assert_eq!(file.forces[1].max_signed_uploads, Some(4));
        assert_eq!(Config::from_toml_str(&file.to_toml()).ok(), Some(file.clone()), "printed, it reads back");
        let refused = file.clone().with_env([("CANDOUR_FORCES".into(), "x.json".into())]);
        assert!(matches!(refused, Err(RelayError::Config(m)) if m.contains("[[forces]]")));
        assert!(
            Config::from_toml_str("[[forces]]\ndirectory = \"x\"\ndirectory_roots = []\nretention_days = 9\n").is_err()
        );
    }
}
