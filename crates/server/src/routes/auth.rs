//! `POST /auth/login`, `POST /auth/logout`, `GET /auth/me`.
//!
//! Sign-ins are throttled per account and per client network (see `throttle`): each attempt
//! counts before its password is checked, and a right password gives the counts back. Past a
//! limit the answer is 429 with `Retry-After`, and no hash is computed.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use mm_api_types::{
    StaffRole,
    error::ErrorBody,
    users::{LoginRequest, LoginResponse, Me},
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire;
use crate::{
    AppState,
    auth::{SignedIn, Staff, TokenSubject, verify_password},
    client_ip::client_network,
    error::{ApiError, ApiResult},
    throttle,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(logout).service(me);
}
/// Longer than any password we accept: not worth a hash.
const LONGEST_PASSWORD_BYTES: usize = 1024;

/// Exchange an email and password for a bearer token.
///
/// An unknown email, a wrong password and a deactivated account all give the same 401. After
/// too many failures for one account or from one network in 15 minutes, 429 with `Retry-After`
/// (a successful sign-in clears its account's count).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many failed sign-ins for this account or from this network; see `Retry-After`", body = ErrorBody),
        (status = 503, description = "`busy`: too many passwords being checked at once; see `Retry-After`", body = ErrorBody),
    )
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: crate::json::Json<LoginRequest>,
) -> ApiResult<web::Json<LoginResponse>> {
    let now = Utc::now();
    let LoginRequest { email, password } = body.into_inner();
    let account: String = email.trim().to_lowercase().chars().take(320).collect();
    let network = client_network(&request, &state.config.trusted_proxies);
    let attempt = throttle::sign_in_attempt(&state, &account, &network).await?;
    let found = state.store.user_credentials(&account).await?;
    let (user, hash) = match found {
        Some((user, hash)) if user.is_active => (Some(user), Some(hash)),
        _ => (None, None),
    };
    let valid = password.len() <= LONGEST_PASSWORD_BYTES && verify_password(hash, password).await?;
    let user = user.filter(|_| valid).ok_or_else(|| {
        tracing::info!("sign-in failed");
        metrics::counter!("mm_sign_ins_failed_total").increment(1);
        ApiError::InvalidCredentials
    })?;
    throttle::sign_in_succeeded(&state, attempt).await?;
    let subject = TokenSubject {
        user_id: user.id,
        session_id: uuid::Uuid::new_v4(),
    };
    state
        .store
        .open_session(
            subject.user_id,
            subject.session_id,
            now,
            now + state.tokens.ttl(),
        )
        .await?;
    let (access_token, expires_in) = state.tokens.issue(subject, now)?;
    tracing::info!(user_id = %user.id, "signed in");
    Ok(web::Json(LoginResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        user: wire::user(&user),
    }))
}

/// Whether `password` is the current password of the account `email`, counted like a sign-in:
/// a stolen session must not become a way to guess the password it does not know.
pub(super) async fn check_own_password(
    state: &AppState,
    email: &str,
    password: String,
) -> ApiResult<bool> {
    let account = email.to_lowercase();
    throttle::own_password_attempt(state, &account).await?;
    let hash = state
        .store
        .user_credentials(&account)
        .await?
        .map(|(_, hash)| hash);
    let right = password.len() <= LONGEST_PASSWORD_BYTES && verify_password(hash, password).await?;
    if right {
        throttle::own_password_right(state, &account).await?;
    }
    Ok(right)
}

/// Sign out: the token stops working at once, everywhere.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No or invalid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/auth/logout")]
async fn logout(state: web::Data<AppState>, session: SignedIn) -> ApiResult<HttpResponse> {
    state.store.end_session(session.session_id).await?;
    tracing::info!(user_id = %session.principal.user_id, "signed out");
    Ok(HttpResponse::NoContent().finish())
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
        roles.push(StaffRole::SystemManager);
    }
    if principal.is_leader() {
        roles.push(StaffRole::DepartmentLeader);
    }
    if !principal.member_of.is_empty() {
        roles.push(StaffRole::DepartmentMember);
    }
    Ok(web::Json(Me {
        user: wire::user(&user),
        roles,
        leads_department_ids: principal.leads.iter().copied().collect(),
        member_department_ids: principal.member_of.iter().copied().collect(),
        default_language: state.config.default_language.code().to_owned(),
    }))
}
