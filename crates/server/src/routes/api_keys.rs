//! API keys (`/api-keys`): a signed-in person makes keys for their integrations, sees them (never
//! the key again after it was made) and revokes them. Keys cannot manage keys: these routes take
//! a person's session only.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Utc;
use mm_api_types::{
    api_keys::{ApiKey as WireApiKey, ApiKeyRequest},
    error::ErrorBody,
};
use mm_domain::api_key::{ApiKey, ApiKeyToken, NewApiKey, RANDOM_LENGTH};
use rand::{Rng as _, distributions::Alphanumeric};
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    auth::SignedIn,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(revoke);
}

fn to_wire(key: ApiKey, secret: Option<&ApiKeyToken>) -> WireApiKey {
    WireApiKey {
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        scopes: key.scopes.iter().map(|s| s.to_wire()).collect(),
        expires_at: key.expires_utc,
        created_utc: key.created_utc,
        last_used_utc: key.last_used_utc,
        key: secret.map(|k| k.as_str().to_owned()),
    }
}

#[utoipa::path(
    tag = "api-keys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person's keys that are not revoked, newest first; never the key itself", body = Vec<WireApiKey>),
        (status = 401, body = ErrorBody)
    )
)]
#[get("/api-keys")]
async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> ApiResult<web::Json<Vec<WireApiKey>>> {
    let keys = state.store.api_keys_of(signed_in.principal.user_id).await?;
    Ok(web::Json(
        keys.into_iter().map(|k| to_wire(k, None)).collect(),
    ))
}

#[utoipa::path(
    tag = "api-keys",
    request_body = ApiKeyRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The key, with `key` shown this once", body = WireApiKey),
        (status = 400, description = "No name, an unknown scope, an expiry in the past or beyond 366 days", body = ErrorBody),
        (status = 401, body = ErrorBody)
    )
)]
#[post("/api-keys")]
async fn create(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: crate::json::Json<ApiKeyRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let expires = match body.expires_at.as_deref() {
        None => None,
        Some(raw) => Some(wire::parse_instant(raw).map_err(|e| ApiError::field("expires_at", e))?),
    };
    let new =
        NewApiKey::parse(&body.name, &body.scopes, expires, now).map_err(ApiError::Validation)?;
    let random: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(RANDOM_LENGTH)
        .map(char::from)
        .collect();
    let secret = ApiKeyToken::from_random(&random)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a key from random characters")))?;
    let key = state
        .store
        .create_api_key(
            signed_in.principal.user_id,
            &new,
            &secret,
            crate::links::hash(secret.as_str()),
            now,
        )
        .await?;
    tracing::info!(key_id = %key.id, prefix = %key.prefix, "API key made");
    Ok(HttpResponse::Created().json(to_wire(key, Some(&secret))))
}

#[utoipa::path(
    tag = "api-keys",
    params(("key_id" = uuid::Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked: it stops working at once"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No live key of yours (System Managers: of anyone's) has this id", body = ErrorBody)
    )
)]
#[delete("/api-keys/{key_id}")]
async fn revoke(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = super::id(&path, "API key")?;
    let principal = &signed_in.principal;
    // Whose key it must be is part of the statement that revokes it.
    let owner = (!principal.can_administer()).then_some(principal.user_id);
    if !state.store.revoke_api_key(id, owner, Utc::now()).await? {
        return Err(ApiError::NotFound("API key"));
    }
    tracing::info!(key_id = %id, "API key revoked");
    Ok(HttpResponse::NoContent().finish())
}
