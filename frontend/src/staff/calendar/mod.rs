//! `/admin/calendar`: the resource calendar. One column per member the signed-in person may see,
//! for a day or a week, or a month at a glance; working hours unshaded, time kept busy by other
//! calendars hatched, meetings coloured by status. Meetings are dragged with pointer events
//! (mouse, pen or touch) to another member and/or time: while dragging, the server's
//! `check-move` paints the target green, or red with its reason, and dropping reassigns or
//! reschedules through the same endpoints as everything else. A refused drop snaps back.
//!
//! Everything is drawn in the signed-in person's time zone; positions are wall-clock minutes, so
//! a day on which the clocks change is drawn as the clocks read it.

mod drag;
mod geometry;
mod grid;
mod month;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{BookingStatus, BookingType, calendar::CalendarResource};
use uuid::Uuid;

use super::{Session, booking::BookingPanel, on_unauthorized, status};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone::{self, Style},
};
use drag::{Drag, Verdict};
use geometry::View;
use grid::Grid;

/// What the page shows, all of it in the URL so a reload or a shared link shows the same.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    view: View,
    date: NaiveDate,
    department: Option<Uuid>,
    member: Option<Uuid>,
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

/// The state the page keeps across reloads of the feed.
#[derive(Debug, Clone, Copy)]
struct Board {
    drag: RwSignal<Option<Drag>>,
    verdict: RwSignal<Option<Verdict>>,
    /// Which answer of `check-move` is the latest question's.
    asked: StoredValue<u64>,
    /// The click that ends a drag must not open the meeting.
    swallow_click: StoredValue<bool>,
    selected: RwSignal<Option<Uuid>>,
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
        // A filter that is not an id shows everything rather than nothing.
        let id = |key: &str| query.get(key).and_then(|v| v.parse().ok());
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
                let feed = client.calendar(&from, &to, shown.department).await;
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
                        go(Shown { department: value.parse().ok(), member: None, ..shown.get_untracked() });
                    }>
                        <option value="" selected=move || shown.get().department.is_none()>"All departments"</option>
                        {move || departments.get().unwrap_or_default().into_iter().map(|d| {
                            let id = d.id;
                            view! { <option value=id.to_string() selected=move || shown.get().department == Some(id)>{d.department_name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="rc-filter">
                    <span>"Member"</span>
                    <select on:change=move |e| {
                        let value = event_target_value(&e);
                        go_to(Shown { member: value.parse().ok(), ..shown.get_untracked() });
                    }>
                        <option value="" selected=move || shown.get().member.is_none()>"Everyone"</option>
                        {move || feed.get().and_then(Result::ok).map(|f| f.resources).unwrap_or_default().into_iter().map(|r| {
                            let id = r.user_id;
                            view! { <option value=id.to_string() selected=move || shown.get().member == Some(id)>{r.full_name}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="meta rc-legend">
                {format!("Times in {} · ", zone::label(&zone))}
                {BookingStatus::ALL.iter().map(|&s| view! {
                    <span class=format!("legend {}", status::class(s, BookingType::Customer))>{status::label(s)}</span>
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

fn names(resources: &[CalendarResource]) -> BTreeMap<Uuid, String> {
    resources
        .iter()
        .map(|r| (r.user_id, r.full_name.clone()))
        .collect()
}
