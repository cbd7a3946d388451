//! The month at a glance.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use mm_api_types::calendar::CalendarEvent;

use super::{
    Board, Shown,
    geometry::{View, Wall},
};
use crate::{
    staff::status,
    zone::{self, Style, Writer},
};

/// The month at a glance: each day's meetings in order; a day opens its day view.
#[component]
pub(super) fn MonthGrid(
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
            .is_none_or(|m| event.assigned_to == m || event.participants.contains(&m));
        if member_matches {
            by_day
                .entry(wall.start.0)
                .or_default()
                .push((zone::millis(event.start_utc), event));
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
                                let id = e.booking_id;
                                let time = times.as_ref().map(|w| w.write(start)).unwrap_or_default();
                                view! {
                                    <li><button type="button" class=format!("rc-mevent {}", status::class(e.status, e.booking_type))
                                        on:click=move |_| board.selected.set(Some(id))>
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
