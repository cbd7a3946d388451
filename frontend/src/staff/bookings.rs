//! `/admin/bookings`: the filterable booking list. Every filter lives in the URL (status, date
//! range, department, meeting type, host, a search over customers and references, the page), so
//! a reload or a shared link shows the same list; the CSV export takes exactly the same filters.
//! Rows can be opened, reassigned on the spot, or selected and cancelled together.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use mm_api_types::{Page, bookings::Booking, calendar::CalendarResource};
use wasm_bindgen::{JsCast, JsValue};

use super::{Session, booking_panel::BookingPanel, on_unauthorized, status};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone::{self, Style},
};

const PER_PAGE: u64 = 25;
const STATUSES: [&str; 5] = ["pending", "confirmed", "completed", "no_show", "cancelled"];
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
struct Filters {
    statuses: BTreeSet<String>,
    range: String,
    /// `YYYY-MM-DD`, for the custom range; both ends included.
    from: String,
    to: String,
    department: String,
    meeting_type: String,
    assignee: String,
    q: String,
    page: u64,
}

impl Filters {
    fn read(query: &ParamsMap) -> Self {
        let get = |key: &str| query.get(key).unwrap_or_default();
        Self {
            statuses: get("status")
                .split(',')
                .filter(|s| STATUSES.contains(s))
                .map(str::to_owned)
                .collect(),
            range: get("range"),
            from: get("from"),
            to: get("to"),
            department: get("department"),
            meeting_type: get("meeting_type"),
            assignee: get("assignee"),
            q: get("q"),
            page: get("page").parse().unwrap_or(1).max(1),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let statuses = self.statuses.iter().cloned().collect::<Vec<_>>().join(",");
        [
            ("status", statuses),
            ("range", self.range.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            ("department", self.department.clone()),
            ("meeting_type", self.meeting_type.clone()),
            ("assignee", self.assignee.clone()),
            ("q", self.q.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    /// This list's address; any change of filter goes back to the first page.
    fn href(&self) -> String {
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

    /// The API's query for these filters (without the page, for the export).
    fn api(&self, zone: &str) -> Vec<(String, String)> {
        let (from, to) = self.window(zone);
        let statuses = self.statuses.iter().cloned().collect::<Vec<_>>().join(",");
        [
            ("status", Some(statuses)),
            ("from", from),
            ("to", to),
            ("department_id", Some(self.department.clone())),
            ("meeting_type_id", Some(self.meeting_type.clone())),
            ("assigned_to", Some(self.assignee.clone())),
            ("q", Some(self.q.trim().to_owned())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k.to_owned(), v)))
        .collect()
    }
}

fn count(total: u64) -> String {
    if total == 1 {
        "1 booking".to_owned()
    } else {
        format!("{total} bookings")
    }
}

/// Offers `text` as a file download named `name`.
fn download(name: &str, text: &str) -> Option<()> {
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/csv;charset=utf-8");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    // The download has its own copy once started; the URL is not needed after this turn.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000)
        .ok()?;
    Some(())
}

#[component]
pub fn Bookings() -> impl IntoView {
    set_title("Bookings");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let zone = session
        .me()
        .map(|me| me.user.timezone)
        .filter(|z| zone::is_known(z))
        .unwrap_or_else(zone::detected);
    let filters = Memo::new(move |_| Filters::read(&query.read()));
    let reload = RwSignal::new(0u32);
    let chosen = RwSignal::new(BTreeSet::<String>::new());
    let opened = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let departments = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.departments().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let meeting_types = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.all_meeting_types().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let people = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.people().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let list = LocalResource::new({
        let zone = zone.clone();
        move || {
            reload.track();
            let (client, filters) = (session.client(), filters.get());
            let mut pairs = filters.api(&zone);
            pairs.push(("page".to_owned(), filters.page.to_string()));
            pairs.push(("per_page".to_owned(), PER_PAGE.to_string()));
            async move {
                let page = client.ok_or(ApiError::Network)?.bookings(&pairs).await;
                if let Err(error) = &page {
                    on_unauthorized(error);
                }
                page
            }
        }
    });
    let go = {
        let navigate = navigate.clone();
        move |change: &dyn Fn(&mut Filters)| {
            let mut next = filters.get_untracked();
            change(&mut next);
            next.page = 1;
            chosen.set(BTreeSet::new());
            navigate(&next.href(), Default::default());
        }
    };
    let search = RwSignal::new(filters.get_untracked().q);
    let export = {
        let zone = zone.clone();
        move |_| {
            let (Some(client), pairs) = (session.client(), filters.get_untracked().api(&zone))
            else {
                return;
            };
            spawn_local(async move {
                match client.export_csv(&pairs).await {
                    Ok(csv) => {
                        if download("bookings.csv", &csv).is_none() {
                            notice.set(Some((
                                false,
                                "The browser refused the download.".to_owned(),
                            )));
                        }
                    }
                    Err(error) => {
                        on_unauthorized(&error);
                        notice.set(Some((false, error.to_string())));
                    }
                }
            });
        }
    };
    let cancel_reason = RwSignal::new(None::<String>);
    let cancel_chosen = move |_| {
        let (Some(client), ids) = (
            session.client(),
            chosen.get_untracked().into_iter().collect::<Vec<_>>(),
        ) else {
            return;
        };
        let reason = cancel_reason
            .get_untracked()
            .filter(|r| !r.trim().is_empty());
        spawn_local(async move {
            match client.bulk_cancel(ids, reason).await {
                Ok(result) => {
                    let mut text = format!("Cancelled {}.", result.cancelled.len());
                    if !result.failed.is_empty() {
                        let why: Vec<String> = result
                            .failed
                            .iter()
                            .map(|f| f.error.message.clone())
                            .collect();
                        text.push_str(&format!(
                            " {} could not be: {}",
                            result.failed.len(),
                            why.join("; ")
                        ));
                    }
                    notice.set(Some((result.failed.is_empty(), text)));
                    chosen.set(BTreeSet::new());
                    cancel_reason.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(error) => {
                    on_unauthorized(&error);
                    notice.set(Some((false, error.to_string())));
                }
            }
        });
    };
    let (go1, go2, go3, go4, go5, go6, go7, go8) = (
        go.clone(),
        go.clone(),
        go.clone(),
        go.clone(),
        go.clone(),
        go.clone(),
        go.clone(),
        go,
    );
    let zone_for_rows = zone.clone();
    view! {
        <div class="list-head">
            <h1>"Bookings"</h1>
            <button type="button" class="button" on:click=export>"Export CSV"</button>
        </div>
        <form class="filters" role="search" on:submit=move |ev| {
            ev.prevent_default();
            let q = search.get_untracked();
            go1(&|f| f.q = q.clone());
        }>
            <fieldset class="statuses">
                <legend>"Status"</legend>
                {STATUSES.into_iter().map(|s| {
                    let go = go2.clone();
                    view! {
                        <label class=format!("check {}", status::class(s, "customer"))>
                            <input type="checkbox" name="status" value=s
                                prop:checked=move || filters.get().statuses.contains(s)
                                on:change=move |_| go(&|f| { if !f.statuses.remove(s) { f.statuses.insert(s.to_owned()); } }) />
                            {status::label(s)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="rc-filter"><span>"When"</span>
                <select id="range" on:change=move |e| { let v = event_target_value(&e); go3(&|f| f.range = v.clone()); }>
                    {RANGES.into_iter().map(|(key, label)| view! {
                        <option value=key selected=move || filters.get().range == key>{label}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || (filters.get().range == "custom").then(|| {
                let (go_from, go_to) = (go4.clone(), go5.clone());
                view! {
                    <label class="rc-filter"><span>"From"</span>
                        <input id="from" type="date" prop:value=move || filters.get().from
                            on:change=move |e| { let v = event_target_value(&e); go_from(&|f| f.from = v.clone()); } /></label>
                    <label class="rc-filter"><span>"To"</span>
                        <input id="to" type="date" prop:value=move || filters.get().to
                            on:change=move |e| { let v = event_target_value(&e); go_to(&|f| f.to = v.clone()); } /></label>
                }
            })}
            <label class="rc-filter"><span>"Department"</span>
                <select id="department" on:change=move |e| { let v = event_target_value(&e); go6(&|f| { f.department = v.clone(); f.meeting_type.clear(); }); }>
                    <option value="">"All"</option>
                    {move || departments.get().unwrap_or_default().into_iter().map(|d| {
                        let id = d.id.clone();
                        view! { <option value=d.id selected=move || filters.get().department == id>{d.department_name}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="rc-filter"><span>"Meeting type"</span>
                <select id="meeting-type" on:change=move |e| { let v = event_target_value(&e); go7(&|f| f.meeting_type = v.clone()); }>
                    <option value="">"All"</option>
                    {move || {
                        let department = filters.get().department;
                        meeting_types.get().unwrap_or_default().into_iter()
                            .filter(|t| department.is_empty() || t.department_id == department)
                            .map(|t| {
                                let id = t.id.clone();
                                view! { <option value=t.id selected=move || filters.get().meeting_type == id>{t.meeting_name}</option> }
                            }).collect_view()
                    }}
                </select>
            </label>
            <label class="rc-filter"><span>"Host"</span>
                <select id="assignee" on:change=move |e| { let v = event_target_value(&e); go8(&|f| f.assignee = v.clone()); }>
                    <option value="">"Anyone"</option>
                    {move || people.get().unwrap_or_default().into_iter().map(|p| {
                        let id = p.user_id.clone();
                        view! { <option value=p.user_id selected=move || filters.get().assignee == id>{p.full_name}</option> }
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
        {move || notice.get().map(|(ok, text)| view! {
            <div class=if ok { "notice success" } else { "notice error" } role="status">
                {text}
                <button type="button" class="link" aria-label="Dismiss" on:click=move |_| notice.set(None)>"×"</button>
            </div>
        })}
        {move || (!chosen.get().is_empty()).then(|| view! {
            <div class="bulk" role="group" aria-label="Selected bookings">
                <strong>{move || format!("{} selected", chosen.get().len())}</strong>
                {move || match cancel_reason.get() {
                    None => view! {
                        <button type="button" class="button danger" on:click=move |_| cancel_reason.set(Some(String::new()))>"Cancel selected…"</button>
                    }.into_any(),
                    Some(_) => view! {
                        <label for="bulk-reason">"Reason"</label>
                        <input id="bulk-reason" type="text" prop:value=move || cancel_reason.get().unwrap_or_default()
                            on:input=move |e| cancel_reason.set(Some(event_target_value(&e))) />
                        <button type="button" class="button primary danger" on:click=cancel_chosen>"Cancel these meetings"</button>
                        <button type="button" class="button" on:click=move |_| cancel_reason.set(None)>"Keep them"</button>
                    }.into_any(),
                }}
            </div>
        })}
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let zone = zone_for_rows.clone();
                Suspend::new(async move {
                    let people: BTreeMap<String, CalendarResource> = people.await.into_iter().map(|p| (p.user_id.clone(), p)).collect();
                    match list.await {
                        Ok(page) => view! { <Rows page people zone filters chosen opened notice reload /> }.into_any(),
                        Err(error) => view! { <Problem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
        {move || opened.get().map(|id| {
            let all = people.get().unwrap_or_default();
            let names = all.iter().map(|p| (p.user_id.clone(), p.full_name.clone())).collect();
            view! {
                <BookingPanel id names members=all zone=zone.clone()
                    on_close=Callback::new(move |()| opened.set(None))
                    on_change=Callback::new(move |()| reload.update(|n| *n += 1)) />
            }
        })}
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Rows(
    page: Page<Booking>,
    people: BTreeMap<String, CalendarResource>,
    zone: String,
    filters: Memo<Filters>,
    chosen: RwSignal<BTreeSet<String>>,
    opened: RwSignal<Option<String>>,
    notice: RwSignal<Option<(bool, String)>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let pages = page.total.div_ceil(page.per_page.max(1)).max(1);
    let on_page: Vec<String> = page.items.iter().map(|b| b.id.clone()).collect();
    let all_chosen = {
        let on_page = on_page.clone();
        move || !on_page.is_empty() && chosen.with(|c| on_page.iter().all(|id| c.contains(id)))
    };
    let toggle_all = {
        let on_page = on_page.clone();
        move |_| {
            let all = chosen.with_untracked(|c| on_page.iter().all(|id| c.contains(id)));
            chosen.update(|c| {
                for id in &on_page {
                    if all {
                        c.remove(id);
                    } else {
                        c.insert(id.clone());
                    }
                }
            });
        }
    };
    let name = |people: &BTreeMap<String, CalendarResource>, id: &str| {
        people
            .get(id)
            .map(|p| p.full_name.clone())
            .unwrap_or_else(|| "–".to_owned())
    };
    let link = move |page: u64| {
        Filters {
            page,
            ..filters.get_untracked()
        }
        .href()
    };
    let current = page.page;
    if page.items.is_empty() {
        return view! { <p class="empty">"No bookings match these filters."</p> }.into_any();
    }
    view! {
        <p class="meta">{format!("{} · times in {}", count(page.total), zone::label(&zone))}</p>
        <div class="table-scroll">
        <table class="table bookings">
            <thead><tr>
                <th><input type="checkbox" aria-label="Select all on this page" prop:checked=all_chosen on:change=toggle_all /></th>
                <th>"When"</th><th>"Reference"</th><th>"Customer"</th><th>"Meeting"</th><th>"Host"</th><th>"Status"</th><th>"Reassign"</th>
            </tr></thead>
            <tbody>
                {page.items.into_iter().map(|b| {
                    let id = b.id.clone();
                    let (check_id, open_id, move_id) = (id.clone(), id.clone(), id.clone());
                    let others: Vec<(String, String)> = people.values()
                        .filter(|p| p.department_ids.contains(&b.department_id) && p.user_id != b.assigned_to)
                        .map(|p| (p.user_id.clone(), p.full_name.clone()))
                        .collect();
                    let movable = status::is_movable(&b.status) && !others.is_empty();
                    let when = format!("{} {}", zone::instant(&b.start_utc, &zone, Style::ShortDate), zone::instant(&b.start_utc, &zone, Style::Time));
                    let reassign = move |e: leptos::ev::Event| {
                        let to = event_target_value(&e);
                        let (Some(client), id) = (session.client(), move_id.clone()) else { return };
                        if to.is_empty() { return; }
                        spawn_local(async move {
                            match client.reassign(&id, to, None).await {
                                Ok(moved) => notice.set(Some((true, format!("{} reassigned.", moved.booking_reference)))),
                                Err(error) => { on_unauthorized(&error); notice.set(Some((false, error.to_string()))); }
                            }
                            reload.update(|n| *n += 1);
                        });
                    };
                    view! {
                        <tr data-booking=id.clone()>
                            <td><input type="checkbox" aria-label=format!("Select {}", b.booking_reference)
                                prop:checked={ let id = id.clone(); move || chosen.with(|c| c.contains(&id)) }
                                on:change=move |_| chosen.update(|c| { if !c.remove(&check_id) { c.insert(check_id.clone()); } }) /></td>
                            <td>{when}</td>
                            <td><button type="button" class="link" on:click=move |_| opened.set(Some(open_id.clone()))>{b.booking_reference.clone()}</button></td>
                            <td>{b.customer_name.clone().unwrap_or_else(|| "Internal".to_owned())}<br /><span class="meta">{b.customer_email.clone().unwrap_or_default()}</span></td>
                            <td>{b.title.clone()}</td>
                            <td>{name(&people, &b.assigned_to)}</td>
                            <td><span class=format!("badge {}", status::class(&b.status, &b.booking_type))>{status::label(&b.status)}</span></td>
                            <td>{movable.then(|| view! {
                                <select class="quick-reassign" aria-label=format!("Reassign {}", b.booking_reference) on:change=reassign>
                                    <option value="" selected>"Move to…"</option>
                                    {others.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {(current > 1).then(|| view! { <a class="button" href=link(current - 1)>"Previous"</a> })}
            <span>{format!("Page {current} of {pages}")}</span>
            {(current < pages).then(|| view! { <a class="button" href=link(current + 1)>"Next"</a> })}
        </nav>
    }
    .into_any()
}
