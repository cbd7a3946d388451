//! Writes bookings into their hosts' connected calendars: created when booked, updated when
//! rescheduled, deleted when cancelled, and moved from the old host's calendar to the new one's
//! when reassigned. A Google Meet or Microsoft Teams link is made with the event when the meeting
//! type asks for one and the host's calendar is with that provider; a Zoom meeting is made, moved
//! and deleted through Zoom's API when the meeting type asks for Zoom and Zoom is configured.
//!
//! The store says which bookings changed since their calendar last reflected them; every process
//! runs this loop and each booking is claimed by one of them at a time. A failed write is retried
//! with a growing pause and never holds up the others.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use mm_calendars::{
    provider::{EventDraft, ProviderError, WrittenEvent},
    zoom::MeetingDraft,
};
use mm_domain::{
    booking::{Booking, BookingStatus},
    external_calendar::IntegrationKind,
    meeting_type::{MeetingType, VideoPlatform},
};
use mm_store::{CalendarPush, PlacedEvent, PushedEvent, VideoMeeting};
use tokio::time::MissedTickBehavior;

use crate::{
    AppState,
    calendar_sync::{SyncError, with_access},
    shutdown::Stopping,
};

/// How long a process owns a booking it is writing.
fn lease() -> chrono::Duration {
    chrono::Duration::minutes(2)
}

/// The pause before a failed write is tried again: a few minutes, or hours when the host must
/// connect their calendar again (connecting it makes every waiting write due at once).
fn retry_pause(error: &SyncError) -> chrono::Duration {
    match error {
        SyncError::Reconnect(_) | SyncError::NotConfigured(_) => chrono::Duration::hours(6),
        _ => chrono::Duration::minutes(5),
    }
}

/// Runs until the process stops: every `tick`, writes each booking whose calendar is behind.
pub async fn run(state: web::Data<AppState>, tick: Duration, mut stopping: Stopping) {
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    while !stopping.tick(&mut ticks).await {
        while !stopping.is_set() {
            let zoom = state.providers.zoom.as_ref().map(|_| VideoPlatform::Zoom);
            let claim = match state
                .store
                .claim_calendar_push(Utc::now(), lease(), zoom)
                .await
            {
                Ok(Some(claim)) => claim,
                Ok(None) => break,
                Err(error) => {
                    tracing::error!(%error, "claiming a calendar write failed");
                    break;
                }
            };
            let booking = claim.booking_id;
            match push(&state, &claim).await {
                Ok(()) => tracing::info!(%booking, "booking written to its host's calendar"),
                Err(error) => {
                    tracing::warn!(%booking, %error, "writing a booking to a calendar failed");
                    let retry_at = Utc::now() + retry_pause(&error);
                    if let Err(store_error) = state
                        .store
                        .record_calendar_push_failure(booking, &error.to_string(), retry_at)
                        .await
                    {
                        tracing::error!(%store_error, %booking, "recording a failed calendar write failed");
                    }
                }
            }
        }
    }
}

/// Brings the video meeting and the calendars in line with one booking.
async fn push(state: &AppState, claim: &CalendarPush) -> Result<(), SyncError> {
    let mut booking = state.store.booking(claim.booking_id).await?;
    let meeting_type = state.store.meeting_type(booking.meeting_type_id).await?;
    let wanted = booking.status.holds_time();
    let (video_meeting, zoom_link) = zoom_meeting(state, claim, &booking, &meeting_type).await?;
    if zoom_link.is_some() {
        booking.meeting_link.clone_from(&zoom_link);
    }
    let target = claim.target.as_ref().filter(|_| wanted);
    if let Some((holder, event_id)) = &claim.holder {
        let stays = target.is_some_and(|t| t.integration_id == holder.integration_id);
        if !stays {
            with_access(
                state,
                holder.integration_id,
                Some(&holder.tokens),
                holder.kind,
                |api, http, token| async move {
                    api.delete_event(&http, &token, &holder.calendar_id, event_id)
                        .await
                },
            )
            .await?;
        }
    }
    let mut pushed = PushedEvent {
        meeting_link: zoom_link,
        video_meeting,
        placed: None,
    };
    if let Some(target) = target {
        let staff_link = format!("{}/admin/bookings/{}", state.public_base_url, booking.id);
        let draft = event_draft(
            &booking,
            &meeting_type,
            target.kind,
            claim.version,
            &staff_link,
        );
        let existing = claim
            .holder
            .as_ref()
            .filter(|(h, _)| h.integration_id == target.integration_id)
            .map(|(_, event)| event.as_str());
        let written: WrittenEvent = with_access(
            state,
            target.integration_id,
            Some(&target.tokens),
            target.kind,
            |api, http, token| {
                let draft = &draft;
                async move {
                    let calendar = &target.calendar_id;
                    match existing {
                        Some(event) => {
                            match api.patch_event(&http, &token, calendar, event, draft).await {
                                // The host deleted it: a booking that holds time gets it back.
                                Err(ProviderError::NotFound) => {
                                    api.insert_event(&http, &token, calendar, draft).await
                                }
                                other => other,
                            }
                        }
                        None => api.insert_event(&http, &token, calendar, draft).await,
                    }
                }
            },
        )
        .await?;
        if let Some(link) = written
            .video_link
            .filter(|_| booking.meeting_link.is_none())
        {
            pushed.meeting_link = Some(link);
        }
        pushed.placed = Some(PlacedEvent {
            integration_id: target.integration_id,
            event_id: written.id,
            web_link: written.web_link,
        });
    }
    let now = Utc::now();
    mm_app::calendars::record_calendar_push(&state.store, claim, &pushed, now).await?;
    Ok(())
}

/// Removes what a booking left outside the database — its event in a connected calendar, its
/// Zoom meeting — before the booking is deleted; one already gone counts as removed.
pub async fn remove_outside(state: &AppState, booking_id: uuid::Uuid) -> Result<(), SyncError> {
    let (event, video_meeting) = state.store.held_outside(booking_id).await?;
    if let Some((holder, event_id)) = &event {
        with_access(
            state,
            holder.integration_id,
            Some(&holder.tokens),
            holder.kind,
            |api, http, token| async move {
                match api
                    .delete_event(&http, &token, &holder.calendar_id, event_id)
                    .await
                {
                    Err(ProviderError::NotFound) => Ok(()),
                    other => other,
                }
            },
        )
        .await?;
    }
    if let (Some(id), Some(zoom)) = (&video_meeting, state.providers.zoom.as_deref()) {
        match zoom
            .delete_meeting(&state.providers.http, id, Utc::now())
            .await
        {
            Ok(()) | Err(ProviderError::NotFound) => {}
            Err(error) => return Err(SyncError::Video("Zoom", error)),
        }
    }
    Ok(())
}

/// Makes, moves or deletes the booking's Zoom meeting when its meeting type asks for Zoom and
/// Zoom is configured. Returns what changed and the join link of a meeting just made.
async fn zoom_meeting(
    state: &AppState,
    claim: &CalendarPush,
    booking: &Booking,
    meeting_type: &MeetingType,
) -> Result<(VideoMeeting, Option<String>), SyncError> {
    let Some(zoom) = state.providers.zoom.as_deref() else {
        return Ok((VideoMeeting::Unchanged, None));
    };
    let zoom_error = |e| SyncError::Video("Zoom", e);
    let (http, now) = (&state.providers.http, Utc::now());
    let wanted =
        booking.status.holds_time() && meeting_type.video_platform == Some(VideoPlatform::Zoom);
    let draft = || MeetingDraft {
        topic: match &booking.customer {
            Some(customer) => format!("{}: {}", meeting_type.name, customer.name),
            None => booking.title.clone(),
        },
        agenda: format!("Booking {}", booking.reference),
        start: booking.span.start(),
        duration_minutes: u32::try_from((booking.span.end() - booking.span.start()).num_minutes())
            .unwrap_or(0),
        time_zone: booking.timezone.to_string(),
    };
    match (&claim.video_meeting_id, wanted) {
        (None, true) => {
            let made = zoom
                .create_meeting(http, &draft(), now)
                .await
                .map_err(zoom_error)?;
            Ok((VideoMeeting::Made(made.id), Some(made.join_url)))
        }
        (Some(id), true) => match zoom.update_meeting(http, id, &draft(), now).await {
            Ok(()) => Ok((VideoMeeting::Unchanged, None)),
            // Deleted in Zoom meanwhile: the booking gets a new meeting.
            Err(ProviderError::NotFound) => {
                let made = zoom
                    .create_meeting(http, &draft(), now)
                    .await
                    .map_err(zoom_error)?;
                Ok((VideoMeeting::Made(made.id), Some(made.join_url)))
            }
            Err(error) => Err(zoom_error(error)),
        },
        (Some(id), false) => {
            zoom.delete_meeting(http, id, now)
                .await
                .map_err(zoom_error)?;
            Ok((VideoMeeting::Deleted, None))
        }
        (None, false) => Ok((VideoMeeting::Unchanged, None)),
    }
}

/// The event a booking shows as in its host's calendar.
fn event_draft(
    booking: &Booking,
    meeting_type: &MeetingType,
    kind: IntegrationKind,
    version: chrono::DateTime<Utc>,
    staff_link: &str,
) -> EventDraft {
    let mut lines = vec![format!("Booking {}", booking.reference)];
    let summary = match &booking.customer {
        Some(customer) => {
            lines.push(format!("Customer: {} <{}>", customer.name, customer.email));
            if let Some(phone) = &customer.phone {
                lines.push(format!("Phone: {}", phone.as_str()));
            }
            if let Some(notes) = customer.notes.as_deref().filter(|n| !n.trim().is_empty()) {
                lines.push(format!("Notes: {notes}"));
            }
            format!("{}: {}", meeting_type.name, customer.name)
        }
        None => booking.title.clone(),
    };
    if let Some(agenda) = booking
        .meeting_agenda
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        lines.push(format!("Agenda: {agenda}"));
    }
    if let Some(link) = &booking.meeting_link {
        lines.push(format!("Join: {link}"));
    }
    lines.push(format!("Open in Meeting Manager: {staff_link}"));
    // The host's provider makes the video meeting the meeting type asks for, if it is theirs.
    let video = booking.meeting_link.is_none()
        && matches!(
            (kind, meeting_type.video_platform),
            (IntegrationKind::Google, Some(VideoPlatform::GoogleMeet))
                | (
                    IntegrationKind::Outlook,
                    Some(VideoPlatform::MicrosoftTeams)
                )
        );
    EventDraft {
        summary,
        description: lines.join("\n"),
        start: booking.span.start(),
        end: booking.span.end(),
        time_zone: booking.timezone.to_string(),
        tentative: booking.status == BookingStatus::Pending,
        location: booking
            .physical_location
            .clone()
            .or_else(|| booking.meeting_link.clone()),
        video,
        idempotency_key: format!("{}-{}", booking.id, version.timestamp_micros()),
    }
}
