//! Steps one to four: department, meeting type, date, time. Each reads everything it shows from
//! its URL and the API, so a reload, a shared link or the back button lands on the same step.

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{
    FunnelStep,
    public::{AvailableDates, DaySlots, PublicSlot},
};

use super::{duration_label, location_label, param};
use crate::{
    api::{self, ApiResult, Choice},
    components::{
        Loading, MonthCalendar, NotFound, PassedNotice, Problem, SlotList, Steps, ZonePicker,
        month_key, parse_month, set_title, slot_key,
    },
    wizard::{
        Frame, VisitorZone, funnel,
        repeat::{self, RepeatChoice},
    },
    zone::{self, Style},
};
use mm_domain::recurrence::Recurrence;

/// Step 1: every department that takes bookings.
#[component]
pub fn Departments() -> impl IntoView {
    set_title("Book a meeting");
    let frame = expect_context::<Frame>();
    let departments = LocalResource::new(api::departments);
    view! {
        <Steps current=1 />
        <h1>"Who would you like to meet?"</h1>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match departments.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No department takes bookings right now. Please come back later."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards">
                            {list.into_iter().map(|d| {
                                let count = d.meeting_type_count;
                                view! {
                                    <li>
                                        <a class="card" href=frame.path(&[&d.department_slug])>
                                            // Element Timing lets `just bench-web` see when the cards are on screen.
                                            {leptos::html::h2().attr("elementtiming", "departments").child(d.department_name.clone())}
                                            {d.description.clone().map(|text| view! { <p>{text}</p> })}
                                            <p class="meta">{format!("{count} meeting type{}", if count == 1 { "" } else { "s" })}</p>
                                            <span class="cta">{format!("Book with {}", d.department_name)}</span>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <Problem error=error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Step 2: a department's public meeting types.
#[component]
pub fn MeetingTypes() -> impl IntoView {
    let frame = expect_context::<Frame>();
    let department = param("department");
    let loaded = LocalResource::new(move || {
        let slug = department();
        async move {
            let (found, types) = futures::join!(api::department(&slug), api::meeting_types(&slug));
            ApiResult::Ok((found?, types?))
        }
    });
    view! {
        <Steps current=2 />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((department, types)) => {
                        set_title(&department.department_name);
                        let slug = department.department_slug.clone();
                        funnel::reached(&slug, None, FunnelStep::Department);
                        view! {
                            {(frame == Frame::Site).then(|| view! { <a class="back" href="/book">"‹ All departments"</a> })}
                            <h1>{department.department_name.clone()}</h1>
                            {department.description.clone().map(|text| view! { <p class="lead">{text}</p> })}
                            <h2 class="section">"What would you like to talk about?"</h2>
                            <ul class="cards">
                                {types.into_iter().map(|t| view! {
                                    <li>
                                        <a class="card" href=frame.path(&[&slug, &t.meeting_slug])>
                                            <h3>{t.meeting_name.clone()}</h3>
                                            <p class="meta">
                                                <span class="duration">{duration_label(t.duration)}</span>
                                                " · "{location_label(t.location_type)}
                                                {t.requires_approval.then_some(" · Confirmed after review")}
                                            </p>
                                            {t.description.clone().map(|text| view! { <p>{text}</p> })}
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(error) => view! { <Problem error=error what="department" /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The chosen department and meeting type, with a way back to change them.
#[component]
pub fn ChoiceSummary(choice: Choice, #[prop(optional)] when: Option<String>) -> impl IntoView {
    let frame = expect_context::<Frame>();
    let Choice {
        department,
        meeting_type,
    } = choice;
    view! {
        <div class="summary">
            <p class="summary-what">
                <strong>{meeting_type.meeting_name.clone()}</strong>
                " with "{department.department_name.clone()}
            </p>
            <p class="meta">
                {duration_label(meeting_type.duration)}" · "{location_label(meeting_type.location_type)}
                {when.map(|w| view! { " · "<span class="summary-when">{w}</span> })}
            </p>
            <a class="link" href=frame.path(&[&department.department_slug])>"Change meeting type"</a>
        </div>
    }
}

/// The first of the month `date` lies in.
fn first_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// Step 3 (and the first step of rescheduling): a month of days, the days with free times
/// selectable, the next free day highlighted.
#[component]
pub fn DatePicker(
    department: Signal<String>,
    meeting: Signal<String>,
    /// Where a chosen day leads.
    day_href: Callback<NaiveDate, String>,
    /// The same page showing another month.
    month_href: Callback<NaiveDate, String>,
) -> impl IntoView {
    let visitor = expect_context::<VisitorZone>();
    let navigate = use_navigate();
    let query = use_query_map();
    let asked = Memo::new(move |_| query.read().get("month").and_then(|m| parse_month(&m)));
    let dates = LocalResource::new(move || {
        let (department, meeting, zone, asked) =
            (department.get(), meeting.get(), visitor.get(), asked.get());
        async move {
            let this_month = first_of(zone::today(&zone).unwrap_or(NaiveDate::MIN));
            let month = asked.unwrap_or(this_month);
            let load = |month: NaiveDate| {
                let (department, meeting, zone) =
                    (department.clone(), meeting.clone(), zone.clone());
                async move {
                    api::available_dates(&department, &meeting, &month_key(month), &zone).await
                }
            };
            let found: AvailableDates = load(month).await?;
            // A visitor arriving without a month sees the first month with a free day.
            let next = found
                .next_available_utc
                .and_then(|utc| zone::date_of(utc, &zone));
            if asked.is_none()
                && found.available_dates.is_empty()
                && let Some(next_month) = next.map(first_of).filter(|m| *m > month)
            {
                return ApiResult::Ok((this_month, next_month, load(next_month).await?, next));
            }
            Ok((this_month, month, found, next))
        }
    });
    // A month or zone change keeps the calendar on screen while the next one loads.
    let updating = RwSignal::new(false);
    view! {
        <Show when=move || updating.get()>
            <Loading label="Updating…" />
        </Show>
        <Transition fallback=|| view! { <Loading label="Finding free days…" /> } set_pending=updating>
            {move || {
                let navigate = navigate.clone();
                Suspend::new(async move {
                    match dates.await {
                        Ok((this_month, month, found, next)) => {
                            let available: BTreeSet<NaiveDate> =
                                found.available_dates.iter().copied().collect();
                            let previous_href = (month > this_month)
                                .then(|| month.checked_sub_months(Months::new(1)))
                                .flatten()
                                .map(|m| month_href.run(m));
                            let next_href = month_href.run(month.checked_add_months(Months::new(1)).unwrap_or(month));
                            let on_pick = Callback::new(move |day: NaiveDate| {
                                navigate(&day_href.run(day), Default::default());
                            });
                            view! {
                                {match next {
                                    Some(day) => view! {
                                        <p class="next-available">
                                            "Next available: "
                                            <a href=day_href.run(day)>{zone::day(day, Style::LongDate)}</a>
                                        </p>
                                    }.into_any(),
                                    None => view! {
                                        <p class="notice">"There are no free times in the coming months. Please try another meeting type."</p>
                                    }.into_any(),
                                }}
                                <MonthCalendar month=month available=available next=next
                                    previous_href=previous_href next_href=next_href on_pick=on_pick />
                            }.into_any()
                        }
                        Err(error) => view! { <Problem error=error what="meeting type" /> }.into_any(),
                    }
                })
            }}
        </Transition>
        <ZonePicker />
    }
}

/// Step 3: choose a date.
#[component]
pub fn DateStep() -> impl IntoView {
    let frame = expect_context::<Frame>();
    let (department, meeting) = (param("department"), param("meeting"));
    let choice = LocalResource::new(move || {
        let (d, m) = (department(), meeting());
        async move { api::choice(&d, &m).await }
    });
    view! {
        <Steps current=3 />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match choice.await {
                    Ok(choice) => {
                        set_title(&format!("{}: choose a date", choice.meeting_type.meeting_name));
                        funnel::reached(&department(), Some(&meeting()), FunnelStep::MeetingType);
                        view! {
                            <ChoiceSummary choice=choice />
                            <h1>"Choose a date"</h1>
                            <DatePicker department=Signal::derive(department) meeting=Signal::derive(meeting)
                                day_href=Callback::new(move |day: NaiveDate| frame.path(&[&department(), &meeting(), &day.to_string()]))
                                month_href=Callback::new(move |month: NaiveDate| format!("{}?month={}", frame.path(&[&department(), &meeting()]), month_key(month))) />
                        }.into_any()
                    }
                    Err(error) => view! { <Problem error=error what="meeting type" /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A day's free times in the visitor's zone.
#[component]
pub fn TimePicker(
    department: Signal<String>,
    meeting: Signal<String>,
    date: Signal<String>,
    slot_href: Callback<(PublicSlot, Vec<PublicSlot>), String>,
    /// Back to the calendar, showing the day's month.
    calendar_href: Signal<String>,
    /// A series to start on the day: only times free for all its meetings.
    #[prop(optional, into)]
    repeat: Signal<Option<Recurrence>>,
) -> impl IntoView {
    let visitor = expect_context::<VisitorZone>();
    let slots = LocalResource::new(move || {
        let (department, meeting, date, zone, repeat) = (
            department.get(),
            meeting.get(),
            date.get(),
            visitor.get(),
            repeat.get(),
        );
        async move { api::slots(&department, &meeting, &date, &zone, repeat).await }
    });
    let updating = RwSignal::new(false);
    view! {
        <PassedNotice />
        <Show when=move || updating.get()>
            <Loading label="Updating…" />
        </Show>
        <Transition fallback=|| view! { <Loading label="Finding free times…" /> } set_pending=updating>
            {move || Suspend::new(async move {
                match slots.await {
                    Ok(DaySlots { slots, .. }) if slots.is_empty() => {
                        let why = if repeat.get_untracked().is_some() {
                            "No time on this day is free for every meeting of the series. Try fewer meetings, another repeat or another date."
                        } else {
                            "No times are free on this day any more."
                        };
                        view! {
                            <p class="empty">{why}</p>
                            <p><a class="button" href=calendar_href.get_untracked()>"Choose another date"</a></p>
                        }.into_any()
                    }
                    Ok(day) => {
                        let all = day.slots.clone();
                        let href = Callback::new(move |slot: PublicSlot| slot_href.run((slot, all.clone())));
                        view! { <SlotList slots=day.slots duration=day.duration href=href /> }.into_any()
                    }
                    Err(error) => view! { <Problem error=error what="day" /> }.into_any(),
                }
            })}
        </Transition>
        <ZonePicker />
        <p><a class="back" href=move || calendar_href.get()>"‹ Choose another date"</a></p>
    }
}

/// Step 4: choose a time.
#[component]
pub fn TimeStep() -> impl IntoView {
    let frame = expect_context::<Frame>();
    let (department, meeting, date) = (param("department"), param("meeting"), param("date"));
    let choice = LocalResource::new(move || {
        let (d, m) = (department(), meeting());
        async move { api::choice(&d, &m).await }
    });
    let day = Memo::new(move |_| date().parse::<NaiveDate>().ok());
    let calendar_href = Signal::derive(move || {
        let base = frame.path(&[&department(), &meeting()]);
        match day.get() {
            Some(day) => format!("{base}?month={}", month_key(first_of(day))),
            None => base,
        }
    });
    let repeat = repeat::from_address();
    let slot_href = Callback::new(move |(slot, all): (PublicSlot, Vec<PublicSlot>)| {
        let path = frame.path(&[&department(), &meeting(), &date(), &slot_key(&slot, &all)]);
        format!("{path}{}", repeat::query(repeat.get_untracked()))
    });
    let repeat_href = Callback::new(move |chosen: Option<Recurrence>| {
        let path = frame.path(&[&department(), &meeting(), &date()]);
        format!("{path}{}", repeat::query(chosen))
    });
    view! {
        <Steps current=4 />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match (choice.await, day.get()) {
                    (Ok(choice), Some(day)) => {
                        let title = zone::day(day, Style::LongDate);
                        set_title(&format!("{}: choose a time", choice.meeting_type.meeting_name));
                        funnel::reached(&department(), Some(&meeting()), FunnelStep::Date);
                        let series_max = choice.meeting_type.max_series_count.filter(|max| *max >= 2);
                        view! {
                            <ChoiceSummary choice=choice when=title.clone() />
                            <h1>"Choose a time"</h1>
                            <p class="lead">{title}</p>
                            {series_max.map(|max| view! { <RepeatChoice max=max current=repeat href=repeat_href /> })}
                            <TimePicker department=Signal::derive(department) meeting=Signal::derive(meeting)
                                date=Signal::derive(date) calendar_href=calendar_href slot_href=slot_href
                                repeat=Signal::derive(move || repeat.get().filter(|_| series_max.is_some())) />
                        }.into_any()
                    }
                    (Ok(_), None) => view! { <NotFound what="date" /> }.into_any(),
                    (Err(error), _) => view! { <Problem error=error what="meeting type" /> }.into_any(),
                }
            })}
        </Transition>
    }
}
