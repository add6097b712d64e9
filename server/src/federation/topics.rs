//! Topic actors: followable feeds per top-level category (`@health@DOMAIN`) and per category
//! and city (`@health-lille@DOMAIN`). They are `Group` actors (FEP-1b12) that `Announce` every
//! matching visible, federated entry (local or received from another instance) to their
//! followers. Names come from the taxonomy and from the cities of visible entries; the actor
//! row (its key pair) is created lazily, on the first WebFinger lookup, actor fetch or Follow.
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    actors::{actor_context, text_to_html},
    objects::{PUBLIC, rfc3339},
};
use crate::{
    AppState, accounts,
    db::entities::{entry, topic_actor, topic_announce},
    directory::{store::VISIBLE, taxonomy::taxonomy},
    error::{AppError, AppResult},
};

/// What a topic name means: a top-level category, and optionally a city (its slug).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub name: String,
    pub category: String,
    pub city: Option<String>,
    /// The city as entries spell it (`Lille`), when one is known.
    pub city_label: Option<String>,
}

/// The slug of a locality: transliterated to ASCII (`deunicode`: accents stripped, other
/// scripts romanised, so that the handle is one Mastodon and other servers accept:
/// `[a-z0-9-]`), lower-cased, every run of other characters than letters and digits (spaces,
/// apostrophes, hyphens) turned into one `-`.
/// `Villeneuve-d'Ascq` → `villeneuve-d-ascq`, `Besançon` → `besancon`, `Київ` → `kiyiv`.
pub fn city_slug(locality: &str) -> String {
    let mut out = String::new();
    for c in deunicode::deunicode(locality).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The top-level category a code belongs to (itself for a top-level code).
pub fn root_category(code: &str) -> Option<String> {
    let tax = taxonomy();
    let mut current = tax.category(code)?;
    for _ in 0..16 {
        match current.parent.as_deref().and_then(|p| tax.category(p)) {
            Some(parent) => current = parent,
            None => break,
        }
    }
    Some(current.code.clone())
}

/// The names of the topics an entry belongs to: each top-level category of its categories,
/// and each of those with its city.
pub fn entry_topics(row: &entry::Model) -> Vec<String> {
    let codes: Vec<String> = serde_json::from_str(&row.categories).unwrap_or_default();
    let mut roots: Vec<String> = codes.iter().filter_map(|c| root_category(c)).collect();
    roots.sort();
    roots.dedup();
    let city = row
        .locality
        .as_deref()
        .map(city_slug)
        .filter(|s| !s.is_empty());
    let mut names = Vec::new();
    for r in roots {
        if let Some(c) = &city {
            names.push(format!("{r}-{c}"));
        }
        names.push(r);
    }
    names
}

/// Split a name into (top-level category, city slug), from the taxonomy alone (the longest
/// category code that is the name or a prefix of it followed by `-`).
fn split_name(name: &str) -> Option<(String, Option<String>)> {
    let mut best: Option<(String, Option<String>)> = None;
    for c in taxonomy().top_level() {
        let candidate = if name == c.code {
            Some((c.code.clone(), None))
        } else {
            name.strip_prefix(&format!("{}-", c.code))
                .filter(|rest| !rest.is_empty())
                .map(|rest| (c.code.clone(), Some(rest.to_string())))
        };
        if let Some(cand) = candidate
            && best.as_ref().is_none_or(|(b, _)| cand.0.len() > b.len())
        {
            best = Some(cand);
        }
    }
    best
}

/// The cities that have visible entries, as (slug, locality).
pub async fn cities(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    let rows: Vec<Option<String>> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Locality)
        .distinct()
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::ModerationState.eq(VISIBLE))
        .filter(entry::Column::Locality.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut out: Vec<(String, String)> = rows
        .into_iter()
        .flatten()
        .map(|l| (city_slug(&l), l))
        .filter(|(s, _)| !s.is_empty())
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

/// The topic a name denotes, if any. Organisations come first: a name that is an
/// organisation's slug is never a topic (and organisations may not take a category code).
/// A category + city topic exists when a visible entry is in that city, or when its actor was
/// created already (it then stays, so that followers keep it).
pub async fn resolve(state: &AppState, name: &str) -> AppResult<Option<Topic>> {
    let name = name.to_ascii_lowercase();
    let Some((category, city)) = split_name(&name) else {
        return Ok(None);
    };
    if accounts::find_org(&state.db, &name).await?.is_some() {
        return Ok(None);
    }
    let Some(city) = city else {
        return Ok(Some(Topic {
            name,
            category,
            city: None,
            city_label: None,
        }));
    };
    let known = cities(&state.db).await?;
    let label = known.into_iter().find(|(s, _)| *s == city).map(|(_, l)| l);
    if label.is_none() && find_actor(&state.db, &name).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(Topic {
        name,
        category,
        city: Some(city),
        city_label: label,
    }))
}

pub async fn find_actor(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<topic_actor::Model>, DbErr> {
    topic_actor::Entity::find()
        .filter(topic_actor::Column::Name.eq(name))
        .one(db)
        .await
}

/// The actor row of a topic, created (with a new key pair) on first use.
pub async fn ensure_actor(state: &AppState, topic: &Topic) -> AppResult<topic_actor::Model> {
    if let Some(row) = find_actor(&state.db, &topic.name).await? {
        return Ok(row);
    }
    let keys = super::keys::generate().map_err(AppError::Internal)?;
    let inserted = topic_actor::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(topic.name.clone()),
        public_key_pem: Set(keys.public_key),
        private_key_pem: Set(keys.private_key),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await;
    match inserted {
        Ok(row) => Ok(row),
        // Created at the same time by another request: theirs wins.
        Err(e) if crate::db::is_unique_violation(&e) => find_actor(&state.db, &topic.name)
            .await?
            .ok_or_else(|| AppError::not_found("topic")),
        Err(e) => Err(e.into()),
    }
}

/// Resolve a name and make sure its actor exists.
pub async fn lookup(
    state: &AppState,
    name: &str,
) -> AppResult<Option<(Topic, topic_actor::Model)>> {
    let Some(topic) = resolve(state, name).await? else {
        return Ok(None);
    };
    let actor = ensure_actor(state, &topic).await?;
    Ok(Some((topic, actor)))
}

/// The display name: `Health · Lille`.
pub fn display_name(topic: &Topic, lang: &str) -> String {
    let label = taxonomy().label(&topic.category, lang);
    match (&topic.city_label, &topic.city) {
        (Some(l), _) => format!("{label} · {l}"),
        (None, Some(s)) => format!("{label} · {s}"),
        _ => label,
    }
}

pub fn summary(state: &AppState, topic: &Topic, lang: &str) -> String {
    let label = taxonomy().label(&topic.category, lang);
    match (&topic.city_label, &topic.city) {
        (Some(city), _) | (None, Some(city)) => format!(
            "New entries of the {} network in {label} in {city}: services, events and volunteer offers, shared by {}.",
            state.config.instance.name, state.config.instance.name
        ),
        _ => format!(
            "New entries of the {} network in {label}: services, events and volunteer offers, shared by {}.",
            state.config.instance.name, state.config.instance.name
        ),
    }
}

pub fn actor_json(state: &AppState, topic: &Topic, actor: &topic_actor::Model) -> Value {
    let urls = &state.urls;
    let id = urls.topic(&topic.name);
    let lang = state.config.instance.default_language.as_str();
    json!({
        "@context": actor_context(),
        "id": id,
        "type": "Group",
        "preferredUsername": topic.name,
        "name": display_name(topic, lang),
        "summary": text_to_html(&summary(state, topic, lang)),
        "url": id,
        "inbox": urls.topic_inbox(&topic.name),
        "outbox": urls.topic_outbox(&topic.name),
        "followers": urls.topic_followers(&topic.name),
        "endpoints": { "sharedInbox": urls.shared_inbox() },
        "publicKey": {
            "id": format!("{id}#main-key"),
            "owner": id,
            "publicKeyPem": actor.public_key_pem,
        },
        "manuallyApprovesFollowers": false,
        "discoverable": true,
        "indexable": true,
        "published": rfc3339(&actor.created_at),
    })
}

/// Bring the topics' announces of an entry up to date after any change of it, through the
/// delivery queue (in the caller's transaction). A visible, live, federated entry is announced
/// by every existing topic actor it matches, to that topic's followers, once per version (a
/// newer `updated` announces again); the Announce names the entry by its id at its origin. An
/// entry that is no longer shown (deleted, removed by a moderator, waiting for review, no
/// longer federated) has every Announce of it undone (`Undo` of the `Announce`, so a Mastodon
/// follower's timeline drops the boost). Returns how many activities were queued; the caller
/// wakes the delivery worker.
pub async fn announce_entry(
    db: &impl ConnectionTrait,
    state: &AppState,
    row: &entry::Model,
) -> Result<usize, DbErr> {
    if row.moderation_state != VISIBLE || row.deleted_at.is_some() || row.do_not_federate {
        return withdraw_entry(db, state, row).await;
    }
    let names = entry_topics(row);
    if names.is_empty() {
        return Ok(0);
    }
    let actors = topic_actor::Entity::find()
        .filter(topic_actor::Column::Name.is_in(names))
        .order_by_asc(topic_actor::Column::Name)
        .all(db)
        .await?;
    let mut sent = 0;
    for actor in actors {
        let previous = topic_announce::Entity::find()
            .filter(topic_announce::Column::Topic.eq(&actor.name))
            .filter(topic_announce::Column::EntryApId.eq(&row.ap_id))
            .one(db)
            .await?;
        if previous
            .as_ref()
            .is_some_and(|p| p.entry_updated >= row.updated)
        {
            continue;
        }
        let topic_id = state.urls.topic(&actor.name);
        let id = Uuid::now_v7();
        let now = Utc::now();
        let doc = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": state.urls.activity(id),
            "type": "Announce",
            "actor": topic_id,
            "object": row.ap_id,
            "to": [PUBLIC],
            "cc": [state.urls.topic_followers(&actor.name)],
            "audience": topic_id,
            "published": rfc3339(&now),
        });
        let act = super::outbox::store(db, id, &doc, true).await?;
        // Only the topic's own followers: instances that follow this instance get entries
        // from their origin, not relayed by topics.
        let inboxes = super::delivery::follower_inboxes(db, topic_id.as_str()).await?;
        super::delivery::enqueue(db, &act, inboxes, topic_id.as_str()).await?;
        match previous {
            Some(p) => {
                let mut a: topic_announce::ActiveModel = p.into();
                a.entry_updated = Set(row.updated);
                a.activity_id = Set(id);
                a.created_at = Set(now);
                a.update(db).await?;
            }
            None => {
                topic_announce::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    topic: Set(actor.name.clone()),
                    entry_ap_id: Set(row.ap_id.clone()),
                    entry_updated: Set(row.updated),
                    activity_id: Set(id),
                    created_at: Set(now),
                }
                .insert(db)
                .await?;
            }
        }
        sent += 1;
    }
    Ok(sent)
}

/// Visible live entries of a topic, newest first (for its HTML page).
/// Undo every topic Announce of an entry (see [`announce_entry`]).
async fn withdraw_entry(
    db: &impl ConnectionTrait,
    state: &AppState,
    row: &entry::Model,
) -> Result<usize, DbErr> {
    let announced = topic_announce::Entity::find()
        .filter(topic_announce::Column::EntryApId.eq(&row.ap_id))
        .order_by_asc(topic_announce::Column::Topic)
        .all(db)
        .await?;
    let mut sent = 0;
    for a in announced {
        let topic_id = state.urls.topic(&a.topic);
        let followers = state.urls.topic_followers(&a.topic);
        let id = Uuid::now_v7();
        let doc = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": state.urls.activity(id),
            "type": "Undo",
            "actor": topic_id,
            "object": {
                "id": state.urls.activity(a.activity_id),
                "type": "Announce",
                "actor": topic_id,
                "object": row.ap_id,
            },
            "to": [PUBLIC],
            "cc": [followers],
            "published": rfc3339(&Utc::now()),
        });
        let act = super::outbox::store(db, id, &doc, true).await?;
        let inboxes = super::delivery::follower_inboxes(db, topic_id.as_str()).await?;
        super::delivery::enqueue(db, &act, inboxes, topic_id.as_str()).await?;
        topic_announce::Entity::delete_by_id(a.id).exec(db).await?;
        sent += 1;
    }
    Ok(sent)
}

pub async fn matching_entries(
    db: &impl ConnectionTrait,
    topic: &Topic,
    limit: usize,
) -> Result<Vec<entry::Model>, DbErr> {
    let mut q = entry::Entity::find()
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::ModerationState.eq(VISIBLE))
        .filter(entry::Column::Categories.contains(format!("\"{}", topic.category)));
    if topic.city.is_some() {
        q = q.filter(entry::Column::Locality.is_not_null());
    }
    let rows = q
        .order_by_desc(entry::Column::Updated)
        .order_by_desc(entry::Column::Id)
        .limit(2000)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| entry_topics(r).contains(&topic.name))
        .take(limit)
        .collect())
}

/// The topic name in a local actor id (`https://DOMAIN/t/<name>`).
pub fn name_in_id<'a>(state: &AppState, id: &'a str) -> Option<&'a str> {
    let prefix = state.urls.join("t/");
    id.strip_prefix(prefix.as_str())
        .filter(|n| !n.is_empty() && !n.contains('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_slugs() {
        assert_eq!(city_slug("Lille"), "lille");
        assert_eq!(city_slug("Besançon"), "besancon");
        assert_eq!(city_slug("Villeneuve-d'Ascq"), "villeneuve-d-ascq");
        assert_eq!(city_slug("  Saint  Étienne "), "saint-etienne");
        // Other scripts are romanised: handles stay ASCII.
        assert_eq!(city_slug("Київ"), "kiyiv");
        assert_eq!(city_slug("Gießen"), "giessen");
        assert_eq!(city_slug("Łódź"), "lodz");
        assert!(
            city_slug("الدار البيضاء")
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        );
    }

    #[test]
    fn names_split_at_the_longest_category() {
        assert_eq!(split_name("health"), Some(("health".into(), None)));
        assert_eq!(
            split_name("health-lille"),
            Some(("health".into(), Some("lille".into())))
        );
        assert_eq!(
            split_name("mental-health-lille"),
            Some(("mental-health".into(), Some("lille".into())))
        );
        assert_eq!(split_name("health-"), None);
        assert_eq!(split_name("cooking"), None);
        assert_eq!(root_category("health.dental").as_deref(), Some("health"));
        assert_eq!(root_category("nope"), None);
    }
}
