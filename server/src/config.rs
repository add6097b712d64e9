//! Layered configuration: built-in defaults (config/default.toml), then an optional file, then
//! environment variables `PASSERELLE__SECTION__KEY` (and the conventional `DATABASE_URL`).
use std::{net::SocketAddr, path::Path};

use figment::{
    Figment,
    providers::{Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};
use url::Url;

/// The documented defaults, compiled in so the file and the binary never disagree.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub instance: InstanceConfig,
    pub database: DatabaseConfig,
    pub federation: FederationConfig,
    pub delivery: DeliveryConfig,
    pub moderation: ModerationConfig,
    pub web: WebConfig,
    pub http: HttpConfig,
    pub import: ImportConfig,
    pub metrics: MetricsConfig,
    pub buddy: BuddyConfig,
    pub media: MediaConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuddyConfig {
    /// Buddy requests (handled or not) are deleted this many days after they were sent.
    pub retention_days: u32,
    /// Requests accepted per client address: a burst of this many, then one more every
    /// `request_refill_secs` seconds.
    pub request_burst: u32,
    pub request_refill_secs: u64,
    /// A form sent back sooner than this after it was shown is refused as automated.
    pub min_fill_secs: u64,
}

/// Access to the Prometheus metrics at `/metrics`.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Serve `/metrics` at all.
    pub enabled: bool,
    /// When set, `/metrics` asks for `Authorization: Bearer <token>` (from anywhere); when
    /// empty, it answers only direct loopback connections (no proxy forwarding headers).
    pub token: String,
}

impl std::fmt::Debug for MetricsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsConfig")
            .field("enabled", &self.enabled)
            .field(
                "token",
                &if self.token.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    /// Where uploaded pictures (organisation logos, event banners) are kept, served at
    /// `/media/<file>`.
    pub dir: std::path::PathBuf,
    /// Largest picture file accepted, in bytes.
    pub max_upload_bytes: usize,
    /// A picture no organisation or entry uses any more (replaced, removed, its entry deleted)
    /// is deleted this many days after it was stored, checked hourly.
    pub unused_retention_days: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Reverse proxies (CIDR blocks or single addresses) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
}

impl HttpConfig {
    /// The trusted proxies as networks (a single address is a /32 or /128).
    pub fn trusted_networks(&self) -> Result<Vec<ipnet::IpNet>, String> {
        self.trusted_proxies
            .iter()
            .map(|s| {
                let s = s.trim();
                s.parse::<ipnet::IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        format!("{s:?} is not an IP address or a CIDR block such as 10.0.0.0/8")
                    })
            })
            .collect()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// How long a staff sign-in lasts, in seconds.
    pub session_lifetime_secs: u64,
    /// Sign-in attempts per client address: a burst of this many, then one more every
    /// `login_refill_secs` seconds.
    pub login_attempts_per_ip: u32,
    /// Sign-in attempts per account (email address), likewise.
    pub login_attempts_per_account: u32,
    pub login_refill_secs: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    /// Largest import file (HSDS datapackage or JSON, CSV) accepted, in bytes; also the limit
    /// of the uncompressed content of a zipped datapackage.
    pub max_bytes: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    pub log_format: LogFormat,
    pub log_level: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceConfig {
    pub domain: String,
    pub name: String,
    pub description: String,
    pub default_language: String,
    pub contact_email: String,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    pub url: String,
    pub max_connections: u32,
}

/// The URL's password is never printed.
impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &crate::db::redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    pub allow_insecure: bool,
    pub signature_window_secs: u64,
    pub max_body_bytes: usize,
    pub request_timeout_secs: u64,
    pub auto_accept_instances: Vec<String>,
    /// `open`: everyone except blocked domains; `allowlist`: only the allowed domains.
    pub mode: FederationMode,
    /// How long an incoming activity being handled stays reserved for the request handling
    /// it; a copy arriving meanwhile gets 503. A process that dies mid-handling leaves the
    /// activity to the sender's next retry after this.
    pub inbox_claim_secs: u64,
    /// Ids of handled activities are remembered this many days (a replay within them has no
    /// effect), then deleted.
    pub inbox_retention_days: u32,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FederationMode {
    Open,
    Allowlist,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationConfig {
    /// Remote entries that wait for a moderator before they are listed.
    pub review_remote_entries: ReviewMode,
    /// Reports accepted per client address: bucket size, then one more every
    /// `report_refill_secs` seconds.
    pub report_burst: u32,
    pub report_refill_secs: u64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReviewMode {
    /// Nothing waits.
    Off,
    /// Entries from an instance none of whose entries a moderator has approved yet.
    NewInstances,
    /// Every remote entry.
    All,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    pub concurrency: usize,
    pub backoff_base_secs: u64,
    pub backoff_max_secs: u64,
    pub max_attempts: u32,
    pub run_in_server: bool,
    /// How long a claimed delivery stays reserved for the process that claimed it; a process
    /// that dies mid-send leaves its deliveries to others after this.
    pub lease_secs: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(String),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Defaults only (what tests start from).
    pub fn defaults() -> Config {
        Self::from_figment(Figment::from(Toml::string(DEFAULT_TOML)))
            .expect("config/default.toml is valid")
    }

    /// Defaults, then `file`, then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_with_env(file, std::env::vars())
    }

    /// As [`Config::load`] with an explicit environment (testable without touching the process).
    pub fn load_with_env(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::MissingFile(path.display().to_string()));
            }
            figment = figment.merge(Toml::file(path));
        }
        let env: Vec<(String, String)> = env.into_iter().collect();
        // DATABASE_URL first, so that PASSERELLE__DATABASE__URL wins over it.
        if let Some((_, url)) = env.iter().find(|(k, _)| k == "DATABASE_URL") {
            // `Serialized::default`, not a `(key, value)` tuple: a tuple is `Serialized::global`,
            // and the global profile beats the default one whatever the merge order.
            figment = figment.merge(Serialized::default("database.url", url.clone()));
        }
        let prefixed: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("PASSERELLE__"))
            .collect();
        for (key, value) in prefixed {
            let path = key["PASSERELLE__".len()..]
                .to_ascii_lowercase()
                .replace("__", ".");
            if path.is_empty() {
                continue;
            }
            // Parsed as figment parses environment values: numbers, booleans, arrays, else a string.
            let value: figment::value::Value = value.parse().expect("infallible");
            figment = figment.merge(Serialized::default(&path, value));
        }
        Self::from_figment(figment)
    }

    fn from_figment(figment: Figment) -> Result<Config, ConfigError> {
        let config: Config = figment.extract().map_err(|e| {
            let msgs: Vec<String> = e.into_iter().map(|e| describe_figment_error(&e)).collect();
            ConfigError::Invalid(msgs.join("; "))
        })?;
        config.check()?;
        Ok(config)
    }

    /// Semantic checks serde cannot do, each naming its key.
    fn check(&self) -> Result<(), ConfigError> {
        let mut errors = Vec::new();
        let d = &self.instance.domain;
        let parsed = Url::parse(&format!("http://{d}/"));
        match parsed {
            Ok(u)
                if !d.is_empty()
                    && !d.contains('/')
                    && u.host_str().is_some()
                    && u.username().is_empty() => {}
            _ => errors.push(format!(
                "instance.domain: {d:?} is not a host name with an optional port (e.g. directory.example.org)"
            )),
        }
        if language_tags::LanguageTag::parse(&self.instance.default_language).is_err() {
            errors.push(format!(
                "instance.default_language: {:?} is not a BCP-47 language tag",
                self.instance.default_language
            ));
        }
        let url = &self.database.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            errors.push(format!(
                "database.url: {url:?} must start with sqlite:, postgres:// or postgresql://"
            ));
        }
        if self.database.max_connections == 0 {
            errors.push("database.max_connections: must be at least 1".into());
        }
        if self.delivery.concurrency == 0 {
            errors.push("delivery.concurrency: must be at least 1".into());
        }
        if self.delivery.lease_secs <= self.federation.request_timeout_secs {
            errors.push(format!(
                "delivery.lease_secs: must be more than federation.request_timeout_secs ({}), or a slow delivery could be claimed and sent twice",
                self.federation.request_timeout_secs
            ));
        }
        if self.federation.inbox_claim_secs <= self.federation.request_timeout_secs {
            errors.push(format!(
                "federation.inbox_claim_secs: must be more than federation.request_timeout_secs ({}), or an activity still being handled could be handled twice",
                self.federation.request_timeout_secs
            ));
        }
        if self.federation.inbox_retention_days == 0 {
            errors.push("federation.inbox_retention_days: must be at least 1".into());
        }
        if self.federation.max_body_bytes < 1024 {
            errors.push("federation.max_body_bytes: must be at least 1024".into());
        }
        if self.web.session_lifetime_secs < 60 {
            errors.push("web.session_lifetime_secs: must be at least 60".into());
        }
        if self.web.login_attempts_per_ip == 0 || self.web.login_attempts_per_account == 0 {
            errors.push(
                "web.login_attempts_per_ip and web.login_attempts_per_account: must be at least 1"
                    .into(),
            );
        }
        if self.buddy.retention_days == 0 {
            errors.push("buddy.retention_days: must be at least 1".into());
        }
        if self.buddy.request_burst == 0 {
            errors.push("buddy.request_burst: must be at least 1".into());
        }
        if self.media.unused_retention_days == 0 {
            errors.push("media.unused_retention_days: must be at least 1".into());
        }
        if self.media.max_upload_bytes < 1024 {
            errors.push("media.max_upload_bytes: must be at least 1024".into());
        }
        if self.media.dir.as_os_str().is_empty() {
            errors.push("media.dir: must name a directory".into());
        }
        if let Err(e) = self.http.trusted_networks() {
            errors.push(format!("http.trusted_proxies: {e}"));
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.server.log_level) {
            errors.push(format!("server.log_level: {e}"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(errors.join("; ")))
        }
    }

    /// `http` when insecure federation is allowed (local testing), `https` otherwise.
    pub fn scheme(&self) -> &'static str {
        if self.federation.allow_insecure {
            "http"
        } else {
            "https"
        }
    }

    /// The public base URL, e.g. `https://directory.example.org/`.
    pub fn base_url(&self) -> Url {
        Url::parse(&format!("{}://{}/", self.scheme(), self.instance.domain))
            .expect("domain checked at load")
    }

    /// Whether the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.database.url.starts_with("postgres")
    }
}

fn describe_figment_error(e: &figment::Error) -> String {
    let key = e.path.join(".");
    let kind = e.kind.to_string();
    if key.is_empty() {
        kind
    } else {
        format!("{key}: {kind}")
    }
}

#[cfg(test)]
mod tests {
    use std::{io::Write, net::SocketAddr};

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn file(toml: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        f.write_all(toml.as_bytes()).unwrap();
        f.flush().unwrap();
        f
    }

    /// The error message of a load that must fail.
    fn load_err(toml: Option<&str>, vars: &[(&str, &str)]) -> String {
        let f = toml.map(file);
        match Config::load_with_env(f.as_ref().map(|f| f.path()), env(vars)) {
            Ok(c) => panic!("expected an error, loaded {c:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn load(toml: Option<&str>, vars: &[(&str, &str)]) -> Config {
        let f = toml.map(file);
        Config::load_with_env(f.as_ref().map(|f| f.path()), env(vars)).unwrap()
    }

    #[test]
    fn defaults_load() {
        let c = load(None, &[]);
        assert_eq!(
            c.server.bind,
            "127.0.0.1:8080".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(c.server.log_format, LogFormat::Human);
        assert_eq!(c.instance.domain, "localhost:8080");
        assert_eq!(c.instance.default_language, "en");
        assert_eq!(c.database.url, "sqlite://data/passerelle.db?mode=rwc");
        assert_eq!(c.database.max_connections, 10);
        assert!(c.federation.allow_insecure);
        assert!(c.federation.auto_accept_instances.is_empty());
        assert!(c.delivery.run_in_server);
        assert_eq!(c.web.session_lifetime_secs, 43200);
        assert_eq!(c.web.login_attempts_per_account, 5);
        assert!(!c.is_postgres());
        // Config::defaults() is the same thing without an environment.
        let d = Config::defaults();
        assert_eq!(d.server.bind, c.server.bind);
        assert_eq!(d.database.url, c.database.url);
    }

    #[test]
    fn the_process_environment_is_not_read_by_load_with_env() {
        // Only the explicit environment counts (the test runner's own variables are ignored).
        let c = load(None, &[("UNRELATED", "x"), ("PASSERELLE_CONFIG", "/nope")]);
        assert_eq!(c.instance.domain, "localhost:8080");
    }

    #[test]
    fn a_file_overrides_the_defaults() {
        let c = load(
            Some(
                r#"
[server]
bind = "0.0.0.0:9000"
log_format = "json"

[instance]
domain = "directory.example.org"
name = "Annuaire"

[database]
url = "postgres://u:p@db:5432/passerelle"
max_connections = 3

[federation]
allow_insecure = false
auto_accept_instances = ["friends.example"]
"#,
            ),
            &[],
        );
        assert_eq!(c.server.bind, "0.0.0.0:9000".parse::<SocketAddr>().unwrap());
        assert_eq!(c.server.log_format, LogFormat::Json);
        assert_eq!(c.instance.domain, "directory.example.org");
        assert_eq!(c.instance.name, "Annuaire");
        // Keys the file does not set keep their defaults.
        assert_eq!(c.instance.default_language, "en");
        assert_eq!(c.server.log_level, "info,sqlx=warn,sea_orm=warn");
        assert_eq!(c.database.url, "postgres://u:p@db:5432/passerelle");
        assert_eq!(c.database.max_connections, 3);
        assert!(c.is_postgres());
        assert!(!c.federation.allow_insecure);
        assert_eq!(c.federation.auto_accept_instances, vec!["friends.example"]);
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let toml = r#"
[server]
bind = "0.0.0.0:9000"
[instance]
domain = "from-file.example"
[database]
url = "sqlite://from-file.db"
"#;
        let c = load(
            Some(toml),
            &[
                ("PASSERELLE__SERVER__BIND", "127.0.0.1:7777"),
                ("PASSERELLE__INSTANCE__DOMAIN", "from-env.example"),
                ("PASSERELLE__DATABASE__URL", "postgres://env@h/db"),
                ("PASSERELLE__DATABASE__MAX_CONNECTIONS", "4"),
            ],
        );
        assert_eq!(
            c.server.bind,
            "127.0.0.1:7777".parse::<SocketAddr>().unwrap()
        );
        assert_eq!(c.instance.domain, "from-env.example");
        assert_eq!(c.database.url, "postgres://env@h/db");
        assert_eq!(c.database.max_connections, 4);
        // The file still applies where the environment says nothing.
        let c = load(Some(toml), &[]);
        assert_eq!(c.instance.domain, "from-file.example");
        assert_eq!(c.database.url, "sqlite://from-file.db");
    }

    #[test]
    fn each_documented_variable_takes_effect() {
        let c = load(None, &[("PASSERELLE__SERVER__BIND", "0.0.0.0:1234")]);
        assert_eq!(c.server.bind, "0.0.0.0:1234".parse::<SocketAddr>().unwrap());

        let c = load(
            None,
            &[("PASSERELLE__INSTANCE__DOMAIN", "directory.example.org")],
        );
        assert_eq!(c.instance.domain, "directory.example.org");

        let c = load(
            None,
            &[("PASSERELLE__DATABASE__URL", "postgres://a@b:5432/c")],
        );
        assert_eq!(c.database.url, "postgres://a@b:5432/c");

        let c = load(None, &[("DATABASE_URL", "postgresql://x@y/z")]);
        assert_eq!(c.database.url, "postgresql://x@y/z");
        assert!(c.is_postgres());

        let c = load(None, &[("PASSERELLE__FEDERATION__ALLOW_INSECURE", "false")]);
        assert!(!c.federation.allow_insecure);
        assert_eq!(c.scheme(), "https");
    }

    #[test]
    fn passerelle_database_url_wins_over_database_url() {
        for order in [
            [
                ("DATABASE_URL", "postgres://generic@h/db"),
                ("PASSERELLE__DATABASE__URL", "sqlite://specific.db"),
            ],
            [
                ("PASSERELLE__DATABASE__URL", "sqlite://specific.db"),
                ("DATABASE_URL", "postgres://generic@h/db"),
            ],
        ] {
            let c = load(None, &order);
            assert_eq!(c.database.url, "sqlite://specific.db", "{order:?}");
        }
        // DATABASE_URL also beats the file.
        let c = load(
            Some("[database]\nurl = \"sqlite://file.db\"\n"),
            &[("DATABASE_URL", "postgres://generic@h/db")],
        );
        assert_eq!(c.database.url, "postgres://generic@h/db");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_cidr_blocks() {
        let c = load(None, &[]);
        assert!(c.http.trusted_proxies.is_empty());
        let c = load(
            Some("[http]\ntrusted_proxies = [\"127.0.0.1/32\", \"::1\", \"10.0.0.0/8\"]\n"),
            &[],
        );
        let nets = c.http.trusted_networks().unwrap();
        assert_eq!(nets.len(), 3);
        assert!(nets[1].contains(&"::1".parse::<std::net::IpAddr>().unwrap()));
        let e = load_err(Some("[http]\ntrusted_proxies = [\"10.0.0.0/33\"]\n"), &[]);
        assert!(
            e.contains("http.trusted_proxies") && e.contains("10.0.0.0/33"),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused_by_name() {
        let e = load_err(Some("[server]\nbindd = \"127.0.0.1:1\"\n"), &[]);
        assert!(e.contains("bindd"), "{e}");
        let e = load_err(Some("[servre]\nbind = \"127.0.0.1:1\"\n"), &[]);
        assert!(e.contains("servre"), "{e}");
    }

    #[test]
    fn an_unknown_environment_key_is_refused_by_name() {
        let e = load_err(None, &[("PASSERELLE__SERVER__NOPE", "1")]);
        assert!(e.contains("server.nope"), "{e}");
    }

    #[test]
    fn bad_values_are_refused_naming_the_key() {
        let cases: &[(&str, &str)] = &[
            ("[server]\nbind = \"not-an-address\"\n", "server.bind"),
            (
                "[database]\nmax_connections = \"many\"\n",
                "database.max_connections",
            ),
            (
                "[database]\nmax_connections = 0\n",
                "database.max_connections",
            ),
            ("[instance]\ndomain = \"http://x/y\"\n", "instance.domain"),
            ("[instance]\ndomain = \"\"\n", "instance.domain"),
            (
                "[instance]\ndefault_language = \"!!\"\n",
                "instance.default_language",
            ),
            ("[database]\nurl = \"mysql://u@h/db\"\n", "database.url"),
            ("[server]\nlog_format = \"xml\"\n", "server.log_format"),
            (
                "[web]\nsession_lifetime_secs = 10\n",
                "web.session_lifetime_secs",
            ),
            (
                "[web]\nlogin_attempts_per_ip = 0\n",
                "web.login_attempts_per_ip",
            ),
            (
                "[web]\nlogin_refill_secs = \"soon\"\n",
                "web.login_refill_secs",
            ),
            (
                "[federation]\nallow_insecure = \"maybe\"\n",
                "federation.allow_insecure",
            ),
            ("[delivery]\nlease_secs = 10\n", "delivery.lease_secs"),
            (
                "[federation]\ninbox_claim_secs = 10\n",
                "federation.inbox_claim_secs",
            ),
            (
                "[federation]\ninbox_retention_days = 0\n",
                "federation.inbox_retention_days",
            ),
            ("[metrics]\nenabled = \"yes\"\n", "metrics.enabled"),
            (
                "[media]\nunused_retention_days = 0\n",
                "media.unused_retention_days",
            ),
        ];
        for (toml, key) in cases {
            let e = load_err(Some(toml), &[]);
            assert!(e.contains(key), "{toml:?}: error {e:?} does not name {key}");
        }
        let env_cases: &[(&str, &str, &str)] = &[
            ("PASSERELLE__SERVER__BIND", "not-an-address", "server.bind"),
            (
                "PASSERELLE__DATABASE__MAX_CONNECTIONS",
                "many",
                "database.max_connections",
            ),
            (
                "PASSERELLE__INSTANCE__DOMAIN",
                "http://x/y",
                "instance.domain",
            ),
            (
                "PASSERELLE__INSTANCE__DEFAULT_LANGUAGE",
                "!!",
                "instance.default_language",
            ),
            (
                "PASSERELLE__DATABASE__URL",
                "mysql://u@h/db",
                "database.url",
            ),
            ("DATABASE_URL", "mysql://u@h/db", "database.url"),
        ];
        for (k, v, key) in env_cases {
            let e = load_err(None, &[(k, v)]);
            assert!(e.contains(key), "{k}={v}: error {e:?} does not name {key}");
        }
    }

    #[test]
    fn secrets_are_not_in_the_debug_output() {
        let c = load(
            None,
            &[
                (
                    "PASSERELLE__DATABASE__URL",
                    "postgres://passerelle:db-secret-pw@db:5432/passerelle",
                ),
                ("PASSERELLE__METRICS__TOKEN", "metrics-secret-token"),
            ],
        );
        assert_eq!(c.metrics.token, "metrics-secret-token");
        let printed = format!("{c:?}");
        assert!(!printed.contains("db-secret-pw"), "{printed}");
        assert!(!printed.contains("metrics-secret-token"), "{printed}");
        assert!(
            printed.contains("postgres://passerelle:***@db:5432/passerelle"),
            "{printed}"
        );
        assert!(printed.contains("[redacted]"), "{printed}");
        assert_eq!(c.delivery.lease_secs, 120);
        assert!(c.metrics.enabled);
    }

    #[test]
    fn several_errors_are_reported_together() {
        let e = load_err(
            Some(
                "[instance]\ndomain = \"http://x/y\"\ndefault_language = \"!!\"\n[database]\nurl = \"mysql://h\"\n",
            ),
            &[],
        );
        for key in [
            "instance.domain",
            "instance.default_language",
            "database.url",
        ] {
            assert!(e.contains(key), "{e}");
        }
    }

    #[test]
    fn a_missing_config_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nowhere.toml");
        let e = Config::load_with_env(Some(&path), env(&[])).unwrap_err();
        assert!(matches!(e, ConfigError::MissingFile(_)), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains("nowhere.toml"), "{msg}");
        assert!(msg.contains("does not exist"), "{msg}");
    }

    #[test]
    fn a_malformed_file_is_an_error() {
        let e = load_err(Some("[server\nbind = "), &[]);
        assert!(!e.is_empty());
    }

    #[test]
    fn base_url_follows_allow_insecure() {
        let c = load(
            None,
            &[
                ("PASSERELLE__INSTANCE__DOMAIN", "directory.example.org"),
                ("PASSERELLE__FEDERATION__ALLOW_INSECURE", "false"),
            ],
        );
        assert_eq!(c.scheme(), "https");
        assert_eq!(c.base_url().as_str(), "https://directory.example.org/");

        let c = load(
            None,
            &[
                ("PASSERELLE__INSTANCE__DOMAIN", "localhost:8123"),
                ("PASSERELLE__FEDERATION__ALLOW_INSECURE", "true"),
            ],
        );
        assert_eq!(c.scheme(), "http");
        assert_eq!(c.base_url().as_str(), "http://localhost:8123/");
    }
}
