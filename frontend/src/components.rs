//! The pieces the wizard's pages share: loading and error states, the step indicator, the time
//! zone picker, the month calendar and the list of times.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use leptos::{ev, prelude::*};
use mm_api_types::public::PublicSlot;
use wasm_bindgen::JsCast;

use crate::{
    api::ApiError,
    wizard::VisitorZone,
    zone::{self, Style},
};

/// Sets the tab's title, so every step is announced and findable in the history.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · Meeting Manager"));
    }
}

#[component]
pub fn Loading(#[prop(default = "Loading…")] label: &'static str) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// A failed request: 404s read as "not found", everything else with the server's words.
#[component]
pub fn Problem(error: ApiError, #[prop(default = "page")] what: &'static str) -> impl IntoView {
    if error.is_not_found() {
        view! { <NotFound what=what /> }.into_any()
    } else {
        view! {
            <div class="notice error" role="alert">
                <p>{error.to_string()}</p>
                <p><a href="" on:click=|ev: ev::MouseEvent| {
                    ev.prevent_default();
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }>"Try again"</a></p>
            </div>
        }
        .into_any()
    }
}

#[component]
pub fn NotFound(what: &'static str) -> impl IntoView {
    set_title("Not found");
    view! {
        <section class="not-found">
            <h1>{format!("We couldn't find that {what}")}</h1>
            <p>"The link may be mistyped, or the page is no longer offered."</p>
            <p><a class="button" href="/book">"See all departments"</a></p>
        </section>
    }
}

const STEP_NAMES: [&str; 6] = ["Department", "Meeting", "Date", "Time", "Details", "Done"];

/// "Step 3 of 6" with the six steps as a progress bar.
#[component]
pub fn Steps(current: usize) -> impl IntoView {
    view! {
        <nav class="steps" aria-label="Booking progress">
            <p class="step-count">{format!("Step {current} of 6 · {}", STEP_NAMES[current - 1])}</p>
            <ol>
                {STEP_NAMES
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let n = i + 1;
                        let state = if n < current {
                            "done"
                        } else if n == current {
                            "current"
                        } else {
                            "todo"
                        };
                        view! {
                            <li class=state aria-current=(n == current).then_some("step")>
                                <span class="visually-hidden">{*name}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// The visitor's zone with a searchable list of every zone the browser knows.
#[component]
pub fn ZonePicker() -> impl IntoView {
    let visitor = expect_context::<VisitorZone>();
    let (open, set_open) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let choose = move |value: String| {
        let value = value.trim().replace(' ', "_");
        if zone::is_known(&value) {
            visitor.set(value);
            set_problem.set(None);
            set_open.set(false);
        } else {
            set_problem.set(Some("Choose a time zone from the list.".to_owned()));
        }
    };
    view! {
        <div class="zone-picker">
            <p>
                "Times are shown in "
                <strong data-zone=move || visitor.get()>{move || zone::label(&visitor.get())}</strong>
                " "
                <button type="button" class="link" aria-expanded=move || open.get().to_string()
                    on:click=move |_| set_open.update(|o| *o = !*o)>
                    "Change time zone"
                </button>
            </p>
            <Show when=move || open.get()>
                <label for="zone-search">"Time zone"</label>
                <input id="zone-search" type="search" list="zone-list" autocomplete="off"
                    placeholder="Search, e.g. New York"
                    on:change=move |ev| choose(event_target_value(&ev))
                    on:keydown=move |ev: ev::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            choose(event_target_value(&ev));
                        }
                    } />
                <datalist id="zone-list">
                    {zone::all()
                        .into_iter()
                        .map(|z| view! { <option value=zone::label(&z)></option> })
                        .collect_view()}
                </datalist>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </Show>
        </div>
    }
}

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

/// The key of a slot in a step's URL: its local `HH:MM`, with the offset only on the one day a
/// year when a clock time happens twice.
pub fn slot_key(slot: &PublicSlot, day: &[PublicSlot]) -> String {
    let clock = |s: &PublicSlot| s.start_local.get(11..16).unwrap_or_default().to_owned();
    let time = clock(slot);
    if day.iter().filter(|s| clock(s) == time).count() > 1 {
        let offset = slot.start_local.get(19..).unwrap_or_default();
        format!("{time}{offset}")
    } else {
        time
    }
}

/// The slot a URL's time key names.
pub fn find_slot<'a>(key: &str, day: &'a [PublicSlot]) -> Option<&'a PublicSlot> {
    day.iter().find(|s| slot_key(s, day) == key)
}

/// A day's times as links, each with its duration.
#[component]
pub fn SlotList(
    slots: Vec<PublicSlot>,
    duration: u32,
    href: Callback<PublicSlot, String>,
) -> impl IntoView {
    let visitor = expect_context::<VisitorZone>();
    let zone = visitor.get_untracked();
    view! {
        <ul class="slots" aria-label="Available times">
            {slots
                .into_iter()
                .map(|slot| {
                    let time = zone::instant(slot.start_utc, &zone, Style::Time);
                    let link = href.run(slot.clone());
                    view! {
                        <li>
                            <a class="slot" href=link data-start-utc=zone::wire(slot.start_utc)>
                                <span class="slot-time">{time}</span>
                                <span class="slot-duration">{format!("{duration} min")}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The notice a previous page left for this one, shown once.
#[component]
pub fn PassedNotice() -> impl IntoView {
    crate::storage::take::<String>(crate::storage::NOTICE).map(|text| {
        view! { <div class="notice warning" role="alert">{text}</div> }
    })
}
