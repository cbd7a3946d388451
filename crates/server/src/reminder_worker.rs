//! Queues the emails that time causes — reminders before meetings and thank-yous after them —
//! and marks meetings nobody marked as no-shows where their type asks for it. Every
//! process runs it; the store lets exactly one of them queue each email.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use tokio::time::MissedTickBehavior;

use crate::{AppState, shutdown::Stopping};

/// Runs until the process stops, looking every `every` for emails that have come due.
pub async fn run(state: web::Data<AppState>, every: Duration, mut stopping: Stopping) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    while !stopping.tick(&mut ticks).await {
        let now = Utc::now();
        match mm_app::follow_ups::queue_due_reminders(&state.store, now).await {
            Ok(0) => {}
            Ok(queued) => tracing::info!(queued, "reminders queued"),
            Err(error) => tracing::error!(%error, "queuing reminders failed"),
        }
        // Before the thank-yous: a meeting marked a no-show gets none.
        match mm_app::follow_ups::mark_unattended_meetings(&state.store, now).await {
            Ok(0) => {}
            Ok(marked) => tracing::info!(marked, "unattended meetings marked as no-shows"),
            Err(error) => tracing::error!(%error, "marking unattended meetings failed"),
        }
        match mm_app::follow_ups::queue_thank_yous(&state.store, now).await {
            Ok(0) => {}
            Ok(queued) => tracing::info!(queued, "thank-you emails queued"),
            Err(error) => tracing::error!(%error, "queuing thank-you emails failed"),
        }
    }
}
