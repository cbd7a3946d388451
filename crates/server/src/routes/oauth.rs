//! Connecting Google and Outlook calendars: OAuth 2.0 authorization code with PKCE. A member
//! starts (signed in), consents at the provider, and the provider sends their browser back to the
//! callback with a single-use `state` that says who started it. The tokens are sealed before
//! they are stored, the calendar is read once, and the browser lands on the calendar page.
//!
//! A consent can be finished only in the browser that started it: the start sets a short-lived
//! HttpOnly cookie whose hash the consent keeps, and the callback compares them. Without that,
//! anyone could start a connection, send the consent link to a colleague, and have the
//! colleague's calendar connected to the sender's account.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieAge},
    get,
    http::header,
    web,
};
use chrono::Utc;
use mm_api_types::{
    error::ErrorBody,
    integrations::{CalendarProviders, OAuthStart},
};
use mm_calendars::oauth::{Pkce, new_state};
use mm_domain::external_calendar::IntegrationKind;
use mm_store::{Consent, NewOAuthIntegration};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    AppState,
    auth::Staff,
    calendar_sync,
    client_ip::client_network,
    error::{ApiError, ApiResult},
    links,
    providers::{Provider, redirect_uri},
    throttle,
};

/// The cookie that ties a consent to the browser that started it.
const BROWSER_COOKIE: &str = "mm_oauth_browser";
/// Where the browser sends it: the OAuth routes only.
const COOKIE_PATH: &str = "/api/v1/oauth";

/// The browser's cookie secret, if it sent a plausible one.
fn browser_secret(request: &HttpRequest) -> Option<String> {
    request
        .cookie(BROWSER_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| {
            (32..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(providers).service(start).service(callback);
}

/// How long a member has to consent at the provider.
fn consent_time() -> chrono::Duration {
    chrono::Duration::minutes(15)
}

/// Where the browser lands after a connection, successful or not.
const CALENDAR_PAGE: &str = "/admin/calendars";

/// A provider named in a path: `google` or `outlook`.
fn provider_kind(raw: &str) -> ApiResult<IntegrationKind> {
    match raw.parse::<IntegrationKind>() {
        Ok(kind) if kind.can_write() => Ok(kind),
        _ => Err(ApiError::NotFound("calendar provider")),
    }
}

fn configured(state: &AppState, kind: IntegrationKind) -> ApiResult<&Provider> {
    state.providers.get(kind).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "{kind} calendars are not configured on this server (see the README's External calendars section)"
        ))
    })
}

/// Which calendar providers members can connect here.
#[utoipa::path(
    tag = "calendars",
    responses((status = 200, body = CalendarProviders), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/oauth/providers")]
async fn providers(state: web::Data<AppState>, Staff(_me): Staff) -> web::Json<CalendarProviders> {
    web::Json(CalendarProviders {
        google: state.providers.get(IntegrationKind::Google).is_some(),
        outlook: state.providers.get(IntegrationKind::Outlook).is_some(),
    })
}

/// Start connecting your Google or Outlook calendar: redirects (302) to the provider's consent
/// page; with `Accept: application/json` answers `{authorization_url}` instead, for browser apps
/// that sent their token in a header.
#[utoipa::path(
    tag = "calendars",
    params(("provider" = String, Path, description = "`google` or `outlook`", pattern = "^(google|outlook)$")),
    responses(
        (status = 302, description = "to the provider's consent page"),
        (status = 200, body = OAuthStart),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
#[get("/oauth/{provider}/start")]
async fn start(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    request: HttpRequest,
) -> ApiResult<HttpResponse> {
    let kind = provider_kind(&path)?;
    let provider = configured(&state, kind)?;
    let pkce = Pkce::new();
    // A browser connecting two calendars keeps one secret for both.
    let secret = browser_secret(&request).unwrap_or_else(new_state);
    let consent = mm_store::OAuthStart {
        state: new_state(),
        user_id: me.user_id,
        provider: kind,
        pkce_verifier: pkce.verifier.clone(),
        browser_hash: links::hash(&secret),
    };
    state
        .store
        .begin_oauth(&consent, Utc::now(), consent_time())
        .await?;
    let url = provider
        .oauth
        .authorization_url(
            &redirect_uri(&state.public_base_url, kind),
            &consent.state,
            &pkce,
        )
        .to_string();
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let cookie = Cookie::build(BROWSER_COOKIE, secret)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.public_base_url.starts_with("https://"))
        .max_age(CookieAge::minutes(consent_time().num_minutes()))
        .finish();
    Ok(if wants_json {
        HttpResponse::Ok().cookie(cookie).json(OAuthStart {
            authorization_url: url,
        })
    } else {
        HttpResponse::Found()
            .cookie(cookie)
            .insert_header((header::LOCATION, url))
            .finish()
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    /// The provider's refusal (`access_denied` when the person declined).
    error: Option<String>,
}

/// Where the provider sends the member back. Always redirects to the calendar page: with
/// `?connected=<id>` once the calendar is connected and read, or `?connect_error=<reason>`.
#[utoipa::path(
    tag = "calendars",
    params(("provider" = String, Path), CallbackQuery),
    responses(
        (status = 302, description = "to the staff app's calendar page"),
        (status = 404, body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many unknown states from this network", body = ErrorBody)
    )
)]
#[get("/oauth/{provider}/callback")]
async fn callback(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> ApiResult<HttpResponse> {
    let kind = provider_kind(&path)?;
    let network = client_network(&request, &state.config.trusted_proxies);
    throttle::refuse_link_guessers(&state, &network).await?;
    let consent = match query.state.as_deref() {
        Some(raw) if raw.len() <= 200 => {
            let browser = browser_secret(&request).map(|s| links::hash(&s));
            state
                .store
                .take_oauth_state(raw, browser.as_deref(), Utc::now())
                .await?
        }
        _ => Consent::Unknown,
    };
    let consent = match consent {
        Consent::Taken(consent) if consent.provider == kind => Ok(consent),
        Consent::OtherBrowser => {
            throttle::count_unknown_link(&state, &network).await?;
            Err("finish connecting the calendar in the browser you started in".to_owned())
        }
        _ => {
            throttle::count_unknown_link(&state, &network).await?;
            Err("this link has expired or was already used; connect the calendar again".to_owned())
        }
    };
    let destination = match async { connect(&state, kind, consent?, &query).await }.await {
        Ok(integration_id) => format!("{CALENDAR_PAGE}?connected={integration_id}"),
        Err(reason) => {
            tracing::warn!(provider = %kind, %reason, "connecting a calendar failed");
            let mut url = url::Url::parse("http://x/").map_err(anyhow::Error::from)?;
            url.query_pairs_mut().append_pair("connect_error", &reason);
            format!("{CALENDAR_PAGE}?{}", url.query().unwrap_or_default())
        }
    };
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, destination))
        .finish())
}

/// Finishes a connection the browser started; the error is a sentence for the member.
async fn connect(
    state: &AppState,
    kind: IntegrationKind,
    consent: mm_store::OAuthStart,
    query: &CallbackQuery,
) -> Result<uuid::Uuid, String> {
    let provider = configured(state, kind).map_err(|e| e.to_string())?;
    let now = Utc::now();
    if let Some(error) = &query.error {
        return Err(match error.as_str() {
            "access_denied" => format!("{kind} access was not granted"),
            other => format!("{kind} refused the connection ({other})"),
        });
    }
    let code = query
        .code
        .as_deref()
        .ok_or(format!("{kind} sent no authorization code"))?;
    let tokens = provider
        .oauth
        .exchange_code(
            &state.providers.http,
            code,
            &consent.pkce_verifier,
            &redirect_uri(&state.public_base_url, kind),
        )
        .await
        .map_err(|e| format!("{kind} refused the connection: {e}"))?;
    let calendar = provider
        .api
        .primary_calendar(&state.providers.http, &tokens.access_token)
        .await
        .map_err(|e| format!("reading your {kind} calendar failed: {e}"))?;
    let sealed = state
        .providers
        .seal(&tokens, now)
        .map_err(|e| e.to_string())?;
    let integration = state
        .store
        .connect_oauth_integration(
            &NewOAuthIntegration {
                user_id: consent.user_id,
                kind,
                name: calendar.summary.unwrap_or_else(|| calendar.id.clone()),
                calendar_id: calendar.id,
                tokens: sealed,
            },
            now,
        )
        .await
        .map_err(|e| e.to_string())?;
    // The first read now, so the member sees at once what was brought in.
    if let Ok(Some(job)) = state
        .store
        .claim_sync_now(integration.id, Utc::now(), calendar_sync::lease())
        .await
    {
        let _ = calendar_sync::sync(state, job).await;
    }
    Ok(integration.id)
}
