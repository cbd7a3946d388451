//! Calendar connections: a member subscribes to iCal feeds (Google and Outlook connect through
//! OAuth), sees how each syncs, syncs one now, and disconnects it.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use mm_api_types::{
    Page,
    error::ErrorBody,
    integrations::{
        CalendarIntegration, CalendarIntegrationChanges, NewCalendarIntegration, SyncResult,
    },
};
use mm_domain::{
    FieldErrors, Principal,
    external_calendar::{IntegrationKind, SyncDirection, SyncStatus},
    required_text,
};
use mm_store::{Integration, NewIcalIntegration};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{id, wire::ToWire as _};
use crate::{
    AppState,
    auth::Staff,
    calendar_sync,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_integrations)
        .service(create_integration)
        .service(change_integration)
        .service(delete_integration)
        .service(sync_integration);
}

/// Leaders see their members' connections; only the owner (or a System Manager) changes them.
async fn authorize(state: &AppState, me: &Principal, user_id: Uuid, write: bool) -> ApiResult<()> {
    if write {
        return if me.can_connect_calendar(user_id) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only the calendar's owner or a System Manager may change calendar connections",
            ))
        };
    }
    let departments = state.store.departments_of(user_id).await?;
    if me.can_read_member_settings(user_id, &departments) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "you may only see your own calendar connections",
        ))
    }
}

fn wire(integration: &Integration) -> CalendarIntegration {
    CalendarIntegration {
        id: integration.id,
        user_id: integration.user_id,
        integration_type: integration.kind.to_wire(),
        integration_name: integration.name.clone(),
        is_active: integration.is_active,
        source: match integration.kind {
            IntegrationKind::Ical => integration.ical_url.as_deref().and_then(feed_host),
            _ => integration.calendar_id.clone(),
        },
        sync_direction: integration.direction.to_wire(),
        last_sync_utc: integration.last_sync_utc.map(super::wire::utc),
        sync_status: integration.status.to_wire(),
        sync_error: integration.last_error.clone(),
        events_synced: integration.events,
        created_utc: super::wire::utc(integration.created_utc),
    }
}

/// The host of a feed URL: enough to recognise it, none of its secret path.
fn feed_host(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
}

/// A user's calendar connections with their sync status.
#[utoipa::path(
    tag = "calendars",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = Page<CalendarIntegration>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/users/{user_id}/calendar-integrations")]
async fn list_integrations(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<Page<CalendarIntegration>>> {
    let user_id = id(&path, "user")?;
    authorize(&state, &me, user_id, false).await?;
    state.store.user(user_id).await?;
    let items: Vec<_> = state
        .store
        .integrations_of(user_id)
        .await?
        .iter()
        .map(wire)
        .collect();
    Ok(web::Json(Page::whole(items)))
}

/// Subscribe to an iCal feed (read-only). The feed is read once before the answer, so a URL
/// that does not serve a calendar is refused at once; later syncs run every few minutes.
#[utoipa::path(
    tag = "calendars",
    params(("user_id" = Uuid, Path)),
    request_body = NewCalendarIntegration,
    responses((status = 201, body = CalendarIntegration), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/users/{user_id}/calendar-integrations")]
async fn create_integration(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<NewCalendarIntegration>,
) -> ApiResult<HttpResponse> {
    let user_id = id(&path, "user")?;
    authorize(&state, &me, user_id, true).await?;
    state.store.user(user_id).await?;
    let new = parse(&state, user_id, &body)?;
    let created = state
        .store
        .create_ical_integration(&new, chrono::Utc::now())
        .await?;
    // The first sync now: the member sees at once whether the feed works.
    let created = match state
        .store
        .claim_sync_now(created.id, chrono::Utc::now(), calendar_sync::lease())
        .await?
    {
        Some(job) => {
            let _ = calendar_sync::sync(&state, job).await;
            state.store.integration(created.id).await?
        }
        None => created,
    };
    Ok(HttpResponse::Created().json(wire(&created)))
}

fn parse(
    state: &AppState,
    user_id: Uuid,
    input: &NewCalendarIntegration,
) -> Result<NewIcalIntegration, ApiError> {
    let mut errors = FieldErrors::new();
    match input.integration_type.parse::<IntegrationKind>() {
        Ok(IntegrationKind::Ical) => {}
        Ok(provider) => errors.add(
            "integration_type",
            format!("{provider} calendars connect through GET /api/v1/oauth/{provider}/start"),
        ),
        Err(_) => errors.add("integration_type", "must be one of google, outlook, ical"),
    }
    let url = match input.ical_url.as_deref().map(str::trim) {
        None | Some("") => {
            errors.add("ical_url", "is required");
            None
        }
        Some(raw) => match state.feeds.parse_url(raw) {
            Ok(url) => Some(url),
            Err(e) => {
                errors.add("ical_url", e.to_string());
                None
            }
        },
    };
    let name = match input.integration_name.as_deref().map(str::trim) {
        None | Some("") => url
            .as_ref()
            .and_then(|u| u.host_str())
            .map(str::to_owned)
            .unwrap_or_default(),
        Some(name) => errors
            .check("integration_name", required_text(name, 140))
            .unwrap_or_default(),
    };
    match url {
        Some(url) if errors.is_empty() => Ok(NewIcalIntegration {
            user_id,
            name,
            url: url.to_string(),
        }),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// Rename a calendar, or choose whether our bookings are written to it (`sync_direction`,
/// Google and Outlook only). Changing the direction writes the owner's upcoming bookings into the
/// calendar, or takes them out of it, within seconds.
#[utoipa::path(
    tag = "calendars",
    params(("integration_id" = Uuid, Path)),
    request_body = CalendarIntegrationChanges,
    responses((status = 200, body = CalendarIntegration), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[patch("/calendar-integrations/{integration_id}")]
async fn change_integration(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<CalendarIntegrationChanges>,
) -> ApiResult<web::Json<CalendarIntegration>> {
    let integration_id = id(&path, "calendar integration")?;
    let integration = state.store.integration(integration_id).await?;
    authorize(&state, &me, integration.user_id, true).await?;
    let mut errors = FieldErrors::new();
    let name = body
        .integration_name
        .as_deref()
        .and_then(|name| errors.check("integration_name", required_text(name, 140)));
    let direction = match body.sync_direction.as_deref() {
        None => None,
        Some(raw) => match raw.parse::<SyncDirection>() {
            Ok(SyncDirection::TwoWay) if !integration.kind.can_write() => {
                errors.add(
                    "sync_direction",
                    "an iCal feed can only be read; connect Google or Outlook to have bookings written",
                );
                None
            }
            Ok(direction) => Some(direction),
            Err(_) => {
                errors.add("sync_direction", "must be read_only or two_way");
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let changed = state
        .store
        .change_integration(
            integration_id,
            name.as_deref(),
            direction,
            chrono::Utc::now(),
        )
        .await?;
    Ok(web::Json(wire(&changed)))
}

/// Disconnect a calendar: our access is revoked at the provider, and its synced events go with
/// it, so its busy times stop blocking slots.
#[utoipa::path(
    tag = "calendars",
    params(("integration_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[delete("/calendar-integrations/{integration_id}")]
async fn delete_integration(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let integration_id = id(&path, "calendar integration")?;
    let integration = state.store.integration(integration_id).await?;
    authorize(&state, &me, integration.user_id, true).await?;
    revoke(&state, &integration).await;
    state.store.delete_integration(integration_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws our access at the provider before the tokens are deleted. A provider that cannot be
/// reached does not keep the member connected: the tokens go anyway, and the grant can be removed
/// from their account settings.
async fn revoke(state: &AppState, integration: &Integration) {
    let Some(provider) = state.providers.get(integration.kind) else {
        return;
    };
    let Ok(Some(tokens)) = state.store.integration_tokens(integration.id).await else {
        return;
    };
    // Revoking the refresh token ends the whole grant; the access token is all some grants have.
    let sealed = tokens.refresh.as_deref().unwrap_or(&tokens.access);
    let Ok(token) = state.providers.open(sealed) else {
        return;
    };
    if let Err(error) = provider.oauth.revoke(&state.providers.http, &token).await {
        tracing::warn!(integration = %integration.id, %error, "revoking calendar access failed");
    }
}

/// Sync a calendar now. A failing feed answers 200 with `status: "failed"` and the reason, as
/// the calendar's status then shows.
#[utoipa::path(
    tag = "calendars",
    params(("integration_id" = Uuid, Path)),
    responses((status = 200, body = SyncResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/calendar-integrations/{integration_id}/sync")]
async fn sync_integration(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<SyncResult>> {
    let integration_id = id(&path, "calendar integration")?;
    let integration = state.store.integration(integration_id).await?;
    authorize(&state, &me, integration.user_id, false).await?;
    if !integration.is_active {
        return Err(ApiError::Conflict {
            field: "integration_id".into(),
            message: "the calendar is disconnected".into(),
        });
    }
    let Some(job) = state
        .store
        .claim_sync_now(integration_id, chrono::Utc::now(), calendar_sync::lease())
        .await?
    else {
        return Err(ApiError::Conflict {
            field: "integration_id".into(),
            message: "a sync of this calendar is already running; try again in a moment".into(),
        });
    };
    Ok(web::Json(match calendar_sync::sync(&state, job).await {
        Ok(outcome) => SyncResult {
            events_synced: outcome.held,
            status: SyncStatus::Success.to_wire(),
            added: outcome.added,
            updated: outcome.updated,
            removed: outcome.removed,
            error: None,
        },
        Err(error) => SyncResult {
            events_synced: state.store.integration(integration_id).await?.events,
            status: SyncStatus::Failed.to_wire(),
            added: 0,
            updated: 0,
            removed: 0,
            error: Some(error.to_string()),
        },
    }))
}
