//! Keeps members' external calendars in our database: every few minutes each calendar whose
//! last sync is old enough is read again, and a member may ask for a sync at once. Slot
//! computation only ever reads what a sync stored.
//!
//! Every process runs the loop; the store hands each calendar to one of them at a time. A
//! calendar that fails is recorded as failed and never stops the others.

use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};
use mm_calendars::{
    CalendarApi,
    oauth::OAuthError,
    provider::{ProviderError, ReadFrom},
};
use mm_domain::external_calendar::{
    IntegrationKind, needs_full_read, sync_window, token_needs_refresh,
};
use mm_store::{SealedTokens, SyncBatch, SyncJob, SyncOutcome};
use tokio::time::MissedTickBehavior;

use crate::{AppState, providers::Provider, shutdown::Stopping};

/// How long a process owns a calendar it is syncing; one that died lets it go after this.
pub fn lease() -> chrono::Duration {
    chrono::Duration::minutes(5)
}

/// Why a sync (or a write into a calendar) failed, in words for the member.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Feed(#[from] mm_calendars::FeedError),
    #[error(transparent)]
    Ical(#[from] mm_calendars::IcalError),
    #[error("{0} calendars are not configured on this server")]
    NotConfigured(IntegrationKind),
    #[error("the calendar has no feed URL")]
    NoUrl,
    #[error(
        "{0} no longer grants us access (it was revoked or has expired): connect the calendar again"
    )]
    Reconnect(IntegrationKind),
    #[error("signing in to {0} failed: {1}")]
    OAuth(IntegrationKind, OAuthError),
    #[error("{0}: {1}")]
    Provider(IntegrationKind, ProviderError),
    #[error(transparent)]
    Crypto(#[from] mm_calendars::CryptoError),
    #[error("{0}: {1}")]
    Video(&'static str, ProviderError),
    #[error("storing the events failed: {0}")]
    Store(#[from] mm_store::StoreError),
    #[error("recording the write failed: {0}")]
    Recording(#[from] mm_app::AppError),
}

/// Reads one claimed calendar and stores what it holds; a failure is recorded on the calendar.
pub async fn sync(state: &AppState, job: SyncJob) -> Result<SyncOutcome, SyncError> {
    let id = job.integration.id;
    let provider: &'static str = job.integration.kind.into();
    let began = std::time::Instant::now();
    let synced = read_and_store(state, job).await;
    metrics::histogram!("mm_calendar_sync_duration_seconds", "provider" => provider)
        .record(began.elapsed().as_secs_f64());
    match synced {
        Ok(outcome) => Ok(outcome),
        Err(error) => {
            metrics::counter!("mm_calendar_sync_errors_total", "provider" => provider).increment(1);
            let message = error.to_string();
            if let Err(store_error) = state
                .store
                .record_sync_failure(id, &message, Utc::now())
                .await
            {
                tracing::error!(%store_error, integration = %id, "recording a failed sync failed");
            }
            Err(error)
        }
    }
}

async fn read_and_store(state: &AppState, job: SyncJob) -> Result<SyncOutcome, SyncError> {
    let now = Utc::now();
    let (from, to) = sync_window(now);
    let batch = match job.integration.kind {
        IntegrationKind::Ical => {
            let url = job
                .integration
                .ical_url
                .as_deref()
                .ok_or(SyncError::NoUrl)?;
            let text = state.feeds.fetch(url).await?;
            let zone = job.owner_zone.tz();
            // Expanding a large feed's recurrences is CPU work: off the async workers.
            let events = tokio::task::spawn_blocking(move || {
                mm_calendars::read_feed(&text, from, to, zone, &mm_calendars::FeedLimits::default())
            })
            .await
            .map_err(|e| {
                mm_calendars::IcalError::Malformed(format!("the feed reader stopped: {e}"))
            })??;
            SyncBatch {
                events,
                full: true,
                ..SyncBatch::default()
            }
        }
        kind => read_provider(state, &job, kind, now).await?,
    };
    Ok(state
        .store
        .record_sync(job.integration.id, &batch, now)
        .await?)
}

/// Reads a Google or Outlook calendar: incrementally from the last sync token while the window
/// it covers is current, in full otherwise or when the provider calls the token stale. An
/// access token is refreshed shortly before it expires, and once more if the provider refuses it.
async fn read_provider(
    state: &AppState,
    job: &SyncJob,
    kind: IntegrationKind,
    now: DateTime<Utc>,
) -> Result<SyncBatch, SyncError> {
    let calendar_id = job.integration.calendar_id.as_deref().unwrap_or("primary");
    let (from, to) = sync_window(now);
    let read = |read_from: ReadFrom| {
        with_access(
            state,
            job.integration.id,
            job.tokens.as_ref(),
            kind,
            move |api, http, token| {
                let read_from = read_from.clone();
                async move { api.read(&http, &token, calendar_id, &read_from).await }
            },
        )
    };
    let window = ReadFrom::Window { from, to };
    let (changes, full) = match &job.sync_token {
        Some(token) if !needs_full_read(job.full_read_until, now) => {
            match read(ReadFrom::Token(token.clone())).await {
                Err(SyncError::Provider(_, ProviderError::Gone)) => (read(window).await?, true),
                other => (other?, false),
            }
        }
        _ => (read(window).await?, true),
    };
    Ok(SyncBatch {
        events: changes
            .events
            .into_iter()
            .filter(|e| e.event.time.overlaps(from, to))
            .collect(),
        removed: changes.removed,
        full,
        sync_token: changes.next_sync_token,
        full_read_until: full.then_some(to),
        prune_before: Some(from),
    })
}

/// Calls the provider of an integration with a fresh access token, refreshing it once more if
/// the provider refuses it; a second refusal means the grant is gone.
pub async fn with_access<T, F, Fut>(
    state: &AppState,
    integration_id: uuid::Uuid,
    tokens: Option<&SealedTokens>,
    kind: IntegrationKind,
    call: F,
) -> Result<T, SyncError>
where
    F: Fn(CalendarApi, reqwest::Client, String) -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let provider = state
        .providers
        .get(kind)
        .ok_or(SyncError::NotConfigured(kind))?;
    let mut force = false;
    loop {
        let token =
            fresh_access_token(state, integration_id, tokens, provider, kind, force).await?;
        match call(provider.api.clone(), state.providers.http.clone(), token).await {
            Err(ProviderError::Unauthorized) if !force => force = true,
            Err(ProviderError::Unauthorized) => return Err(SyncError::Reconnect(kind)),
            Err(error) => return Err(SyncError::Provider(kind, error)),
            Ok(done) => return Ok(done),
        }
    }
}

/// An access token to call the provider with: the one held while it is fresh, else a new one
/// from the refresh token (stored before use, so a crash loses nothing). With `force_refresh`
/// the tokens are read again first: an earlier attempt may have refreshed them.
async fn fresh_access_token(
    state: &AppState,
    integration_id: uuid::Uuid,
    held: Option<&SealedTokens>,
    provider: &Provider,
    kind: IntegrationKind,
    force_refresh: bool,
) -> Result<String, SyncError> {
    let sealed = match force_refresh {
        true => state.store.integration_tokens(integration_id).await?,
        false => held.cloned(),
    }
    .ok_or(SyncError::Reconnect(kind))?;
    let now = Utc::now();
    if !force_refresh && !token_needs_refresh(Some(sealed.expiry_utc), now) {
        return Ok(state.providers.open(&sealed.access)?);
    }
    let refresh = sealed
        .refresh
        .as_deref()
        .ok_or(SyncError::Reconnect(kind))
        .and_then(|r| Ok(state.providers.open(r)?))?;
    let tokens = provider
        .oauth
        .refresh(&state.providers.http, &refresh)
        .await
        .map_err(|e| match e.needs_reconnect() {
            true => SyncError::Reconnect(kind),
            false => SyncError::OAuth(kind, e),
        })?;
    let renewed = state.providers.seal(&tokens, now)?;
    state
        .store
        .store_tokens(integration_id, &renewed, now)
        .await?;
    Ok(tokens.access_token)
}

/// Runs until the process stops: every `tick`, syncs each calendar last read more than `every`
/// ago.
pub async fn run(
    state: web::Data<AppState>,
    every: Duration,
    tick: Duration,
    mut stopping: Stopping,
) {
    let Ok(every) = chrono::Duration::from_std(every) else {
        return;
    };
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    while !stopping.tick(&mut ticks).await {
        while !stopping.is_set() {
            let job = match state.store.claim_due_sync(Utc::now(), every, lease()).await {
                Ok(Some(job)) => job,
                Ok(None) => break,
                Err(error) => {
                    tracing::error!(%error, "claiming a calendar to sync failed");
                    break;
                }
            };
            let integration = job.integration.id;
            match sync(&state, job).await {
                Ok(outcome) => tracing::info!(
                    %integration,
                    added = outcome.added,
                    updated = outcome.updated,
                    removed = outcome.removed,
                    held = outcome.held,
                    "calendar synced"
                ),
                Err(error) => tracing::warn!(%integration, %error, "calendar sync failed"),
            }
        }
    }
}
