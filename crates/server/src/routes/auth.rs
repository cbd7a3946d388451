//! `POST /auth/login`, `GET /auth/me`.

use actix_web::{get, post, web};
use mm_api_types::{
    error::ErrorBody,
    users::{LoginRequest, LoginResponse, Me},
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire;
use crate::{
    AppState,
    auth::{Staff, verify_password},
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(me);
}

/// Exchange an email and password for a bearer token.
///
/// An unknown email, a wrong password and a deactivated account all give the same 401.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<web::Json<LoginResponse>> {
    let LoginRequest { email, password } = body.into_inner();
    let found = state.store.user_credentials(&email).await?;
    let (user, hash) = match found {
        Some((user, hash)) if user.is_active => (Some(user), Some(hash)),
        _ => (None, None),
    };
    let valid = verify_password(hash, password).await?;
    let user = user.filter(|_| valid).ok_or(ApiError::InvalidCredentials)?;
    let (access_token, expires_in) = state.tokens.issue(user.id, chrono::Utc::now())?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(web::Json(LoginResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        user: wire::user(&user),
    }))
}

/// The signed-in user, with their roles and departments.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "No or invalid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/auth/me")]
async fn me(state: web::Data<AppState>, Staff(principal): Staff) -> ApiResult<web::Json<Me>> {
    let user = state.store.user(principal.user_id).await?;
    let mut roles = Vec::new();
    if principal.is_system_manager {
        roles.push("system_manager".to_owned());
    }
    if principal.is_leader() {
        roles.push("department_leader".to_owned());
    }
    if !principal.member_of.is_empty() {
        roles.push("department_member".to_owned());
    }
    Ok(web::Json(Me {
        user: wire::user(&user),
        roles,
        leads_department_ids: principal.leads.iter().map(ToString::to_string).collect(),
        member_department_ids: principal
            .member_of
            .iter()
            .map(ToString::to_string)
            .collect(),
    }))
}
