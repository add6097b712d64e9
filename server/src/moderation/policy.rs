//! The federation policy, cached in memory (refreshed whenever staff change it, and by the
//! delivery worker's loop so that a separate `passerelle worker` catches up): which domains and
//! actors are suspended or limited, and, in allow-list mode, which domains are allowed.
use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use activitypub_federation::{config::UrlVerifier, error::Error as FedError};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use url::Url;

use crate::{
    config::FederationMode,
    db::entities::{actor_sanction, allowed_domain, domain_block},
    urls::domain_of,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// No exchange at all.
    Suspend,
    /// Entries hidden from listings (reachable by link), follows need approval.
    Limit,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "suspend" => Some(Severity::Suspend),
            "limit" => Some(Severity::Limit),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suspend => "suspend",
            Severity::Limit => "limit",
        }
    }
}

#[derive(Debug, Clone)]
struct Block {
    domain: String,
    severity: Severity,
    expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct Snapshot {
    blocks: Vec<Block>,
    allowed: Vec<String>,
    actors: HashMap<String, Severity>,
}

/// Normalise what staff typed as a domain: lower case, no scheme, path or trailing dot.
pub fn normalize_domain(input: &str) -> Option<String> {
    let mut d = input.trim().to_ascii_lowercase();
    for prefix in ["https://", "http://"] {
        if let Some(rest) = d.strip_prefix(prefix) {
            d = rest.to_string();
        }
    }
    let d = d
        .split('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches('.');
    let valid = !d.is_empty()
        && !d.starts_with('.')
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    valid.then(|| d.to_string())
}

/// Whether `rule` (a domain, optionally with a port) covers `domain` (`host` or `host:port`,
/// as [`domain_of`] gives it): the same host, or a subdomain of it. A rule without a port
/// covers every port.
pub fn covers(rule: &str, domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    let subject = if rule.contains(':') {
        domain.as_str()
    } else {
        domain.split(':').next().unwrap_or_default()
    };
    subject == rule || subject.ends_with(&format!(".{rule}"))
}

/// The cached policy of one instance.
pub struct Policy {
    mode: FederationMode,
    our_domain: String,
    snapshot: RwLock<Arc<Snapshot>>,
}

impl Policy {
    pub fn new(mode: FederationMode, our_domain: String) -> Policy {
        Policy {
            mode,
            our_domain,
            snapshot: RwLock::new(Arc::new(Snapshot::default())),
        }
    }

    pub fn mode(&self) -> FederationMode {
        self.mode
    }

    /// Read the blocks, the allow-list and the actor sanctions again.
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let blocks = domain_block::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|b| {
                Some(Block {
                    severity: Severity::parse(&b.severity)?,
                    domain: b.domain,
                    expires_at: b.expires_at,
                })
            })
            .collect();
        let allowed = allowed_domain::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.domain)
            .collect();
        let actors = actor_sanction::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|s| Some((s.ap_id, Severity::parse(&s.severity)?)))
            .collect();
        let snap = Arc::new(Snapshot {
            blocks,
            allowed,
            actors,
        });
        match self.snapshot.write() {
            Ok(mut w) => *w = snap,
            Err(poisoned) => *poisoned.into_inner() = snap,
        }
        Ok(())
    }

    fn snap(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(r) => r.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The strongest unexpired block covering `domain`.
    pub fn domain_severity(&self, domain: &str) -> Option<Severity> {
        let now = Utc::now();
        let snap = self.snap();
        let mut found = None;
        for b in &snap.blocks {
            if b.expires_at.is_some_and(|e| e <= now) || !covers(&b.domain, domain) {
                continue;
            }
            match b.severity {
                Severity::Suspend => return Some(Severity::Suspend),
                Severity::Limit => found = Some(Severity::Limit),
            }
        }
        found
    }

    /// Why nothing may be exchanged with `domain`, if so: suspended, or not allowed in
    /// allow-list mode. Our own domain is never refused.
    pub fn refuses_domain(&self, domain: &str) -> Option<String> {
        if domain.eq_ignore_ascii_case(&self.our_domain) {
            return None;
        }
        if self.domain_severity(domain) == Some(Severity::Suspend) {
            return Some(format!("the domain {domain} is suspended by this instance"));
        }
        if self.mode == FederationMode::Allowlist
            && !self.snap().allowed.iter().any(|a| covers(a, domain))
        {
            return Some(format!(
                "the domain {domain} is not on this instance's allow-list"
            ));
        }
        None
    }

    pub fn refuses_url(&self, url: &Url) -> Option<String> {
        self.refuses_domain(&domain_of(url))
    }

    pub fn actor_severity(&self, ap_id: &str) -> Option<Severity> {
        self.snap().actors.get(ap_id).copied()
    }

    /// Why an activity of this actor is refused, if it is (its domain, or the actor itself).
    pub fn refuses_actor(&self, ap_id: &str) -> Option<String> {
        let url = Url::parse(ap_id).ok()?;
        if let Some(r) = self.refuses_url(&url) {
            return Some(r);
        }
        (self.actor_severity(ap_id) == Some(Severity::Suspend))
            .then(|| format!("the actor {ap_id} is suspended by this instance"))
    }

    /// Whether content of this actor (on `domain`) is limited: hidden from listings, follows
    /// need approval.
    pub fn is_limited(&self, domain: &str, actor_ap_id: Option<&str>) -> bool {
        self.domain_severity(domain) == Some(Severity::Limit)
            || actor_ap_id.and_then(|a| self.actor_severity(a)) == Some(Severity::Limit)
    }
}

/// The federation library's URL check: no fetch is ever made to a refused domain.
#[derive(Clone)]
pub struct Verifier(pub Arc<Policy>);

#[async_trait::async_trait]
impl UrlVerifier for Verifier {
    async fn verify(&self, url: &Url) -> Result<(), FedError> {
        match self.0.refuses_url(url) {
            Some(reason) => {
                tracing::info!(%url, %reason, "fetch refused by the federation policy");
                Err(FedError::Other(reason))
            }
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_and_ports() {
        assert!(covers("example.org", "example.org"));
        assert!(covers("example.org", "a.example.org"));
        assert!(covers("example.org", "a.b.example.org:8443"));
        assert!(!covers("example.org", "badexample.org"));
        assert!(!covers("a.example.org", "example.org"));
        assert!(covers("localhost:1234", "localhost:1234"));
        assert!(!covers("localhost:1234", "localhost:1235"));
        assert_eq!(
            normalize_domain(" HTTPS://Example.ORG/path"),
            Some("example.org".into())
        );
        assert_eq!(normalize_domain("bad domain"), None);
    }
}
