//! Bearer-token authentication for the JSON API.
use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use crate::{
    accounts::{self, Role},
    app::Ctx,
    db::entities::user,
    error::AppError,
};

/// The authenticated user of an API request (401 without a valid token).
pub struct ApiUser(pub user::Model);

impl ApiUser {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.0.role)
    }
    pub fn require_admin(&self) -> Result<(), AppError> {
        match self.role() {
            Some(Role::Admin) => Ok(()),
            _ => Err(AppError::Forbidden("administrators only".into())),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(|(_, m)| AppError::Internal(anyhow::anyhow!(m)))?;
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                AppError::Unauthorized(
                    "an 'Authorization: Bearer <token>' header is required".into(),
                )
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("the Authorization header must be 'Bearer <token>'".into())
            })?;
        let user = accounts::authenticate_token(&ctx.db, token)
            .await?
            .ok_or_else(|| AppError::Unauthorized("invalid or revoked token".into()))?;
        Ok(ApiUser(user))
    }
}

/// The user of an API request when it carries a valid token; `None` without one. An invalid
/// token is still refused (401), so that a client never silently reads as anonymous.
pub struct MaybeApiUser(pub Option<user::Model>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if parts.headers.get(header::AUTHORIZATION).is_none() {
            return Ok(MaybeApiUser(None));
        }
        ApiUser::from_request_parts(parts, state)
            .await
            .map(|u| MaybeApiUser(Some(u.0)))
    }
}
