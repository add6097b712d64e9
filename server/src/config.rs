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

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FederationConfig {
    pub allow_insecure: bool,
    pub signature_window_secs: u64,
    pub max_body_bytes: usize,
    pub request_timeout_secs: u64,
    pub auto_accept_instances: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryConfig {
    pub concurrency: usize,
    pub backoff_base_secs: u64,
    pub backoff_max_secs: u64,
    pub max_attempts: u32,
    pub run_in_server: bool,
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
            figment = figment.merge(("database.url", url.clone()));
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
        if self.federation.max_body_bytes < 1024 {
            errors.push("federation.max_body_bytes: must be at least 1024".into());
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
