//! Storage of directory entries. `data` keeps the whole record; the other columns are derived
//! from the record's *public* view, so that listing and filtering never reveal what a location
//! precision hides.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::model::{Entry, Kind};
use crate::db::entities::entry;

/// Moderation states: listed and searchable; reachable by link only; waiting for a moderator;
/// taken down.
pub const VISIBLE: &str = "visible";
pub const LIMITED: &str = "limited";
pub const PENDING_REVIEW: &str = "pending_review";
pub const REMOVED: &str = "removed";

/// Where an entry comes from and how it is addressed.
#[derive(Debug, Clone)]
pub struct Origin {
    pub id: Uuid,
    pub ap_id: String,
    pub url: String,
    pub organization_id: Option<Uuid>,
    pub remote_actor_id: Option<Uuid>,
    pub origin_domain: String,
    pub local: bool,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Columns derived from an entry.
struct Derived {
    status: String,
    search_text: String,
    categories: String,
    languages: String,
    country: Option<String>,
    locality: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    start_time: Option<DateTime<Utc>>,
    end_time: Option<DateTime<Utc>>,
    do_not_federate: bool,
}

fn derive(entry: &Entry) -> Derived {
    let public = entry.public_view();
    let mut text = Vec::new();
    for map in [public.name(), public.description()] {
        for (_, t) in map.iter() {
            text.push(t.to_string());
        }
    }
    let loc = public.primary_location().cloned();
    let (country, locality) = match (&public, &loc) {
        (_, Some(l)) => (l.country.clone(), l.locality.clone()),
        (Entry::Offer(o), None) => (o.area.country.clone(), o.area.locality.clone()),
        _ => (None, None),
    };
    let (start_time, end_time) = match &public {
        Entry::Event(e) => (
            Some(e.start_time.with_timezone(&Utc)),
            Some(e.end_time.with_timezone(&Utc)),
        ),
        _ => (None, None),
    };
    Derived {
        status: public.status_str().to_string(),
        search_text: text.join("\n"),
        categories: serde_json::to_string(public.categories()).unwrap_or_else(|_| "[]".into()),
        languages: serde_json::to_string(public.languages()).unwrap_or_else(|_| "[]".into()),
        country,
        locality,
        latitude: loc.as_ref().and_then(|l| l.latitude),
        longitude: loc.as_ref().and_then(|l| l.longitude),
        start_time,
        end_time,
        do_not_federate: entry.safety().do_not_federate,
    }
}

pub fn parse(row: &entry::Model) -> Result<Entry, DbErr> {
    serde_json::from_str(&row.data)
        .map_err(|e| DbErr::Custom(format!("entry {} has invalid data: {e}", row.id)))
}

fn to_json(entry: &Entry) -> Result<String, DbErr> {
    serde_json::to_string(entry).map_err(|e| DbErr::Custom(e.to_string()))
}

pub async fn insert(
    db: &impl ConnectionTrait,
    origin: Origin,
    entry: &Entry,
) -> Result<entry::Model, DbErr> {
    insert_with_state(db, origin, entry, VISIBLE).await
}

/// As [`insert`], in the given moderation state.
pub async fn insert_with_state(
    db: &impl ConnectionTrait,
    origin: Origin,
    entry: &Entry,
    moderation_state: &str,
) -> Result<entry::Model, DbErr> {
    let d = derive(entry);
    entry::ActiveModel {
        id: Set(origin.id),
        kind: Set(entry.kind().as_str().to_string()),
        ap_id: Set(origin.ap_id),
        url: Set(origin.url),
        organization_id: Set(origin.organization_id),
        remote_actor_id: Set(origin.remote_actor_id),
        origin_domain: Set(origin.origin_domain),
        local: Set(origin.local),
        status: Set(d.status),
        data: Set(to_json(entry)?),
        search_text: Set(d.search_text),
        categories: Set(d.categories),
        languages: Set(d.languages),
        country: Set(d.country),
        locality: Set(d.locality),
        latitude: Set(d.latitude),
        longitude: Set(d.longitude),
        start_time: Set(d.start_time),
        end_time: Set(d.end_time),
        do_not_federate: Set(d.do_not_federate),
        version: Set(1),
        published: Set(origin.published),
        updated: Set(origin.updated),
        deleted_at: Set(None),
        moderation_state: Set(moderation_state.to_string()),
        hsds_id: Set(None),
    }
    .insert(db)
    .await
}

/// Replace the record of an entry (kind unchanged), bumping its version.
pub async fn update(
    db: &impl ConnectionTrait,
    row: entry::Model,
    entry: &Entry,
    updated: DateTime<Utc>,
) -> Result<entry::Model, DbErr> {
    let d = derive(entry);
    let version = row.version + 1;
    let mut a: entry::ActiveModel = row.into();
    a.status = Set(d.status);
    a.data = Set(to_json(entry)?);
    a.search_text = Set(d.search_text);
    a.categories = Set(d.categories);
    a.languages = Set(d.languages);
    a.country = Set(d.country);
    a.locality = Set(d.locality);
    a.latitude = Set(d.latitude);
    a.longitude = Set(d.longitude);
    a.start_time = Set(d.start_time);
    a.end_time = Set(d.end_time);
    a.do_not_federate = Set(d.do_not_federate);
    a.version = Set(version);
    a.updated = Set(updated);
    a.deleted_at = Set(None);
    a.update(db).await
}

pub async fn mark_deleted(
    db: &impl ConnectionTrait,
    row: entry::Model,
) -> Result<entry::Model, DbErr> {
    let now = Utc::now();
    let version = row.version + 1;
    let mut a: entry::ActiveModel = row.into();
    a.deleted_at = Set(Some(now));
    a.updated = Set(now);
    a.version = Set(version);
    a.update(db).await
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<entry::Model>, DbErr> {
    entry::Entity::find_by_id(id).one(db).await
}

pub async fn get_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<entry::Model>, DbErr> {
    entry::Entity::find()
        .filter(entry::Column::ApId.eq(ap_id))
        .one(db)
        .await
}

/// A page of live entries of one kind, local and federated, newest first (stable order).
pub async fn list(
    db: &impl ConnectionTrait,
    kind: Kind,
    page: u64,
    per_page: u64,
) -> Result<(Vec<entry::Model>, u64), DbErr> {
    let q = entry::Entity::find()
        .filter(entry::Column::Kind.eq(kind.as_str()))
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::ModerationState.eq(VISIBLE));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(entry::Column::Updated)
        .order_by_desc(entry::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}
