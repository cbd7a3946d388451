//! The booking list's filters: what the URL holds, what the API is asked, and the form that
//! changes them.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use mm_api_types::{
    BookingStatus, BookingType, calendar::CalendarResource, departments::Department,
    meeting_types::MeetingType,
};
use uuid::Uuid;

use super::super::status;
use crate::zone;

const RANGES: [(&str, &str); 6] = [
    ("", "Any time"),
    ("upcoming", "Upcoming"),
    ("today", "Today"),
    ("this_week", "This week"),
    ("next_week", "Next week"),
    ("custom", "Custom dates"),
];

/// The list's filters, as the URL holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Filters {
    statuses: BTreeSet<BookingStatus>,
    range: String,
    /// `YYYY-MM-DD`, for the custom range; both ends included.
    from: String,
    to: String,
    department: Option<Uuid>,
    meeting_type: Option<Uuid>,
    assignee: Option<Uuid>,
    /// The meetings of one recurring series (a booking's page links here).
    series: Option<Uuid>,
    q: String,
    pub(super) page: u64,
}

impl Filters {
    pub(super) fn read(query: &ParamsMap) -> Self {
        let get = |key: &str| query.get(key).unwrap_or_default();
        Self {
            statuses: get("status")
                .split(',')
                .filter_map(|s| s.parse().ok())
                .collect(),
            range: get("range"),
            from: get("from"),
            to: get("to"),
            department: get("department").parse().ok(),
            meeting_type: get("meeting_type").parse().ok(),
            assignee: get("assignee").parse().ok(),
            series: get("series").parse().ok(),
            q: get("q"),
            page: get("page").parse().unwrap_or(1).max(1),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let id = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
        [
            ("status", self.statuses_joined()),
            ("range", self.range.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("department", id(self.department)),
            ("meeting_type", id(self.meeting_type)),
            ("assignee", id(self.assignee)),
            ("series", id(self.series)),
            ("q", self.q.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    /// This list's address; any change of filter goes back to the first page.
    pub(super) fn href(&self) -> String {
        let mut pairs = self.pairs();
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        let query: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| {
                let v: String = js_sys::encode_uri_component(&v).into();
                format!("{k}={v}")
            })
            .collect();
        if query.is_empty() {
            "/admin/bookings".to_owned()
        } else {
            format!("/admin/bookings?{}", query.join("&"))
        }
    }

    /// The address of another page of the same list.
    pub(super) fn page_href(&self, page: u64) -> String {
        Self {
            page,
            ..self.clone()
        }
        .href()
    }

    /// The instants the range stands for in `zone`: bookings ending after the first and
    /// starting before the second.
    fn window(&self, zone: &str) -> (Option<String>, Option<String>) {
        let today = zone::today(zone).unwrap_or_default();
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let days: Option<(Option<NaiveDate>, Option<NaiveDate>)> = match self.range.as_str() {
            "today" => Some((Some(today), Some(today + Days::new(1)))),
            "this_week" => Some((Some(monday), Some(monday + Days::new(7)))),
            "next_week" => Some((Some(monday + Days::new(7)), Some(monday + Days::new(14)))),
            "custom" => Some((
                self.from.parse().ok(),
                self.to.parse::<NaiveDate>().ok().map(|d| d + Days::new(1)),
            )),
            _ => None,
        };
        let instant = |day: Option<NaiveDate>| {
            day.and_then(|d| zone::instant_of(d, 0, zone))
                .map(zone::rfc3339)
        };
        match (self.range.as_str(), days) {
            ("upcoming", _) => (Some(zone::rfc3339(js_sys::Date::now())), None),
            (_, Some((from, to))) => (instant(from), instant(to)),
            _ => (None, None),
        }
    }

    fn statuses_joined(&self) -> String {
        let words: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
        words.join(",")
    }

    /// The API's query for these filters (without the page, for the export).
    pub(super) fn api(&self, zone: &str) -> Vec<(String, String)> {
        let (from, to) = self.window(zone);
        let id = |id: Option<Uuid>| id.map(|id| id.to_string());
        [
            ("status", Some(self.statuses_joined())),
            ("from", from),
            ("to", to),
            ("department_id", id(self.department)),
            ("meeting_type_id", id(self.meeting_type)),
            ("assigned_to", id(self.assignee)),
            ("series_id", id(self.series)),
            ("q", Some(self.q.trim().to_owned())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_owned(), v)))
        .collect()
    }
}

/// The filter form: every change goes to `on_change` as the filters to show next.
#[component]
pub(super) fn FilterForm(
    filters: Memo<Filters>,
    departments: LocalResource<Vec<Department>>,
    meeting_types: LocalResource<Vec<MeetingType>>,
    people: LocalResource<Vec<CalendarResource>>,
    on_change: Callback<Filters>,
) -> impl IntoView {
    let go = move |change: &dyn Fn(&mut Filters)| {
        let mut next = filters.get_untracked();
        change(&mut next);
        on_change.run(next);
    };
    let search = RwSignal::new(filters.get_untracked().q);
    view! {
        <form class="filters" role="search" on:submit=move |ev| {
            ev.prevent_default();
            let q = search.get_untracked();
            go(&|f| f.q = q.clone());
        }>
            <fieldset class="statuses">
                <legend>"Status"</legend>
                {BookingStatus::ALL.iter().map(|&s| {
                    view! {
                        <label class=format!("check {}", status::class(s, BookingType::Customer))>
                            <input type="checkbox" name="status" value=s.as_str()
                                prop:checked=move || filters.get().statuses.contains(&s)
                                on:change=move |_| go(&|f| { if !f.statuses.remove(&s) { f.statuses.insert(s); } }) />
                            {status::label(s)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="rc-filter"><span>"When"</span>
                <select id="range" on:change=move |e| { let v = event_target_value(&e); go(&|f| f.range = v.clone()); }>
                    {RANGES.into_iter().map(|(key, label)| view! {
                        <option value=key selected=move || filters.get().range == key>{label}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || (filters.get().range == "custom").then(|| {
                view! {
                    <label class="rc-filter"><span>"From"</span>
                        <input id="from" type="date" prop:value=move || filters.get().from
                            on:change=move |e| { let v = event_target_value(&e); go(&|f| f.from = v.clone()); } /></label>
                    <label class="rc-filter"><span>"To"</span>
                        <input id="to" type="date" prop:value=move || filters.get().to
                            on:change=move |e| { let v = event_target_value(&e); go(&|f| f.to = v.clone()); } /></label>
                }
            })}
            <label class="rc-filter"><span>"Department"</span>
                <select id="department" on:change=move |e| { let v = event_target_value(&e); go(&|f| { f.department = v.parse().ok(); f.meeting_type = None; }); }>
                    <option value="">"All"</option>
                    {move || departments.get().unwrap_or_default().into_iter().map(|d| {
                        let id = d.id;
                        view! { <option value=id.to_string() selected=move || filters.get().department == Some(id)>{d.department_name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="rc-filter"><span>"Meeting type"</span>
                <select id="meeting-type" on:change=move |e| { let v = event_target_value(&e); go(&|f| f.meeting_type = v.parse().ok()); }>
                    <option value="">"All"</option>
                    {move || {
                        let department = filters.get().department;
                        meeting_types.get().unwrap_or_default().into_iter()
                            .filter(|t| department.is_none_or(|d| t.department_id == d))
                            .map(|t| {
                                let id = t.id;
                                view! { <option value=id.to_string() selected=move || filters.get().meeting_type == Some(id)>{t.meeting_name}</option> }
                            }).collect_view()
                    }}
                </select>
            </label>
            <label class="rc-filter"><span>"Host"</span>
                <select id="assignee" on:change=move |e| { let v = event_target_value(&e); go(&|f| f.assignee = v.parse().ok()); }>
                    <option value="">"Anyone"</option>
                    {move || people.get().unwrap_or_default().into_iter().map(|p| {
                        let id = p.user_id;
                        view! { <option value=id.to_string() selected=move || filters.get().assignee == Some(id)>{p.full_name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="rc-filter search"><span>"Customer, email or reference"</span>
                <span class="search-row">
                    <input id="q" type="search" prop:value=move || search.get() on:input=move |e| search.set(event_target_value(&e)) />
                    <button type="submit" class="button">"Search"</button>
                </span>
            </label>
        </form>
    }
}
