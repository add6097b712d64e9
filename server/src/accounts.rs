//! Organisations, staff accounts and API tokens: the administration that the CLI and the API
//! share.
use anyhow::Context;
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    db::entities::{api_token, organization, user},
    directory::model::LangMap,
    error::{AppError, AppResult},
    urls::RESERVED_SLUGS,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Moderator,
    Editor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
            Role::Editor => "editor",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "moderator" => Some(Role::Moderator),
            "editor" => Some(Role::Editor),
            _ => None,
        }
    }
}

/// What a new organisation needs; everything else has defaults.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewOrganization {
    pub slug: String,
    pub name: String,
    pub summary: LangMap,
    pub default_language: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub languages: Vec<String>,
    pub icon_url: Option<String>,
    pub manually_approves_followers: bool,
}

/// A slug is what appears in `@slug@domain`: lower-case letters, digits, `-` and `_`.
pub fn check_slug(slug: &str) -> Result<(), String> {
    let ok_chars = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if slug.is_empty() || slug.len() > 64 {
        return Err("must be 1 to 64 characters".into());
    }
    if !ok_chars {
        return Err("may only contain lower-case letters a-z, digits, '-' and '_'".into());
    }
    if !slug
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Err("must start with a letter or a digit".into());
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(format!("{slug:?} is reserved"));
    }
    // Top-level category codes name topic actors (`@health@DOMAIN`).
    if crate::directory::taxonomy::taxonomy().is_category(slug) {
        return Err(format!("{slug:?} is reserved for a topic feed"));
    }
    Ok(())
}

pub async fn create_organization(
    db: &DatabaseConnection,
    new: NewOrganization,
    instance_default_language: &str,
) -> AppResult<organization::Model> {
    let mut errors = Vec::new();
    if let Err(m) = check_slug(&new.slug) {
        errors.push(crate::directory::validate::FieldError {
            field: "slug".into(),
            message: m,
        });
    }
    if new.name.trim().is_empty() || new.name.chars().count() > 200 {
        errors.push(crate::directory::validate::FieldError {
            field: "name".into(),
            message: "must be 1 to 200 characters".into(),
        });
    }
    let default_language = new
        .default_language
        .clone()
        .unwrap_or_else(|| instance_default_language.to_string());
    if language_tags::LanguageTag::parse(&default_language).is_err() {
        errors.push(crate::directory::validate::FieldError {
            field: "default_language".into(),
            message: format!("{default_language:?} is not a BCP-47 language tag"),
        });
    }
    for (i, l) in new.languages.iter().enumerate() {
        if language_tags::LanguageTag::parse(l).is_err() {
            errors.push(crate::directory::validate::FieldError {
                field: format!("languages[{i}]"),
                message: format!("{l:?} is not a BCP-47 language tag"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if find_org(db, &new.slug).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "an organisation with slug {:?} exists already",
            new.slug
        )));
    }
    let keys = crate::federation::keys::generate()?;
    let now = Utc::now();
    let row = organization::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(new.slug.clone()),
        name: Set(new.name.trim().to_string()),
        summary: Set(serde_json::to_string(&new.summary).context("summary")?),
        default_language: Set(default_language),
        website: Set(new.website),
        email: Set(new.email),
        phone: Set(new.phone),
        address: Set(new.address),
        languages: Set(serde_json::to_string(&new.languages).context("languages")?),
        icon_url: Set(new.icon_url),
        manually_approves_followers: Set(new.manually_approves_followers),
        public_key_pem: Set(keys.public_key),
        private_key_pem: Set(keys.private_key),
        created_at: Set(now),
        updated_at: Set(now),
    };
    row.insert(db).await.map_err(|e| {
        if crate::db::is_unique_violation(&e) {
            AppError::Conflict(format!(
                "an organisation with slug {:?} exists already",
                new.slug
            ))
        } else {
            e.into()
        }
    })
}

pub async fn find_org(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<organization::Model>> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_org_by_id(
    db: &DatabaseConnection,
    id: Uuid,
) -> AppResult<Option<organization::Model>> {
    Ok(organization::Entity::find_by_id(id).one(db).await?)
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random secret of 32 bytes, URL-safe base64.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub async fn create_user(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    role: Role,
    org_slug: Option<&str>,
) -> AppResult<user::Model> {
    let email = email.trim().to_lowercase();
    let mut errors = Vec::new();
    let at = email.find('@');
    if at.is_none_or(|i| i == 0 || i == email.len() - 1) || email.contains(char::is_whitespace) {
        errors.push(crate::directory::validate::FieldError {
            field: "email".into(),
            message: format!("{email:?} is not an email address"),
        });
    }
    if password.chars().count() < 10 {
        errors.push(crate::directory::validate::FieldError {
            field: "password".into(),
            message: "must be at least 10 characters".into(),
        });
    }
    let org = match org_slug {
        Some(slug) => match find_org(db, slug).await? {
            Some(o) => Some(o),
            None => {
                errors.push(crate::directory::validate::FieldError {
                    field: "org".into(),
                    message: format!("no organisation with slug {slug:?}"),
                });
                None
            }
        },
        None => None,
    };
    if role == Role::Editor && org_slug.is_none() {
        errors.push(crate::directory::validate::FieldError {
            field: "org".into(),
            message: "an editor belongs to an organisation: give --org <slug>".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "a user with email {email:?} exists already"
        )));
    }
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.clone()),
        password_hash: Set(hash_password(password)?),
        role: Set(role.as_str().to_string()),
        organization_id: Set(org.map(|o| o.id)),
        created_at: Set(Utc::now()),
        disabled_at: Set(None),
    };
    Ok(row.insert(db).await?)
}

/// Replace a user's password; every web session of the user ends.
pub async fn set_password(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> AppResult<user::Model> {
    use crate::db::entities::staff_session;
    if password.chars().count() < 10 {
        return Err(AppError::field(
            "password",
            "must be at least 10 characters",
        ));
    }
    let user = find_user(db, email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user with email {email:?}")))?;
    let id = user.id;
    let mut a: user::ActiveModel = user.into();
    a.password_hash = Set(hash_password(password)?);
    let user = a.update(db).await?;
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::UserId.eq(id))
        .exec(db)
        .await?;
    Ok(user)
}

pub async fn find_user(db: &DatabaseConnection, email: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Create an API token for a user; the token itself is returned once and only its hash kept.
pub async fn create_token(db: &DatabaseConnection, email: &str) -> AppResult<String> {
    let user = find_user(db, email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user with email {email:?}")))?;
    let token = format!("psl_{}", random_secret());
    let row = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    };
    row.insert(db).await?;
    Ok(token)
}

/// Revoke one token (given the token) or every token of a user (given an email).
pub async fn revoke_tokens(db: &DatabaseConnection, token_or_email: &str) -> AppResult<u64> {
    let now = Utc::now();
    let rows = if token_or_email.contains('@') {
        let user = find_user(db, token_or_email)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no user with email {token_or_email:?}")))?;
        api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user.id))
            .filter(api_token::Column::RevokedAt.is_null())
            .all(db)
            .await?
    } else {
        api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash(token_or_email.trim())))
            .filter(api_token::Column::RevokedAt.is_null())
            .all(db)
            .await?
    };
    if rows.is_empty() {
        return Err(AppError::NotFound("no active token matches".into()));
    }
    let n = rows.len() as u64;
    for t in rows {
        let mut a: api_token::ActiveModel = t.into();
        a.revoked_at = Set(Some(now));
        a.update(db).await?;
    }
    Ok(n)
}

/// The user a bearer token belongs to, if the token is valid and not revoked.
pub async fn authenticate_token(
    db: &DatabaseConnection,
    token: &str,
) -> AppResult<Option<user::Model>> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let user = user::Entity::find_by_id(t.user_id)
        .one(db)
        .await?
        .filter(|u| u.disabled_at.is_none());
    let mut a: api_token::ActiveModel = t.into();
    a.last_used_at = Set(Some(Utc::now()));
    a.update(db).await?;
    Ok(user)
}

/// Whether `user` may publish for organisation `org_id`: administrators for any, editors and
/// moderators for their own organisation.
pub fn may_publish_for(user: &user::Model, org_id: Uuid) -> bool {
    match Role::parse(&user.role) {
        Some(Role::Admin) => true,
        Some(_) => user.organization_id == Some(org_id),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Administration with an audit trail: the web pages, the CLI and any API call these, and each
// writes what it did to the moderation log (who, what, when, why).
// ---------------------------------------------------------------------------------------------

use crate::moderation::log::{self as modlog, Who};

fn log_err(e: sea_orm::DbErr) -> AppError {
    e.into()
}

/// Create a staff account and log it.
pub async fn create_user_logged(
    db: &DatabaseConnection,
    who: &Who,
    email: &str,
    password: &str,
    role: Role,
    org_slug: Option<&str>,
    reason: Option<&str>,
) -> AppResult<user::Model> {
    let user = create_user(db, email, password, role, org_slug).await?;
    modlog::record(
        db,
        who,
        "user.create",
        &user.email,
        reason,
        serde_json::json!({ "user_id": user.id, "role": user.role, "organization": org_slug }),
    )
    .await
    .map_err(log_err)?;
    Ok(user)
}

/// Change a user's role (and organisation) and log it with the previous values. An editor
/// needs an organisation; `org_slug` `None` keeps the current one, `Some("")` removes it.
pub async fn set_role(
    db: &DatabaseConnection,
    who: &Who,
    email: &str,
    role: Role,
    org_slug: Option<&str>,
    reason: Option<&str>,
) -> AppResult<user::Model> {
    let user = find_user(db, email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user with email {email:?}")))?;
    let org_id = match org_slug {
        None => user.organization_id,
        Some("") => None,
        Some(slug) => Some(
            find_org(db, slug)
                .await?
                .ok_or_else(|| {
                    AppError::field("org", format!("no organisation with slug {slug:?}"))
                })?
                .id,
        ),
    };
    if role == Role::Editor && org_id.is_none() {
        return Err(AppError::field(
            "org",
            "an editor belongs to an organisation: choose one",
        ));
    }
    let (old_role, old_org) = (user.role.clone(), user.organization_id);
    if old_role == role.as_str() && old_org == org_id {
        return Ok(user);
    }
    let org_name = |id: Option<Uuid>| async move {
        match id {
            Some(id) => find_org_by_id(db, id).await.ok().flatten().map(|o| o.slug),
            None => None,
        }
    };
    let (old_slug, new_slug) = (org_name(old_org).await, org_name(org_id).await);
    let mut a: user::ActiveModel = user.into();
    a.role = Set(role.as_str().to_string());
    a.organization_id = Set(org_id);
    let user = a.update(db).await?;
    modlog::record(
        db,
        who,
        "user.role_change",
        &user.email,
        reason,
        serde_json::json!({
            "user_id": user.id,
            "from": { "role": old_role, "organization": old_slug },
            "to": { "role": user.role, "organization": new_slug },
        }),
    )
    .await
    .map_err(log_err)?;
    Ok(user)
}

/// Disable (or enable again) an account: a disabled one cannot sign in nor use its tokens,
/// and its web sessions end at once.
pub async fn set_disabled(
    db: &DatabaseConnection,
    who: &Who,
    email: &str,
    disabled: bool,
    reason: Option<&str>,
) -> AppResult<user::Model> {
    use crate::db::entities::staff_session;
    let user = find_user(db, email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user with email {email:?}")))?;
    if disabled && user.email == who.email {
        return Err(AppError::field(
            "email",
            "you cannot disable your own account",
        ));
    }
    let id = user.id;
    let mut a: user::ActiveModel = user.into();
    a.disabled_at = Set(disabled.then(Utc::now));
    let user = a.update(db).await?;
    if disabled {
        staff_session::Entity::delete_many()
            .filter(staff_session::Column::UserId.eq(id))
            .exec(db)
            .await?;
    }
    modlog::record(
        db,
        who,
        if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        &user.email,
        reason,
        serde_json::json!({ "user_id": user.id }),
    )
    .await
    .map_err(log_err)?;
    Ok(user)
}

/// Delete an account with its sessions and tokens (the moderation log keeps its history).
pub async fn delete_user(
    db: &DatabaseConnection,
    who: &Who,
    email: &str,
    reason: Option<&str>,
) -> AppResult<()> {
    use crate::db::entities::staff_session;
    use sea_orm::TransactionTrait;
    let user = find_user(db, email)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no user with email {email:?}")))?;
    if user.email == who.email {
        return Err(AppError::field(
            "email",
            "you cannot delete your own account",
        ));
    }
    let txn = db.begin().await?;
    staff_session::Entity::delete_many()
        .filter(staff_session::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    user::Entity::delete_by_id(user.id).exec(&txn).await?;
    modlog::record(
        &txn,
        who,
        "user.delete",
        &user.email,
        reason,
        serde_json::json!({ "user_id": user.id, "role": user.role }),
    )
    .await
    .map_err(log_err)?;
    txn.commit().await?;
    Ok(())
}

/// Set a new password for someone else (their web sessions end) and log it (not the password).
pub async fn reset_password(
    db: &DatabaseConnection,
    who: &Who,
    email: &str,
    password: &str,
) -> AppResult<user::Model> {
    let user = set_password(db, email, password).await?;
    modlog::record(
        db,
        who,
        "user.password_reset",
        &user.email,
        None,
        serde_json::json!({ "user_id": user.id }),
    )
    .await
    .map_err(log_err)?;
    Ok(user)
}

/// Create an organisation and log it.
pub async fn create_organization_logged(
    db: &DatabaseConnection,
    who: &Who,
    new: NewOrganization,
    instance_default_language: &str,
) -> AppResult<organization::Model> {
    let org = create_organization(db, new, instance_default_language).await?;
    modlog::record(
        db,
        who,
        "organization.create",
        &org.slug,
        None,
        serde_json::json!({ "organization_id": org.id, "name": org.name }),
    )
    .await
    .map_err(log_err)?;
    Ok(org)
}

/// The basic fields of an organisation an administrator edits.
#[derive(Debug, Clone, Default)]
pub struct OrganizationBasics {
    pub name: String,
    /// The summary in the organisation's default language (other languages are kept).
    pub summary: String,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub manually_approves_followers: bool,
}

/// Update an organisation's basic fields and log which ones changed.
pub async fn update_organization_basics(
    db: &DatabaseConnection,
    who: &Who,
    slug: &str,
    b: OrganizationBasics,
) -> AppResult<organization::Model> {
    let org = find_org(db, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no organisation with slug {slug:?}")))?;
    let mut errors = Vec::new();
    if b.name.trim().is_empty() || b.name.chars().count() > 200 {
        errors.push(crate::directory::validate::FieldError::new(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    if b.summary.chars().count() > 2000 {
        errors.push(crate::directory::validate::FieldError::new(
            "summary",
            "at most 2000 characters",
        ));
    }
    if let Some(w) = &b.website
        && !url::Url::parse(w).is_ok_and(|u| u.scheme() == "https" || u.scheme() == "http")
    {
        errors.push(crate::directory::validate::FieldError::new(
            "website",
            "must be an http or https address",
        ));
    }
    if let Some(e) = &b.email
        && (!e.contains('@') || e.contains(char::is_whitespace))
    {
        errors.push(crate::directory::validate::FieldError::new(
            "email",
            "is not an email address",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut summary: LangMap = serde_json::from_str(&org.summary).unwrap_or_default();
    let lang = org.default_language.clone();
    if b.summary.trim().is_empty() {
        summary.0.remove(&lang);
    } else {
        summary.insert(&lang, b.summary.trim());
    }
    let mut changed = Vec::new();
    let name = b.name.trim().to_string();
    if name != org.name {
        changed.push("name");
    }
    let summary_json = serde_json::to_string(&summary).context("summary")?;
    if summary_json != org.summary {
        changed.push("summary");
    }
    for (field, old, new) in [
        ("website", &org.website, &b.website),
        ("email", &org.email, &b.email),
        ("phone", &org.phone, &b.phone),
        ("address", &org.address, &b.address),
    ] {
        if old != new {
            changed.push(field);
        }
    }
    if org.manually_approves_followers != b.manually_approves_followers {
        changed.push("manually_approves_followers");
    }
    if changed.is_empty() {
        return Ok(org);
    }
    let mut a: organization::ActiveModel = org.into();
    a.name = Set(name);
    a.summary = Set(summary_json);
    a.website = Set(b.website);
    a.email = Set(b.email);
    a.phone = Set(b.phone);
    a.address = Set(b.address);
    a.manually_approves_followers = Set(b.manually_approves_followers);
    a.updated_at = Set(Utc::now());
    let org = a.update(db).await?;
    modlog::record(
        db,
        who,
        "organization.update",
        &org.slug,
        None,
        serde_json::json!({ "organization_id": org.id, "changed": changed }),
    )
    .await
    .map_err(log_err)?;
    Ok(org)
}
