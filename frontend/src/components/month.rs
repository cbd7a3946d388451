//! A month of days to pick from, with keyboard navigation across weeks and months.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

use crate::zone::{self, Style};

/// First day of the month `YYYY-MM` names.
pub fn parse_month(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

pub fn month_key(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

/// A month of days, Monday first: available days are buttons that choose the day; the others
/// stay focusable but inert, so arrow keys move through the whole month.
#[component]
pub fn MonthCalendar(
    /// The month's first day.
    month: NaiveDate,
    available: BTreeSet<NaiveDate>,
    /// Highlighted as the next available day.
    next: Option<NaiveDate>,
    /// Where the previous and next month buttons go, if they go anywhere.
    previous_href: Option<String>,
    next_href: String,
    on_pick: Callback<NaiveDate>,
) -> impl IntoView {
    let last = month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month);
    let lead = month.weekday().num_days_from_monday();
    let focus_day = next
        .filter(|d| available.contains(d))
        .or_else(|| available.iter().next().copied())
        .unwrap_or(month);
    let weekday_names: Vec<String> = (0..7)
        .map(|i| {
            zone::day(
                NaiveDate::from_isoywd_opt(2024, 1, chrono::Weekday::Mon).unwrap_or(month)
                    + Days::new(i),
                Style::Weekday,
            )
        })
        .collect();
    let mut cells: Vec<Option<NaiveDate>> = vec![None; lead as usize];
    cells.extend(month.iter_days().take_while(|d| *d <= last).map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let rows: Vec<Vec<Option<NaiveDate>>> = cells.chunks(7).map(<[_]>::to_vec).collect();
    let keys = move |ev: ev::KeyboardEvent| {
        let step: i64 = match ev.key().as_str() {
            "ArrowLeft" => -1,
            "ArrowRight" => 1,
            "ArrowUp" => -7,
            "ArrowDown" => 7,
            _ => return,
        };
        let Some(current) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .and_then(|e| e.get_attribute("data-date"))
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        else {
            return;
        };
        let target = if step > 0 {
            current.checked_add_days(Days::new(step.unsigned_abs()))
        } else {
            current.checked_sub_days(Days::new(step.unsigned_abs()))
        };
        if let Some(target) = target.filter(|t| *t >= month && *t <= last) {
            ev.prevent_default();
            focus_element(&day_id(target));
        }
    };
    view! {
        <div class="calendar">
            <div class="calendar-nav">
                {match previous_href {
                    Some(href) => view! { <a class="button secondary" href=href aria-label="Previous month">"‹"</a> }.into_any(),
                    None => view! { <span class="button secondary disabled" aria-hidden="true">"‹"</span> }.into_any(),
                }}
                <h2 aria-live="polite">{zone::day(month, Style::Month)}</h2>
                <a class="button secondary" href=next_href aria-label="Next month">"›"</a>
            </div>
            <table role="grid" on:keydown=keys>
                <thead>
                    <tr>{weekday_names.into_iter().map(|n| view! { <th scope="col">{n}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    {row
                                        .into_iter()
                                        .map(|cell| match cell {
                                            None => view! { <td></td> }.into_any(),
                                            Some(date) => {
                                                let free = available.contains(&date);
                                                let is_next = next == Some(date);
                                                let mut class = String::from("day");
                                                if free {
                                                    class.push_str(" available");
                                                }
                                                if is_next {
                                                    class.push_str(" next");
                                                }
                                                let label = format!(
                                                    "{}{}",
                                                    zone::day(date, Style::LongDate),
                                                    if is_next { ", next available" } else if free { ", available" } else { ", unavailable" },
                                                );
                                                view! {
                                                    <td>
                                                        <button type="button" id=day_id(date) class=class
                                                            data-date=date.to_string()
                                                            aria-label=label
                                                            aria-disabled=(!free).then_some("true")
                                                            tabindex=if date == focus_day { "0" } else { "-1" }
                                                            on:click=move |_| if free { on_pick.run(date) }>
                                                            {date.day()}
                                                        </button>
                                                    </td>
                                                }
                                                .into_any()
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn day_id(date: NaiveDate) -> String {
    format!("day-{date}")
}

fn focus_element(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}
