//! The day and week views: a band per day, a column per member, each with their working hours,
//! the time other calendars keep them busy, their meetings, and the ghost of a meeting being
//! dragged there.

use std::collections::BTreeMap;

use leptos::{ev, prelude::*};
use mm_api_types::{
    BusySource,
    calendar::{CalendarEvent, CalendarFeed, CalendarResource},
};
use uuid::Uuid;

use super::{
    Board, Shown,
    drag::{self, Drag, Verdict},
    geometry::{Hours, View, Wall},
    month::MonthGrid,
    names,
};
use crate::{
    staff::status,
    zone::{self, Clock, Style, Writer},
};

/// The feed drawn for one view.
#[component]
pub(super) fn Grid(feed: CalendarFeed, shown: Shown, zone: String, board: Board) -> impl IntoView {
    let Some(clock) = Clock::new(&zone) else {
        return view! { <p class="notice error">"This browser does not know your time zone."</p> }
            .into_any();
    };
    let days = shown.view.days(shown.date);
    let resources: Vec<CalendarResource> = feed
        .resources
        .iter()
        .filter(|r| shown.member.is_none_or(|m| m == r.user_id))
        .cloned()
        .collect();
    let events: Vec<(CalendarEvent, Wall)> = feed
        .events
        .into_iter()
        .filter_map(|e| Wall::read(&clock, e.start_utc, e.end_utc).map(|w| (e, w)))
        .collect();
    if shown.view == View::Month {
        return view! { <MonthGrid shown days events zone board /> }.into_any();
    }
    if resources.is_empty() {
        return view! { <p class="empty">"No one to show here: choose another department or member."</p> }
            .into_any();
    }
    let working: BTreeMap<Uuid, Vec<Wall>> = resources
        .iter()
        .map(|r| {
            let spans = r
                .working
                .iter()
                .filter_map(|s| Wall::read(&clock, s.start_utc, s.end_utc))
                .collect();
            (r.user_id, spans)
        })
        .collect();
    let busy: Vec<(Uuid, BusySource, Wall)> = feed
        .busy
        .iter()
        .filter_map(|b| {
            Wall::read(&clock, b.start_utc, b.end_utc).map(|w| (b.user_id, b.source, w))
        })
        .collect();
    let hours = Hours::covering(
        &days,
        events
            .iter()
            .map(|(_, w)| w)
            .chain(working.values().flatten()),
    );
    let times = Writer::new(&zone, Style::Time);
    let time_of = move |millis: f64| times.as_ref().map(|w| w.write(millis)).unwrap_or_default();
    let hour_height = if shown.view == View::Day { 3.0 } else { 1.75 };
    let style = format!(
        "--columns:{};--hour:{hour_height}rem;--band-height:{}rem",
        resources.len(),
        hour_height * hours.length() / 60.0
    );
    let names = names(&feed.resources);
    let week = shown.view == View::Week;
    view! {
        <div class="rc-scroll">
            <div class="rc" style=style>
                <div class="rc-head">
                    <div class="rc-corner"></div>
                    // Element Timing lets `just bench-staff` see when the grid is on screen.
                    {resources.iter().map(|r| leptos::html::div()
                        .class("rc-colhead")
                        .attr("title", r.timezone.clone())
                        .attr("elementtiming", "calendar")
                        .child(r.full_name.clone())).collect_view()}
                </div>
                {days.into_iter().map(|day| {
                    let label = (hours.first..hours.last).step_by(60).map(|m| {
                        let at = zone::at(m as f64 * 60_000.0);
                        view! { <span style=hours.place(m, m + 60).unwrap_or_default()>{zone::instant(at, "UTC", Style::Time)}</span> }
                    }).collect_view();
                    let columns = resources.iter().map(|r| {
                        let member = r.user_id;
                        let open = working.get(&member).into_iter().flatten().filter_map(|w| {
                            let (s, e) = w.on(day);
                            hours.place(s, e).map(|style| view! { <div class="rc-working" style=style></div> })
                        }).collect_view();
                        let blocked = busy.iter().filter(|(user, _, _)| *user == member).filter_map(|(_, source, w)| {
                            let (s, e) = w.on(day);
                            hours.place(s, e).map(|style| view! {
                                <div class="rc-busy" style=style title=format!("Busy ({})", source_label(*source))>
                                    <span>{source_label(*source)}</span>
                                </div>
                            })
                        }).collect_view();
                        let meetings = events.iter().filter(|(e, _)| e.assigned_to == member || e.participants.contains(&member)).filter_map(|(e, w)| {
                            let (s, end) = w.on(day);
                            let place = hours.place(s, end)?;
                            let times = format!("{} – {}", time_of(zone::millis(e.start_utc)), time_of(zone::millis(e.end_utc)));
                            Some(view! { <EventBlock event=e.clone() place times starts_at=s hosted=e.assigned_to == member hours board /> })
                        }).collect_view();
                        let ghost = {
                            let names = names.clone();
                            move || {
                                let drag = board.drag.get()?;
                                let target = drag.target.as_ref().filter(|t| t.member == member && t.day == day)?;
                                let place = hours.place(target.minute, target.minute + drag.duration_minutes)?;
                                let start = zone::instant_of(day, u32::try_from(target.minute).ok()?, &board.zone.get_value())?;
                                let host = names.get(&target.member).cloned().unwrap_or_default();
                                let (class, says) = match (drag.dropped, board.verdict.get()) {
                                    (true, _) => ("rc-ghost checking", "Moving…".to_owned()),
                                    (_, Some(Verdict::Free)) => ("rc-ghost free", format!("{host} is free")),
                                    (_, Some(Verdict::Refused(why))) => ("rc-ghost refused", why),
                                    _ => ("rc-ghost checking", "Checking…".to_owned()),
                                };
                                Some(view! {
                                    <div class=class style=place role="status" aria-live="polite">
                                        <strong>{zone::instant(zone::at(start), &board.zone.get_value(), Style::Time)}</strong>
                                        <span>{says}</span>
                                    </div>
                                })
                            }
                        };
                        view! {
                            <div class="rc-cell" data-member=member.to_string() data-day=day.to_string()
                                aria-label=format!("{} on {}", r.full_name, day)>
                                {open}{blocked}{meetings}{ghost}
                            </div>
                        }
                    }).collect_view();
                    view! {
                        <section class="rc-band" aria-label=zone::day(day, Style::LongDate)>
                            {week.then(|| view! { <h2 class="rc-dayhead">{zone::day(day, Style::LongDate)}</h2> })}
                            <div class="rc-row">
                                <div class="rc-hours" aria-hidden="true">{label}</div>
                                {columns}
                            </div>
                        </section>
                    }
                }).collect_view()}
            </div>
        </div>
    }
    .into_any()
}

fn source_label(source: BusySource) -> &'static str {
    match source {
        BusySource::Google => "Google",
        BusySource::Outlook => "Outlook",
        BusySource::Ical => "iCal",
        BusySource::Booking => "Busy",
    }
}

/// One meeting in one column: a button that opens it, and the handle it is dragged by.
#[component]
fn EventBlock(
    event: CalendarEvent,
    place: String,
    times: String,
    /// Minutes since the band's midnight at which the meeting starts.
    starts_at: i64,
    /// Whether this column is the host's (only the host's block moves the meeting).
    hosted: bool,
    hours: Hours,
    board: Board,
) -> impl IntoView {
    let movable = hosted && status::is_movable(event.status);
    let class = format!(
        "rc-event {}{}",
        status::class(event.status, event.booking_type),
        if movable { " movable" } else { "" }
    );
    let style = format!("{place};--type-colour:{}", event.color);
    let id = event.booking_id;
    let dragging = {
        move || {
            board
                .drag
                .with(|d| d.as_ref().is_some_and(|d| d.booking_id == id && d.moving))
        }
    };
    let start_ms = zone::millis(event.start_utc);
    let duration_minutes = ((zone::millis(event.end_utc) - start_ms) / 60_000.0).round() as i64;
    let meeting = Drag {
        booking_id: id,
        title: event.title.clone(),
        member: event.assigned_to,
        start_ms,
        duration_minutes,
        grab_minutes: 0.0,
        pointer_from: (0.0, 0.0),
        moving: false,
        target: None,
        dropped: false,
    };
    let on_down = move |ev: ev::PointerEvent| {
        if movable {
            drag::press(board, &ev, meeting.clone(), starts_at, hours);
        }
    };
    let on_move = move |ev: ev::PointerEvent| drag::pointer_moved(board, &ev, hours);
    let on_up = move |_ev: ev::PointerEvent| drag::released(board);
    let on_cancel = move |_ev: ev::PointerEvent| drag::cancelled(board);
    let open = {
        move |_| {
            if board.swallow_click.get_value() {
                board.swallow_click.set_value(false);
                return;
            }
            board.selected.set(Some(id));
        }
    };
    view! {
        <button type="button" class=class style=style class:dragging=dragging
            data-booking=id.to_string()
            aria-label=format!("{} · {} · {}{}", event.title, times, status::label(event.status), if movable { " · drag to move" } else { "" })
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel
            on:click=open>
            <span class="rc-event-time">{times.clone()}</span>
            <span class="rc-event-title">{event.title.clone()}</span>
        </button>
    }
}
