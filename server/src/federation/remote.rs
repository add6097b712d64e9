//! Remote actors, fetched (signed GET by the instance actor) and cached in `remote_actors`
//! through activitypub_federation's `ObjectId::dereference`.
use activitypub_federation::{config::Data, fetch::object_id::ObjectId, traits::Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use url::Url;
use uuid::Uuid;

use crate::{AppState, db::entities::remote_actor, error::AppError, urls::domain_of};

#[derive(Debug, Clone)]
pub struct RemoteActor {
    pub row: remote_actor::Model,
    pub id: Url,
}

impl RemoteActor {
    pub fn new(row: remote_actor::Model) -> Result<RemoteActor, AppError> {
        let id = Url::parse(&row.ap_id)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored actor id: {e}")))?;
        Ok(RemoteActor { row, id })
    }

    pub fn inbox_for_delivery(&self) -> String {
        self.row
            .shared_inbox
            .clone()
            .unwrap_or_else(|| self.row.inbox.clone())
    }
}

impl From<activitypub_federation::error::Error> for AppError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        match e {
            E::NotFound => AppError::NotFound("remote object not found".into()),
            E::ObjectDeleted(u) => AppError::NotFound(format!("remote object {u} was deleted")),
            E::UrlVerificationError(m) => AppError::BadRequest(format!("URL refused: {m}")),
            E::FetchInvalidContentType(u) => {
                AppError::BadRequest(format!("{u} is not served as ActivityPub JSON"))
            }
            E::FetchWrongId(u) => {
                AppError::BadRequest(format!("{u} returned a document with another id"))
            }
            E::RequestLimit => AppError::BadRequest("too many fetches for one request".into()),
            other => AppError::BadRequest(format!("remote fetch failed: {other}")),
        }
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An id that may be given as a string or as an object with `id`.
pub fn id_of(v: &Value) -> Option<&str> {
    v.as_str().or_else(|| v.get("id").and_then(Value::as_str))
}

#[async_trait]
impl Object for RemoteActor {
    type DataType = AppState;
    type Kind = Value;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.row.fetched_at)
    }

    async fn read_from_id(id: Url, data: &Data<AppState>) -> Result<Option<Self>, AppError> {
        Ok(remote_actor::Entity::find()
            .filter(remote_actor::Column::ApId.eq(id.as_str()))
            .one(&data.db)
            .await?
            .map(RemoteActor::new)
            .transpose()?)
    }

    async fn into_json(self, _data: &Data<AppState>) -> Result<Value, AppError> {
        serde_json::from_str(&self.row.raw).map_err(|e| AppError::Internal(e.into()))
    }

    async fn verify(json: &Value, expected: &Url, _data: &Data<AppState>) -> Result<(), AppError> {
        let id =
            str_at(json, "id").ok_or_else(|| AppError::BadRequest("actor without id".into()))?;
        let id =
            Url::parse(id).map_err(|_| AppError::BadRequest("actor id is not a URL".into()))?;
        if domain_of(&id) != domain_of(expected) {
            return Err(AppError::BadRequest(
                "actor id is on another host than its URL".into(),
            ));
        }
        if json.get("inbox").and_then(Value::as_str).is_none() {
            return Err(AppError::BadRequest("not an actor: no inbox".into()));
        }
        let key = json
            .get("publicKey")
            .ok_or_else(|| AppError::BadRequest("actor without publicKey".into()))?;
        let key = match key {
            Value::Array(a) => a.first().cloned().unwrap_or(Value::Null),
            k => k.clone(),
        };
        if str_at(&key, "publicKeyPem").is_none() {
            return Err(AppError::BadRequest(
                "actor key without publicKeyPem".into(),
            ));
        }
        if let Some(owner) = str_at(&key, "owner")
            && owner != id.as_str()
        {
            return Err(AppError::BadRequest(
                "actor key owned by another actor".into(),
            ));
        }
        Ok(())
    }

    async fn from_json(json: Value, data: &Data<AppState>) -> Result<Self, AppError> {
        let bad = |m: &str| AppError::BadRequest(m.to_string());
        let id = str_at(&json, "id")
            .ok_or_else(|| bad("actor without id"))?
            .to_string();
        let url_id = Url::parse(&id).map_err(|_| bad("actor id is not a URL"))?;
        let key = match json.get("publicKey") {
            Some(Value::Array(a)) => a.first().cloned().unwrap_or(Value::Null),
            Some(k) => k.clone(),
            None => Value::Null,
        };
        let pem = rewrap_pem(
            str_at(&key, "publicKeyPem").ok_or_else(|| bad("actor key without publicKeyPem"))?,
        );
        let key_id = str_at(&key, "id")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{id}#main-key"));
        let inbox = str_at(&json, "inbox")
            .ok_or_else(|| bad("actor without inbox"))?
            .to_string();
        Url::parse(&inbox).map_err(|_| bad("actor inbox is not a URL"))?;
        // endpoints.sharedInbox, or at the top level as Discourse sends it.
        let shared = json
            .get("endpoints")
            .and_then(|e| e.get("sharedInbox"))
            .or_else(|| json.get("sharedInbox"))
            .and_then(Value::as_str)
            .filter(|s| Url::parse(s).is_ok())
            .map(str::to_string);
        let now = Utc::now();
        let existing = remote_actor::Entity::find()
            .filter(remote_actor::Column::ApId.eq(&id))
            .one(&data.db)
            .await?;
        let url = match json.get("url") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(v) => v.get("href").and_then(Value::as_str).map(str::to_string),
            None => None,
        };
        let mut model = remote_actor::ActiveModel {
            id: Set(existing.as_ref().map(|e| e.id).unwrap_or_else(Uuid::now_v7)),
            ap_id: Set(id.clone()),
            actor_type: Set(str_at(&json, "type").unwrap_or("Person").to_string()),
            domain: Set(domain_of(&url_id)),
            preferred_username: Set(str_at(&json, "preferredUsername").map(str::to_string)),
            name: Set(str_at(&json, "name").map(str::to_string)),
            inbox: Set(inbox),
            shared_inbox: Set(shared),
            outbox: Set(str_at(&json, "outbox").map(str::to_string)),
            followers_url: Set(str_at(&json, "followers").map(str::to_string)),
            url: Set(url),
            public_key_id: Set(key_id),
            public_key_pem: Set(pem),
            raw: Set(json.to_string()),
            fetched_at: Set(now),
            created_at: Set(existing.as_ref().map(|e| e.created_at).unwrap_or(now)),
        };
        let saved = if existing.is_some() {
            model.update(&data.db).await?
        } else {
            match model.clone().insert(&data.db).await {
                Ok(m) => m,
                Err(e) if crate::db::is_unique_violation(&e) => {
                    // Stored concurrently by another request: update that row.
                    let other = remote_actor::Entity::find()
                        .filter(remote_actor::Column::ApId.eq(&id))
                        .one(&data.db)
                        .await?
                        .ok_or_else(|| {
                            AppError::Internal(anyhow::anyhow!("remote actor vanished"))
                        })?;
                    model.id = Set(other.id);
                    model.created_at = Set(other.created_at);
                    model.update(&data.db).await?
                }
                Err(e) => return Err(e.into()),
            }
        };
        RemoteActor::new(saved)
    }
}

/// A PEM block whose base64 lines are longer than 64 columns (Smithereen sends the whole key on
/// one line), wrapped again at 64 as RFC 7468 parsers require; the key is unchanged. Anything
/// else is kept as sent.
pub fn rewrap_pem(pem: &str) -> String {
    let lines: Vec<&str> = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return pem.to_string();
    };
    if lines.len() < 3 || !first.starts_with("-----BEGIN ") || !last.starts_with("-----END ") {
        return pem.to_string();
    }
    let body = &lines[1..lines.len() - 1];
    if body.iter().all(|l| l.len() <= 64) || body.iter().any(|l| l.contains(':')) {
        return pem.to_string();
    }
    let base64 = body.concat();
    if !base64.is_ascii() {
        return pem.to_string();
    }
    let mut out = format!("{first}\n");
    for chunk in base64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(last);
    out.push('\n');
    out
}

/// Fetch (or read from the cache) a remote actor.
pub async fn dereference(data: &Data<AppState>, id: &Url) -> Result<RemoteActor, AppError> {
    if data.urls.is_local(id) {
        return Err(AppError::BadRequest("that is one of our own actors".into()));
    }
    ObjectId::<RemoteActor>::from(id.clone())
        .dereference(data)
        .await
}

/// Fetch a remote actor again, ignoring the cache (key rotation).
pub async fn refetch(data: &Data<AppState>, id: &Url) -> Result<RemoteActor, AppError> {
    ObjectId::<RemoteActor>::from(id.clone())
        .dereference_forced(data)
        .await
}
