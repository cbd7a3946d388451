//! Writes bookings into their hosts' connected calendars: created when booked, updated when
//! rescheduled, deleted when cancelled, and moved from the old host's calendar to the new one's
//! when reassigned. A Google Meet or Microsoft Teams link is made with the event when the meeting
//! type asks for one and the host's calendar is with that provider; a Zoom meeting is made, moved
//! and deleted through Zoom's API when the meeting type asks for Zoom and Zoom is configured.
//!
//! A series is one recurring event in its host's calendar (Google's `RRULE`, Graph's
//! `recurrence` pattern, in the department's zone), and each of its meetings that event's
//! occurrence: a moved or changed meeting patches its occurrence (an exception), a cancelled one
//! or one given to another member deletes it, and the event goes when no meeting is left in it.
//! A series has one Zoom meeting per meeting: each has its own join link, made, moved and
//! deleted with it, so a single meeting can be cancelled or moved in Zoom as everywhere else.
//!
//! The store says which bookings changed since their calendar last reflected them; every process
//! runs this loop and each booking is claimed by one of them at a time. A failed write is retried
//! with a growing pause and never holds up the others.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use mm_calendars::{
    CalendarApi,
    provider::{EventDraft, ProviderError, Repeat, WrittenEvent},
    zoom::MeetingDraft,
};
use mm_domain::{
    booking::{Booking, BookingStatus},
    external_calendar::IntegrationKind,
    meeting_type::{MeetingType, VideoPlatform},
};
use mm_store::{
    CalendarPush, PlacedEvent, PushCalendar, PushedEvent, SeriesEvent, SeriesPush, VideoMeeting,
};
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
    let staff_link = format!("{}/admin/bookings/{}", state.public_base_url, booking.id);
    let draft = target.map(|target| {
        event_draft(
            &booking,
            &meeting_type,
            target.kind,
            claim.version,
            &staff_link,
        )
    });
    let mut pushed = PushedEvent {
        meeting_link: zoom_link,
        video_meeting,
        ..PushedEvent::default()
    };
    let written = match (&claim.series, target.zip(draft.as_ref())) {
        (Some(series), wanted) => {
            place_in_series(state, claim, series, wanted, &mut pushed).await?
        }
        (None, wanted) => place_alone(state, claim, wanted).await?,
    };
    if let Some((target, written, occurrence)) = written {
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
            occurrence,
        });
    }
    let now = Utc::now();
    mm_app::calendars::record_calendar_push(&state.store, claim, &pushed, now).await?;
    Ok(())
}

/// Where a booking's event was written: the calendar, the event, and whether it is an
/// occurrence of its series' recurring event.
type Written<'a> = Option<(&'a PushCalendar, WrittenEvent, bool)>;

/// A booking of its own: its event goes where it is wanted (`draft` for `target`), leaving any
/// other calendar that holds it.
async fn place_alone<'a>(
    state: &AppState,
    claim: &CalendarPush,
    wanted: Option<(&'a PushCalendar, &EventDraft)>,
) -> Result<Written<'a>, SyncError> {
    let existing = claim.holder.as_ref().and_then(|(holder, event)| {
        let stays = wanted.is_some_and(|(t, _)| t.integration_id == holder.integration_id);
        Some(event.as_str()).filter(|_| stays)
    });
    if let Some((holder, event)) = claim.holder.as_ref().filter(|_| existing.is_none()) {
        delete_event(state, holder, event).await?;
    }
    let Some((target, draft)) = wanted else {
        return Ok(None);
    };
    let written = write_event(state, target, existing, draft).await?;
    Ok(Some((target, written, false)))
}

/// A meeting of a series: an occurrence of the series' one recurring event when it belongs in
/// the calendar holding that event (the event is made by the first meeting written); an event
/// of its own in another member's calendar. Its occurrence leaves the recurring event when it is
/// cancelled or given to another member, and the event goes when no meeting is left in it.
async fn place_in_series<'a>(
    state: &AppState,
    claim: &CalendarPush,
    series: &SeriesPush,
    wanted: Option<(&'a PushCalendar, &EventDraft)>,
    pushed: &mut PushedEvent,
) -> Result<Written<'a>, SyncError> {
    let starts = series.series.starts();
    let original_start = |place: u16| starts.get(usize::from(place).saturating_sub(1)).copied();
    let in_event = wanted.filter(|(target, _)| {
        series
            .event
            .as_ref()
            .is_none_or(|(calendar, _)| calendar.integration_id == target.integration_id)
    });
    let (occurrence_held, own_held) = match &claim.holder {
        Some(held) if series.holds_occurrence => (Some(held), None),
        held => (None, held.as_ref()),
    };
    // The meeting's occurrence, as the event's calendar names it.
    let occurrence_of = async |calendar: &PushCalendar, event: &str| {
        if let Some((holder, id)) = occurrence_held
            && holder.integration_id == calendar.integration_id
        {
            return Ok(Some(id.clone()));
        }
        match original_start(series.index) {
            Some(start) => occurrence_id(state, calendar, event, start).await,
            None => Ok(None),
        }
    };

    // An event of its own it will not keep.
    let own_kept = own_held.is_some_and(|(holder, _)| {
        in_event.is_none()
            && wanted.is_some_and(|(target, _)| target.integration_id == holder.integration_id)
    });
    if let Some((holder, event)) = own_held.filter(|_| !own_kept) {
        delete_event(state, holder, event).await?;
    }
    // Its place in the recurring event, when it no longer belongs there.
    if let Some((calendar, event)) = series.event.as_ref().filter(|_| in_event.is_none()) {
        if series.others_in_event {
            if let Some(occurrence) = occurrence_of(calendar, event).await? {
                delete_event(state, calendar, &occurrence).await?;
            }
        } else {
            delete_event(state, calendar, event).await?;
            pushed.series_event = SeriesEvent::Deleted;
        }
    }

    let Some((target, draft)) = in_event else {
        let Some((target, draft)) = wanted else {
            return Ok(None);
        };
        let existing = own_held
            .filter(|_| own_kept)
            .map(|(_, event)| event.as_str());
        let written = write_event(state, target, existing, draft).await?;
        return Ok(Some((target, written, false)));
    };
    // Patched as an occurrence, the meeting keeps the video meeting of the recurring event.
    let occurrence_draft = EventDraft {
        video: false,
        ..draft.clone()
    };
    let (event, made) = match &series.event {
        Some((_, event)) => (event.clone(), None),
        None => {
            let Some(first) = original_start(1) else {
                return Err(SyncError::Provider(target.kind, ProviderError::Unreadable));
            };
            let whole = EventDraft {
                start: first,
                end: first + (draft.end - draft.start),
                repeat: Some(Repeat {
                    recurrence: series.series.recurrence,
                    zone: series.series.zone,
                }),
                idempotency_key: format!("{}-series", draft.idempotency_key),
                ..draft.clone()
            };
            let made = insert_event(state, target, &whole).await?;
            pushed.series_event = SeriesEvent::Made {
                integration_id: target.integration_id,
                event_id: made.id.clone(),
            };
            for place in &series.outside {
                if let Some(start) = original_start(*place)
                    && let Some(occurrence) = occurrence_id(state, target, &made.id, start).await?
                {
                    delete_event(state, target, &occurrence).await?;
                }
            }
            (made.id.clone(), Some(made))
        }
    };
    let Some(occurrence) = occurrence_of(target, &event).await? else {
        // The host deleted this occurrence: the meeting gets an event of its own.
        let written = insert_event(state, target, draft).await?;
        return Ok(Some((target, written, false)));
    };
    // The event just made already shows its first meeting, if that is this one, unmoved.
    if let Some(made) =
        made.filter(|_| Some(draft.start) == original_start(series.index) && series.index == 1)
    {
        let written = WrittenEvent {
            id: occurrence,
            ..made
        };
        return Ok(Some((target, written, true)));
    }
    match patch_event(state, target, &occurrence, &occurrence_draft).await? {
        Some(written) => Ok(Some((target, written, true))),
        None => {
            let written = insert_event(state, target, draft).await?;
            Ok(Some((target, written, false)))
        }
    }
}

/// Calls `calendar`'s provider with a fresh access token.
async fn on_calendar<'a, T, F, Fut>(
    state: &AppState,
    calendar: &'a PushCalendar,
    call: F,
) -> Result<T, SyncError>
where
    F: Fn(CalendarApi, reqwest::Client, String, &'a str) -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    with_access(
        state,
        calendar.integration_id,
        Some(&calendar.tokens),
        calendar.kind,
        |api, http, token| call(api, http, token, &calendar.calendar_id),
    )
    .await
}

/// `Ok(None)` for what the calendar no longer has.
fn unless_gone<T>(answer: Result<T, ProviderError>) -> Result<Option<T>, ProviderError> {
    match answer {
        Ok(found) => Ok(Some(found)),
        Err(ProviderError::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}

async fn insert_event(
    state: &AppState,
    calendar: &PushCalendar,
    draft: &EventDraft,
) -> Result<WrittenEvent, SyncError> {
    on_calendar(state, calendar, |api, http, token, id| async move {
        api.insert_event(&http, &token, id, draft).await
    })
    .await
}

/// Rewrites an event; `None` when its owner deleted it.
async fn patch_event(
    state: &AppState,
    calendar: &PushCalendar,
    event: &str,
    draft: &EventDraft,
) -> Result<Option<WrittenEvent>, SyncError> {
    on_calendar(state, calendar, |api, http, token, id| async move {
        unless_gone(api.patch_event(&http, &token, id, event, draft).await)
    })
    .await
}

/// Rewrites the booking's `existing` event, or writes a new one (also when its owner deleted it:
/// a booking that holds time gets it back).
async fn write_event(
    state: &AppState,
    calendar: &PushCalendar,
    existing: Option<&str>,
    draft: &EventDraft,
) -> Result<WrittenEvent, SyncError> {
    if let Some(event) = existing
        && let Some(written) = patch_event(state, calendar, event, draft).await?
    {
        return Ok(written);
    }
    insert_event(state, calendar, draft).await
}

/// Deletes an event; one already gone counts as deleted (the providers' `delete_event` says so).
async fn delete_event(
    state: &AppState,
    calendar: &PushCalendar,
    event: &str,
) -> Result<(), SyncError> {
    on_calendar(state, calendar, |api, http, token, id| async move {
        api.delete_event(&http, &token, id, event).await
    })
    .await
}

/// The occurrence of recurring `event` that the rule starts at `original_start`; `None` when
/// the calendar no longer has it.
async fn occurrence_id(
    state: &AppState,
    calendar: &PushCalendar,
    event: &str,
    original_start: chrono::DateTime<Utc>,
) -> Result<Option<String>, SyncError> {
    on_calendar(state, calendar, |api, http, token, _| async move {
        unless_gone(
            api.occurrence_id(&http, &token, event, original_start)
                .await,
        )
    })
    .await
}

/// Removes what a booking left outside the database — its event in a connected calendar, its
/// Zoom meeting — before the booking is deleted; one already gone counts as removed.
pub async fn remove_outside(state: &AppState, booking_id: uuid::Uuid) -> Result<(), SyncError> {
    let (event, video_meeting) = state.store.held_outside(booking_id).await?;
    if let Some((holder, event_id)) = &event {
        delete_event(state, holder, event_id).await?;
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
        repeat: None,
    }
}
