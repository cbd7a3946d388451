//! Keeps members' external calendars in our database: every few minutes each calendar whose
//! last sync is old enough is read again, and a member may ask for a sync at once. Slot
//! computation only ever reads what a sync stored.
//!
//! Every process runs the loop; the store hands each calendar to one of them at a time. A
//! calendar that fails is recorded as failed and never stops the others.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use mm_domain::external_calendar::{IntegrationKind, sync_window};
use mm_store::{SyncJob, SyncOutcome};
use tokio::time::MissedTickBehavior;

use crate::AppState;

/// How long a process owns a calendar it is syncing; one that died lets it go after this.
pub fn lease() -> chrono::Duration {
    chrono::Duration::minutes(5)
}

/// Why a sync failed, in words for the member.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Feed(#[from] mm_calendars::FeedError),
    #[error(transparent)]
    Ical(#[from] mm_calendars::IcalError),
    #[error("{0} calendars cannot be synced on this server yet")]
    Unsupported(IntegrationKind),
    #[error("the calendar has no feed URL")]
    NoUrl,
    #[error("storing the events failed: {0}")]
    Store(#[from] mm_store::StoreError),
}

/// Reads one claimed calendar and stores what it holds; a failure is recorded on the calendar.
pub async fn sync(state: &AppState, job: SyncJob) -> Result<SyncOutcome, SyncError> {
    let id = job.integration.id;
    match read_and_store(state, job).await {
        Ok(outcome) => Ok(outcome),
        Err(error) => {
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
    let integration = &job.integration;
    let now = Utc::now();
    let (from, to) = sync_window(now);
    let events = match integration.kind {
        IntegrationKind::Ical => {
            let url = integration.ical_url.as_deref().ok_or(SyncError::NoUrl)?;
            let text = state.feeds.fetch(url).await?;
            let zone = job.owner_zone.tz();
            // Expanding a large feed's recurrences is CPU work: off the async workers.
            tokio::task::spawn_blocking(move || mm_calendars::read_feed(&text, from, to, zone))
                .await
                .map_err(|e| {
                    mm_calendars::IcalError::Malformed(format!("the feed reader stopped: {e}"))
                })??
        }
        kind => return Err(SyncError::Unsupported(kind)),
    };
    Ok(state
        .store
        .record_sync(integration.id, &events, now)
        .await?)
}

/// Runs until the process ends: every `tick`, syncs each calendar last read more than `every`
/// ago.
pub async fn run(state: web::Data<AppState>, every: Duration, tick: Duration) {
    let Ok(every) = chrono::Duration::from_std(every) else {
        return;
    };
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        loop {
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
