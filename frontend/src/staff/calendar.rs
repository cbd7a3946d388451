//! `/admin/calendar`: the resource calendar. One column per member the signed-in person may see,
//! for a day or a week, or a month at a glance; working hours unshaded, time kept busy by other
//! calendars hatched, meetings coloured by status. Meetings are dragged with pointer events
//! (mouse, pen or touch) to another member and/or time: while dragging, the server's
//! `check-move` paints the target green, or red with its reason, and dropping reassigns or
//! reschedules through the same endpoints as everything else. A refused drop snaps back.
//!
//! Everything is drawn in the signed-in person's time zone; positions are wall-clock minutes, so
//! a day on which the clocks change is drawn as the clocks read it.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::calendar::{CalendarEvent, CalendarFeed, CalendarResource};
use wasm_bindgen::JsCast;

use super::{Session, booking_panel::BookingPanel, on_unauthorized, status};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone::{self, Clock, Style, Writer},
};

/// Drops land on this grid of the clock.
const SNAP_MINUTES: i64 = 15;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX: f64 = 5.0;
const MINUTES_PER_DAY: i64 = 1440;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Day,
    Week,
    Month,
}

impl View {
    fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("day") => Self::Day,
            Some("month") => Self::Month,
            _ => Self::Week,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Day => "Day",
            Self::Week => "Week",
            Self::Month => "Month",
        }
    }

    /// The days the view shows around `date`: the day, its Monday-to-Sunday week, or the whole
    /// weeks covering its month.
    fn days(self, date: NaiveDate) -> Vec<NaiveDate> {
        let monday = |d: NaiveDate| d - Days::new(u64::from(d.weekday().num_days_from_monday()));
        let (first, count) = match self {
            Self::Day => (date, 1),
            Self::Week => (monday(date), 7),
            Self::Month => {
                let first_of_month = date.with_day(1).unwrap_or(date);
                let last_of_month = first_of_month + Months::new(1) - Days::new(1);
                let start = monday(first_of_month);
                let end = monday(last_of_month) + Days::new(6);
                (start, (end - start).num_days() + 1)
            }
        };
        (0..count)
            .map(|i| first + Days::new(i.unsigned_abs()))
            .collect()
    }

    /// The date one view earlier or later.
    fn step(self, date: NaiveDate, forward: bool) -> NaiveDate {
        let moved = match (self, forward) {
            (Self::Day, true) => date.checked_add_days(Days::new(1)),
            (Self::Day, false) => date.checked_sub_days(Days::new(1)),
            (Self::Week, true) => date.checked_add_days(Days::new(7)),
            (Self::Week, false) => date.checked_sub_days(Days::new(7)),
            (Self::Month, true) => date.checked_add_months(Months::new(1)),
            (Self::Month, false) => date.checked_sub_months(Months::new(1)),
        };
        moved.unwrap_or(date)
    }
}

/// What the page shows, all of it in the URL so a reload or a shared link shows the same.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    view: View,
    date: NaiveDate,
    department: Option<String>,
    member: Option<String>,
}

impl Shown {
    fn href(&self) -> String {
        let mut href = format!(
            "/admin/calendar?view={}&date={}",
            self.view.key(),
            self.date
        );
        for (key, value) in [("department", &self.department), ("member", &self.member)] {
            if let Some(value) = value {
                href.push_str(&format!("&{key}={value}"));
            }
        }
        href
    }
}

/// A span already read on the wall clock: its first and last day and minute.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Wall {
    start: (NaiveDate, u32),
    end: (NaiveDate, u32),
}

impl Wall {
    fn read(clock: &Clock, start_utc: &str, end_utc: &str) -> Option<Self> {
        Some(Self {
            start: clock.at(zone::millis(start_utc))?,
            end: clock.at(zone::millis(end_utc))?,
        })
    }

    /// Minutes since `day`'s midnight at which the span starts and ends (either may lie on
    /// another day: negative, or past 1440).
    fn on(&self, day: NaiveDate) -> (i64, i64) {
        let minutes =
            |(d, m): (NaiveDate, u32)| (d - day).num_days() * MINUTES_PER_DAY + i64::from(m);
        (minutes(self.start), minutes(self.end))
    }
}

/// The hours the day and week views draw: office hours, widened to whatever the data needs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hours {
    first: i64,
    last: i64,
}

impl Hours {
    fn covering<'a>(days: &[NaiveDate], spans: impl Iterator<Item = &'a Wall>) -> Self {
        let (mut first, mut last) = (8 * 60, 18 * 60);
        for span in spans {
            for day in days {
                let (start, end) = span.on(*day);
                if end > 0 && start < MINUTES_PER_DAY {
                    first = first.min(start.max(0) / 60 * 60);
                    last = last.max((end.min(MINUTES_PER_DAY) + 59) / 60 * 60);
                }
            }
        }
        Self { first, last }
    }

    fn length(self) -> f64 {
        (self.last - self.first) as f64
    }

    /// Where a span of `day` sits in its band, as CSS `top` and `height` percentages; `None`
    /// when none of it is drawn.
    fn place(self, start: i64, end: i64) -> Option<String> {
        let (start, end) = (start.max(self.first), end.min(self.last));
        (end > start).then(|| {
            format!(
                "top:{:.3}%;height:{:.3}%",
                (start - self.first) as f64 * 100.0 / self.length(),
                (end - start) as f64 * 100.0 / self.length()
            )
        })
    }
}

/// A meeting being dragged.
#[derive(Debug, Clone, PartialEq)]
struct Drag {
    booking_id: String,
    title: String,
    member: String,
    start_ms: f64,
    duration_minutes: i64,
    /// How far into the meeting, in minutes, the pointer took hold of it.
    grab_minutes: f64,
    pointer_from: (f64, f64),
    moving: bool,
    target: Option<Target>,
    /// The drop was sent; the ghost stays until the calendar reloads.
    dropped: bool,
}

/// Where a dragged meeting would go.
#[derive(Debug, Clone, PartialEq)]
struct Target {
    member: String,
    day: NaiveDate,
    /// Minutes since the day's midnight.
    minute: i64,
}

#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Checking,
    Free,
    Refused(String),
}

/// The state the page keeps across reloads of the feed.
#[derive(Debug, Clone, Copy)]
struct Board {
    drag: RwSignal<Option<Drag>>,
    verdict: RwSignal<Option<Verdict>>,
    /// Which answer of `check-move` is the latest question's.
    asked: StoredValue<u64>,
    /// The click that ends a drag must not open the meeting.
    swallow_click: StoredValue<bool>,
    selected: RwSignal<Option<String>>,
    notice: RwSignal<Option<(bool, String)>>,
    reload: RwSignal<u32>,
    /// The zone everything is drawn in.
    zone: StoredValue<String>,
    session: Session,
}

#[component]
pub fn Calendar() -> impl IntoView {
    set_title("Calendar");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let zone = session
        .me()
        .map(|me| me.user.timezone)
        .filter(|z| zone::is_known(z))
        .unwrap_or_else(zone::detected);
    let today = zone::today(&zone).unwrap_or_default();
    let shown = Memo::new(move |_| {
        let query = query.read();
        let id = |key: &str| query.get(key).filter(|v| !v.is_empty());
        Shown {
            view: View::parse(query.get("view").as_deref()),
            date: query
                .get("date")
                .and_then(|d| d.parse().ok())
                .unwrap_or(today),
            department: id("department"),
            member: id("member"),
        }
    });
    let board = Board {
        drag: RwSignal::new(None),
        verdict: RwSignal::new(None),
        asked: StoredValue::new(0),
        swallow_click: StoredValue::new(false),
        selected: RwSignal::new(None),
        notice: RwSignal::new(None),
        reload: RwSignal::new(0),
        zone: StoredValue::new(zone.clone()),
        session,
    };
    let departments = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.departments().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let feed = LocalResource::new({
        let zone = zone.clone();
        move || {
            board.reload.track();
            let (client, shown, zone) = (session.client(), shown.get(), zone.clone());
            async move {
                let client = client.ok_or(ApiError::Network)?;
                let days = shown.view.days(shown.date);
                let (first, last) = (days[0], days[days.len() - 1] + Days::new(1));
                let from = zone::instant_of(first, 0, &zone).map(zone::rfc3339);
                let to = zone::instant_of(last, 0, &zone).map(zone::rfc3339);
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(ApiError::Unreadable);
                };
                let feed = client
                    .calendar(&from, &to, shown.department.as_deref())
                    .await;
                if let Err(error) = &feed {
                    on_unauthorized(error);
                }
                feed
            }
        }
    });
    let go = move |next: Shown| navigate(&next.href(), Default::default());
    let go_to = go.clone();
    let title = {
        move || {
            let shown = shown.get();
            let days = shown.view.days(shown.date);
            match shown.view {
                View::Day => zone::day(shown.date, Style::LongDate),
                View::Week => format!(
                    "{} – {}",
                    zone::day(days[0], Style::ShortDate),
                    zone::day(days[6], Style::ShortDate)
                ),
                View::Month => zone::day(shown.date, Style::Month),
            }
        }
    };
    let zone_for_board = zone.clone();
    view! {
        <div class="calendar-page">
            <div class="rc-toolbar">
                <h1>"Calendar"</h1>
                <div class="rc-nav" role="group" aria-label="Dates">
                    <a class="button" href=move || Shown { date: today, ..shown.get() }.href()>"Today"</a>
                    <a class="button" aria-label="Earlier" href=move || { let s = shown.get(); Shown { date: s.view.step(s.date, false), ..s }.href() }>"‹"</a>
                    <a class="button" aria-label="Later" href=move || { let s = shown.get(); Shown { date: s.view.step(s.date, true), ..s }.href() }>"›"</a>
                    <span class="rc-title" aria-live="polite">{title}</span>
                </div>
                <div class="rc-views" role="group" aria-label="View">
                    {[View::Day, View::Week, View::Month]
                        .into_iter()
                        .map(|v| view! {
                            <a class="button" class:active=move || shown.get().view == v
                                aria-current=move || (shown.get().view == v).then_some("true")
                                href=move || Shown { view: v, ..shown.get() }.href()>{v.label()}</a>
                        })
                        .collect_view()}
                </div>
                <label class="rc-filter">
                    <span>"Department"</span>
                    <select on:change=move |e| {
                        let value = event_target_value(&e);
                        go(Shown { department: Some(value).filter(|v| !v.is_empty()), member: None, ..shown.get_untracked() });
                    }>
                        <option value="" selected=move || shown.get().department.is_none()>"All departments"</option>
                        {move || departments.get().unwrap_or_default().into_iter().map(|d| {
                            let id = d.id.clone();
                            view! { <option value=d.id selected=move || shown.get().department.as_deref() == Some(id.as_str())>{d.department_name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="rc-filter">
                    <span>"Member"</span>
                    <select on:change=move |e| {
                        let value = event_target_value(&e);
                        go_to(Shown { member: Some(value).filter(|v| !v.is_empty()), ..shown.get_untracked() });
                    }>
                        <option value="" selected=move || shown.get().member.is_none()>"Everyone"</option>
                        {move || feed.get().and_then(Result::ok).map(|f| f.resources).unwrap_or_default().into_iter().map(|r| {
                            let id = r.user_id.clone();
                            view! { <option value=r.user_id selected=move || shown.get().member.as_deref() == Some(id.as_str())>{r.full_name}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="meta rc-legend">
                {format!("Times in {} · ", zone::label(&zone))}
                {["confirmed", "pending", "cancelled", "completed", "no_show"].into_iter().map(|s| view! {
                    <span class=format!("legend {}", status::class(s, "customer"))>{status::label(s)}</span>
                }).collect_view()}
                <span class="legend st-internal">"Internal"</span>
                <span class="legend busy">"Busy elsewhere"</span>
            </p>
            {move || board.notice.get().map(|(ok, text)| view! {
                <div class=if ok { "notice success" } else { "notice error" } role="status">
                    {text}
                    <button type="button" class="link" aria-label="Dismiss" on:click=move |_| board.notice.set(None)>"×"</button>
                </div>
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let zone = zone_for_board.clone();
                    Suspend::new(async move {
                        let loaded = feed.await;
                        if board.drag.get_untracked().is_some_and(|d| d.dropped) {
                            board.drag.set(None);
                            board.verdict.set(None);
                        }
                        match loaded {
                            Ok(feed) => {
                                let shown = shown.get_untracked();
                                view! { <Grid feed shown zone board /> }.into_any()
                            }
                            Err(error) => view! { <Problem error /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            {move || board.selected.get().map(|id| {
                let names = feed.get().and_then(Result::ok).map(|f| names(&f.resources)).unwrap_or_default();
                let members = feed.get().and_then(Result::ok).map(|f| f.resources).unwrap_or_default();
                view! {
                    <BookingPanel id names members zone=zone.clone()
                        on_close=Callback::new(move |()| board.selected.set(None))
                        on_change=Callback::new(move |()| board.reload.update(|n| *n += 1)) />
                }
            })}
        </div>
    }
}

fn names(resources: &[CalendarResource]) -> BTreeMap<String, String> {
    resources
        .iter()
        .map(|r| (r.user_id.clone(), r.full_name.clone()))
        .collect()
}

/// The feed drawn for one view.
#[component]
fn Grid(feed: CalendarFeed, shown: Shown, zone: String, board: Board) -> impl IntoView {
    let Some(clock) = Clock::new(&zone) else {
        return view! { <p class="notice error">"This browser does not know your time zone."</p> }
            .into_any();
    };
    let days = shown.view.days(shown.date);
    let resources: Vec<CalendarResource> = feed
        .resources
        .iter()
        .filter(|r| shown.member.as_ref().is_none_or(|m| *m == r.user_id))
        .cloned()
        .collect();
    let events: Vec<(CalendarEvent, Wall)> = feed
        .events
        .into_iter()
        .filter_map(|e| Wall::read(&clock, &e.start_utc, &e.end_utc).map(|w| (e, w)))
        .collect();
    if shown.view == View::Month {
        return view! { <MonthGrid shown days events zone board /> }.into_any();
    }
    if resources.is_empty() {
        return view! { <p class="empty">"No one to show here: choose another department or member."</p> }
            .into_any();
    }
    let working: BTreeMap<String, Vec<Wall>> = resources
        .iter()
        .map(|r| {
            let spans = r
                .working
                .iter()
                .filter_map(|s| Wall::read(&clock, &s.start_utc, &s.end_utc))
                .collect();
            (r.user_id.clone(), spans)
        })
        .collect();
    let busy: Vec<(String, String, Wall)> = feed
        .busy
        .iter()
        .filter_map(|b| {
            Wall::read(&clock, &b.start_utc, &b.end_utc)
                .map(|w| (b.user_id.clone(), b.source.clone(), w))
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
                        let at = format!("1970-01-01T{:02}:{:02}:00Z", m / 60, m % 60);
                        view! { <span style=hours.place(m, m + 60).unwrap_or_default()>{zone::instant(&at, "UTC", Style::Time)}</span> }
                    }).collect_view();
                    let columns = resources.iter().map(|r| {
                        let member = r.user_id.clone();
                        let open = working.get(&member).into_iter().flatten().filter_map(|w| {
                            let (s, e) = w.on(day);
                            hours.place(s, e).map(|style| view! { <div class="rc-working" style=style></div> })
                        }).collect_view();
                        let blocked = busy.iter().filter(|(user, _, _)| *user == member).filter_map(|(_, source, w)| {
                            let (s, e) = w.on(day);
                            hours.place(s, e).map(|style| view! {
                                <div class="rc-busy" style=style title=format!("Busy ({})", source_label(source))>
                                    <span>{source_label(source)}</span>
                                </div>
                            })
                        }).collect_view();
                        let meetings = events.iter().filter(|(e, _)| e.assigned_to == member || e.participants.contains(&member)).filter_map(|(e, w)| {
                            let (s, end) = w.on(day);
                            let place = hours.place(s, end)?;
                            let times = format!("{} – {}", time_of(zone::millis(&e.start_utc)), time_of(zone::millis(&e.end_utc)));
                            Some(view! { <EventBlock event=e.clone() place times starts_at=s hosted=e.assigned_to == member hours board /> })
                        }).collect_view();
                        let ghost = {
                            let member = member.clone();
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
                                        <strong>{zone::instant(&zone::rfc3339(start), &board.zone.get_value(), Style::Time)}</strong>
                                        <span>{says}</span>
                                    </div>
                                })
                            }
                        };
                        view! {
                            <div class="rc-cell" data-member=member.clone() data-day=day.to_string()
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

fn source_label(source: &str) -> &'static str {
    match source {
        "google" => "Google",
        "outlook" => "Outlook",
        "ical" => "iCal",
        _ => "Busy",
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
    let movable = hosted && status::is_movable(&event.status);
    let class = format!(
        "rc-event {}{}",
        status::class(&event.status, &event.booking_type),
        if movable { " movable" } else { "" }
    );
    let style = format!("{place};--type-colour:{}", event.color);
    let id = event.booking_id.clone();
    let dragging = {
        let id = id.clone();
        move || {
            board
                .drag
                .with(|d| d.as_ref().is_some_and(|d| d.booking_id == id && d.moving))
        }
    };
    let start_ms = zone::millis(&event.start_utc);
    let duration_minutes = ((zone::millis(&event.end_utc) - start_ms) / 60_000.0).round() as i64;
    let on_down = {
        let (id, title, member) = (id.clone(), event.title.clone(), event.assigned_to.clone());
        move |ev: ev::PointerEvent| {
            if !movable || ev.button() != 0 {
                return;
            }
            let Some(block) = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let _ = block.set_pointer_capture(ev.pointer_id());
            let grab = block
                .closest(".rc-cell")
                .ok()
                .flatten()
                .map(|cell| minute_at(&cell, f64::from(ev.client_y()), hours) - starts_at as f64)
                .unwrap_or(0.0);
            board.drag.set(Some(Drag {
                booking_id: id.clone(),
                title: title.clone(),
                member: member.clone(),
                start_ms,
                duration_minutes,
                grab_minutes: grab,
                pointer_from: (f64::from(ev.client_x()), f64::from(ev.client_y())),
                moving: false,
                target: None,
                dropped: false,
            }));
        }
    };
    let on_move = move |ev: ev::PointerEvent| {
        let Some(mut drag) = board.drag.get_untracked().filter(|d| !d.dropped) else {
            return;
        };
        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        if !drag.moving {
            let (x0, y0) = drag.pointer_from;
            if (x - x0).hypot(y - y0) < DRAG_THRESHOLD_PX {
                return;
            }
            drag.moving = true;
        }
        ev.prevent_default();
        scroll_near_edges(x, y);
        let target = target_at(x, y, &drag, hours);
        if target != drag.target {
            drag.target = target.clone();
            ask(board, &drag);
        }
        board.drag.set(Some(drag));
    };
    let on_up = move |_ev: ev::PointerEvent| {
        let Some(drag) = board.drag.get_untracked().filter(|d| !d.dropped) else {
            return;
        };
        if !drag.moving {
            board.drag.set(None);
            return;
        }
        board.swallow_click.set_value(true);
        drop_meeting(board, drag);
    };
    let on_cancel = move |_ev: ev::PointerEvent| {
        if board.drag.get_untracked().is_some_and(|d| !d.dropped) {
            board.drag.set(None);
            board.verdict.set(None);
        }
    };
    let open = {
        let id = id.clone();
        move |_| {
            if board.swallow_click.get_value() {
                board.swallow_click.set_value(false);
                return;
            }
            board.selected.set(Some(id.clone()));
        }
    };
    view! {
        <button type="button" class=class style=style class:dragging=dragging
            data-booking=id
            aria-label=format!("{} · {} · {}{}", event.title, times, status::label(&event.status), if movable { " · drag to move" } else { "" })
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel
            on:click=open>
            <span class="rc-event-time">{times.clone()}</span>
            <span class="rc-event-title">{event.title.clone()}</span>
        </button>
    }
}

/// Minutes since the band's midnight at a viewport height inside a column cell.
fn minute_at(cell: &web_sys::Element, client_y: f64, hours: Hours) -> f64 {
    let rect = cell.get_bounding_client_rect();
    let share = ((client_y - rect.top()) / rect.height().max(1.0)).clamp(0.0, 1.0);
    hours.first as f64 + share * hours.length()
}

/// The member and time under the pointer, on the snap grid, keeping the meeting inside the
/// drawn hours.
fn target_at(x: f64, y: f64, drag: &Drag, hours: Hours) -> Option<Target> {
    let document = web_sys::window()?.document()?;
    #[allow(clippy::cast_possible_truncation)]
    let under = document.element_from_point(x as f32, y as f32)?;
    let cell = under.closest(".rc-cell").ok()??;
    let member = cell.get_attribute("data-member")?;
    let day: NaiveDate = cell.get_attribute("data-day")?.parse().ok()?;
    let start = minute_at(&cell, y, hours) - drag.grab_minutes;
    let snapped = (start / SNAP_MINUTES as f64).round() as i64 * SNAP_MINUTES;
    let latest = (hours.last - drag.duration_minutes).max(hours.first);
    Some(Target {
        member,
        day,
        minute: snapped.clamp(hours.first, latest),
    })
}

/// Scrolls the page or the calendar when a drag nears their edges, so every column and hour
/// can be reached with the pointer held down.
fn scroll_near_edges(x: f64, y: f64) {
    const EDGE: f64 = 40.0;
    const STEP: f64 = 24.0;
    let Some(window) = web_sys::window() else {
        return;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if y < EDGE {
        window.scroll_by_with_x_and_y(0.0, -STEP);
    } else if y > height - EDGE {
        window.scroll_by_with_x_and_y(0.0, STEP);
    }
    let scroller = window
        .document()
        .and_then(|d| d.query_selector(".rc-scroll").ok().flatten());
    if let Some(scroller) = scroller {
        let rect = scroller.get_bounding_client_rect();
        if x < rect.left() + EDGE {
            scroller.scroll_by_with_x_and_y(-STEP, 0.0);
        } else if x > rect.right() - EDGE {
            scroller.scroll_by_with_x_and_y(STEP, 0.0);
        }
    }
}

/// The target's start as an instant, or `None` when the drag is back where it began.
fn target_start(drag: &Drag, zone: &str) -> Option<(Target, f64)> {
    let target = drag.target.clone()?;
    let start = zone::instant_of(target.day, u32::try_from(target.minute).ok()?, zone)?;
    let unchanged = target.member == drag.member && (start - drag.start_ms).abs() < 1.0;
    (!unchanged).then_some((target, start))
}

/// Asks the server whether the target is free; only the latest question's answer is shown.
fn ask(board: Board, drag: &Drag) {
    let asked = board.asked.get_value() + 1;
    board.asked.set_value(asked);
    let Some((target, start)) = target_start(drag, &board.zone.get_value()) else {
        board.verdict.set(None);
        return;
    };
    board.verdict.set(Some(Verdict::Checking));
    let Some(client) = board.session.client() else {
        return;
    };
    let id = drag.booking_id.clone();
    spawn_local(async move {
        let answer = client
            .check_move(&id, target.member, zone::rfc3339(start))
            .await;
        if board.asked.get_value() != asked {
            return;
        }
        board.verdict.set(Some(match answer {
            Ok(result) if result.ok => Verdict::Free,
            Ok(result) => Verdict::Refused(
                result
                    .conflicts
                    .into_iter()
                    .map(|c| c.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Err(error) => {
                on_unauthorized(&error);
                Verdict::Refused(error.to_string())
            }
        }));
    });
}

/// Ends a drag: a refused or pointless drop snaps back; otherwise the meeting is reassigned
/// and/or rescheduled and the calendar reloads.
fn drop_meeting(board: Board, drag: Drag) {
    let zone = board.zone.get_value();
    let Some((target, start)) = target_start(&drag, &zone) else {
        board.drag.set(None);
        board.verdict.set(None);
        return;
    };
    if let Some(Verdict::Refused(why)) = board.verdict.get_untracked() {
        board.drag.set(None);
        board.verdict.set(None);
        board.notice.set(Some((
            false,
            format!("{} was not moved: {why}", drag.title),
        )));
        return;
    }
    let Some(client) = board.session.client() else {
        return;
    };
    board.drag.set(Some(Drag {
        target: Some(target.clone()),
        dropped: true,
        ..drag.clone()
    }));
    let moved_in_time = (start - drag.start_ms).abs() >= 1.0;
    let new_host = (target.member != drag.member).then(|| target.member.clone());
    spawn_local(async move {
        let answer = if moved_in_time {
            client
                .reschedule(&drag.booking_id, zone::rfc3339(start), new_host)
                .await
        } else {
            client
                .reassign(&drag.booking_id, target.member.clone(), None)
                .await
        };
        let when = zone::instant(&zone::rfc3339(start), &zone, Style::Time);
        board.notice.set(Some(match answer {
            Ok(_) => (true, format!("{} moved to {when}.", drag.title)),
            Err(error) => {
                on_unauthorized(&error);
                (false, format!("{} was not moved: {error}", drag.title))
            }
        }));
        board.reload.update(|n| *n += 1);
    });
}

/// The month at a glance: each day's meetings in order; a day opens its day view.
#[component]
fn MonthGrid(
    shown: Shown,
    days: Vec<NaiveDate>,
    events: Vec<(CalendarEvent, Wall)>,
    zone: String,
    board: Board,
) -> impl IntoView {
    let times = Writer::new(&zone, Style::Time);
    let month = shown.date.month();
    let mut by_day: BTreeMap<NaiveDate, Vec<(f64, CalendarEvent)>> = BTreeMap::new();
    for (event, wall) in events {
        let member_matches = shown
            .member
            .as_ref()
            .is_none_or(|m| event.assigned_to == *m || event.participants.contains(m));
        if member_matches {
            by_day
                .entry(wall.start.0)
                .or_default()
                .push((zone::millis(&event.start_utc), event));
        }
    }
    view! {
        <div class="rc-month" role="grid" aria-label="Month">
            {days.iter().take(7).map(|d| view! { <div class="rc-weekday" role="columnheader">{zone::day(*d, Style::Weekday)}</div> }).collect_view()}
            {days.into_iter().map(|day| {
                let mut meetings = by_day.remove(&day).unwrap_or_default();
                meetings.sort_by(|a, b| a.0.total_cmp(&b.0));
                let href = Shown { view: View::Day, date: day, ..shown.clone() }.href();
                view! {
                    <div class="rc-mday" class:outside=day.month() != month role="gridcell">
                        <a class="rc-mday-number" href=href aria-label=zone::day(day, Style::LongDate)>{day.day()}</a>
                        <ul>
                            {meetings.into_iter().map(|(start, e)| {
                                let id = e.booking_id.clone();
                                let time = times.as_ref().map(|w| w.write(start)).unwrap_or_default();
                                view! {
                                    <li><button type="button" class=format!("rc-mevent {}", status::class(&e.status, &e.booking_type))
                                        on:click=move |_| board.selected.set(Some(id.clone()))>
                                        <span class="rc-event-time">{time}</span>" "{e.title}
                                    </button></li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
