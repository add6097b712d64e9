//! Our local actors as ActivityPub documents: organisations (`Organization`) and the instance
//! actor (`Application`, FEP-2677); topic actors (`Group`) are in `federation::topics`.
use activitypub_federation::{
    config::Data,
    traits::{Actor, Object},
};
use async_trait::async_trait;
use serde_json::{Value, json};
use url::Url;

use crate::{
    AppState, db::entities::organization, directory::model::LangMap, error::AppError,
    urls::INSTANCE_ACTOR_USERNAME,
};

/// The JSON-LD context of actor documents: ActivityStreams, security, and the terms Mastodon
/// reads (PropertyValue, discoverable, indexable).
pub fn actor_context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value"
        }
    ])
}

fn property(name: &str, value: String) -> Value {
    json!({ "type": "PropertyValue", "name": name, "value": value })
}

fn escape(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// Plain text to a small HTML paragraph, as fediverse software expects in `summary`.
pub fn text_to_html(s: &str) -> String {
    s.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", escape(p.trim()).replace('\n', "<br>")))
        .collect()
}

pub fn org_summary(org: &organization::Model) -> LangMap {
    serde_json::from_str(&org.summary).unwrap_or_default()
}

pub fn org_languages(org: &organization::Model) -> Vec<String> {
    serde_json::from_str(&org.languages).unwrap_or_default()
}

pub fn org_actor_json(state: &AppState, org: &organization::Model) -> Value {
    let urls = &state.urls;
    let id = urls.org(&org.slug);
    let summary = org_summary(org);
    let summary_html = summary
        .get_best(&[], &org.default_language)
        .map(|(_, t)| text_to_html(t))
        .unwrap_or_default();
    let summary_map: serde_json::Map<String, Value> = summary
        .0
        .iter()
        .map(|(l, t)| (l.clone(), Value::String(text_to_html(t))))
        .collect();
    let mut attachment = Vec::new();
    if let Some(w) = org.website.as_deref().filter(|w| !w.is_empty()) {
        let link = format!(
            "<a href=\"{}\" rel=\"nofollow noopener noreferrer me\" target=\"_blank\">{}</a>",
            html_escape::encode_double_quoted_attribute(w),
            escape(w)
        );
        attachment.push(property("Website", link));
    }
    if let Some(a) = org.address.as_deref().filter(|a| !a.is_empty()) {
        attachment.push(property("Address", escape(a)));
    }
    if let Some(p) = org.phone.as_deref().filter(|p| !p.is_empty()) {
        attachment.push(property("Phone", escape(p)));
    }
    let langs = org_languages(org);
    if !langs.is_empty() {
        attachment.push(property("Languages spoken", langs.join(", ")));
    }
    let mut doc = json!({
        "@context": actor_context(),
        "id": id,
        "type": "Organization",
        "preferredUsername": org.slug,
        "name": org.name,
        "summary": summary_html,
        "url": id,
        "inbox": urls.org_inbox(&org.slug),
        "outbox": urls.org_outbox(&org.slug),
        "followers": urls.org_followers(&org.slug),
        "following": urls.org_following(&org.slug),
        "endpoints": { "sharedInbox": urls.shared_inbox() },
        "publicKey": {
            "id": format!("{id}#main-key"),
            "owner": id,
            "publicKeyPem": org.public_key_pem,
        },
        "manuallyApprovesFollowers": org.manually_approves_followers,
        "discoverable": true,
        "indexable": true,
        "published": org.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "attachment": attachment,
    });
    if !summary_map.is_empty() {
        doc["summaryMap"] = Value::Object(summary_map);
    }
    if let Some(icon) = org.icon_url.as_deref().filter(|i| !i.is_empty()) {
        doc["icon"] = json!({ "type": "Image", "url": icon });
    }
    doc
}

pub fn instance_actor_json(state: &AppState) -> Value {
    let urls = &state.urls;
    let id = urls.instance_actor();
    let mut context = actor_context();
    if let Some(terms) = context
        .as_array_mut()
        .and_then(|a| a.get_mut(2))
        .and_then(Value::as_object_mut)
    {
        terms.insert("pas".into(), json!(crate::federation::objects::NS));
        terms.insert(
            "organizations".into(),
            json!({ "@id": "pas:organizations", "@type": "@id" }),
        );
    }
    json!({
        "@context": context,
        "id": id,
        "type": "Application",
        "preferredUsername": INSTANCE_ACTOR_USERNAME,
        "name": state.config.instance.name,
        "summary": text_to_html(&state.config.instance.description),
        "url": urls.base(),
        "inbox": urls.instance_inbox(),
        "outbox": urls.instance_outbox(),
        "followers": urls.instance_followers(),
        "following": urls.instance_following(),
        "endpoints": { "sharedInbox": urls.shared_inbox() },
        "publicKey": {
            "id": format!("{id}#main-key"),
            "owner": id,
            "publicKeyPem": state.site.public_key_pem,
        },
        "organizations": urls.join("actor/organizations"),
        "manuallyApprovesFollowers": true,
        "discoverable": false,
        "indexable": false,
        "published": state.site.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

/// A local actor that signs what it sends (deliveries, signed fetches).
#[derive(Clone)]
pub struct SigningActor {
    pub id: Url,
    pub inbox: Url,
    pub public_key_pem: String,
    pub private_key_pem: String,
}

/// The private key is never printed.
impl std::fmt::Debug for SigningActor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningActor")
            .field("id", &self.id.as_str())
            .field("inbox", &self.inbox.as_str())
            .finish_non_exhaustive()
    }
}

impl SigningActor {
    pub fn instance(state: &AppState) -> SigningActor {
        SigningActor {
            id: state.urls.instance_actor(),
            inbox: state.urls.instance_inbox(),
            public_key_pem: state.site.public_key_pem.clone(),
            private_key_pem: state.site.private_key_pem.clone(),
        }
    }
    pub fn organization(state: &AppState, org: &organization::Model) -> SigningActor {
        SigningActor {
            id: state.urls.org(&org.slug),
            inbox: state.urls.org_inbox(&org.slug),
            public_key_pem: org.public_key_pem.clone(),
            private_key_pem: org.private_key_pem.clone(),
        }
    }
    pub fn topic(
        state: &AppState,
        topic: &crate::db::entities::topic_actor::Model,
    ) -> SigningActor {
        SigningActor {
            id: state.urls.topic(&topic.name),
            inbox: state.urls.topic_inbox(&topic.name),
            public_key_pem: topic.public_key_pem.clone(),
            private_key_pem: topic.private_key_pem.clone(),
        }
    }
}

#[async_trait]
impl Object for SigningActor {
    type DataType = AppState;
    type Kind = Value;
    type Error = AppError;

    fn id(&self) -> &Url {
        &self.id
    }
    async fn read_from_id(_id: Url, _data: &Data<AppState>) -> Result<Option<Self>, AppError> {
        Ok(None)
    }
    async fn into_json(self, _data: &Data<AppState>) -> Result<Value, AppError> {
        Err(AppError::Internal(anyhow::anyhow!(
            "signing actors are not serialized"
        )))
    }
    async fn verify(
        _json: &Value,
        _expected: &Url,
        _data: &Data<AppState>,
    ) -> Result<(), AppError> {
        Err(AppError::BadRequest("not a remote actor".into()))
    }
    async fn from_json(_json: Value, _data: &Data<AppState>) -> Result<Self, AppError> {
        Err(AppError::BadRequest("not a remote actor".into()))
    }
}

impl Actor for SigningActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }
    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key_pem.clone())
    }
    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}

/// Tell an organisation's followers that its profile changed: an `Update` of its actor
/// document, in the caller's transaction (the caller commits, then wakes the delivery worker).
pub async fn publish_org_update(
    db: &impl sea_orm::ConnectionTrait,
    state: &AppState,
    org: &organization::Model,
) -> Result<(), sea_orm::DbErr> {
    let doc = org_actor_json(state, org);
    super::outbox::publish(
        db,
        state,
        &state.urls.org(&org.slug),
        &state.urls.org_followers(&org.slug),
        "Update",
        doc,
    )
    .await?;
    Ok(())
}
