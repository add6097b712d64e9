//! Every public URL of the instance, built in one place. ActivityPub ids are stable: changing
//! these paths breaks federation with everyone who stored them.
use url::Url;
use uuid::Uuid;

use crate::directory::model::Kind;

/// The preferredUsername of the instance actor (FEP-2677 / FEP-d556).
pub const INSTANCE_ACTOR_USERNAME: &str = "instance";

/// Slugs that organisations may not take: they name the instance actor or paths of ours.
pub const RESERVED_SLUGS: &[&str] = &[
    INSTANCE_ACTOR_USERNAME,
    "relay",
    "admin",
    "api",
    "actor",
    "inbox",
    "outbox",
    "search",
    "static",
    "www",
    "root",
    "support",
    "moderator",
];

#[derive(Clone, Debug)]
pub struct Urls {
    base: Url,
}

impl Urls {
    pub fn new(base: Url) -> Urls {
        Urls { base }
    }
    pub fn base(&self) -> &Url {
        &self.base
    }
    pub fn domain(&self) -> String {
        match self.base.port() {
            Some(p) => format!("{}:{p}", self.base.host_str().unwrap_or_default()),
            None => self.base.host_str().unwrap_or_default().to_string(),
        }
    }
    pub fn join(&self, path: &str) -> Url {
        self.base
            .join(path.trim_start_matches('/'))
            .expect("valid path")
    }

    pub fn shared_inbox(&self) -> Url {
        self.join("inbox")
    }
    pub fn context(&self) -> Url {
        self.join("ns")
    }

    pub fn instance_actor(&self) -> Url {
        self.join("actor")
    }
    pub fn instance_inbox(&self) -> Url {
        self.join("actor/inbox")
    }
    pub fn instance_outbox(&self) -> Url {
        self.join("actor/outbox")
    }
    pub fn instance_followers(&self) -> Url {
        self.join("actor/followers")
    }
    pub fn instance_following(&self) -> Url {
        self.join("actor/following")
    }

    pub fn org(&self, slug: &str) -> Url {
        self.join(&format!("o/{slug}"))
    }
    pub fn org_inbox(&self, slug: &str) -> Url {
        self.join(&format!("o/{slug}/inbox"))
    }
    pub fn org_outbox(&self, slug: &str) -> Url {
        self.join(&format!("o/{slug}/outbox"))
    }
    pub fn org_followers(&self, slug: &str) -> Url {
        self.join(&format!("o/{slug}/followers"))
    }
    pub fn org_following(&self, slug: &str) -> Url {
        self.join(&format!("o/{slug}/following"))
    }

    pub fn topic(&self, name: &str) -> Url {
        self.join(&format!("t/{name}"))
    }
    pub fn topic_inbox(&self, name: &str) -> Url {
        self.join(&format!("t/{name}/inbox"))
    }
    pub fn topic_outbox(&self, name: &str) -> Url {
        self.join(&format!("t/{name}/outbox"))
    }
    pub fn topic_followers(&self, name: &str) -> Url {
        self.join(&format!("t/{name}/followers"))
    }

    pub fn entry(&self, kind: Kind, id: Uuid) -> Url {
        self.join(&format!("{}/{id}", kind.plural()))
    }
    pub fn activity(&self, id: Uuid) -> Url {
        self.join(&format!("activities/{id}"))
    }
    pub fn tag(&self, name: &str) -> Url {
        let mut u = self.join("search");
        u.query_pairs_mut().append_pair("tag", name);
        u
    }

    /// Whether `url` is one of ours (same scheme-less host and port).
    pub fn is_local(&self, url: &Url) -> bool {
        url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }
}

/// `host[:port]` of a URL, the form used for domains throughout (blocks, health, origins).
pub fn domain_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}
