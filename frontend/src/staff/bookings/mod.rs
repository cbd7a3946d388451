//! `/admin/bookings`: the filterable booking list. Every filter lives in the URL (status, date
//! range, department, meeting type, host, a search over customers and references, the page), so
//! a reload or a shared link shows the same list; the CSV export takes exactly the same filters.
//! Rows can be opened, reassigned on the spot, or selected and cancelled together.

mod filters;
mod rows;

use std::collections::{BTreeMap, BTreeSet};

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::calendar::CalendarResource;
use uuid::Uuid;

use super::{Session, booking::BookingPanel, download, on_unauthorized};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone,
};
use filters::{FilterForm, Filters};
use rows::Rows;

const PER_PAGE: u64 = 25;

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
    let chosen = RwSignal::new(BTreeSet::<Uuid>::new());
    let opened = RwSignal::new(None::<Uuid>);
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
    // Any change of filter goes back to the first page, with nothing selected.
    let go = move |mut next: Filters| {
        next.page = 1;
        chosen.set(BTreeSet::new());
        navigate(&next.href(), Default::default());
    };
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
                        if download("bookings.csv", "text/csv;charset=utf-8", &csv).is_none() {
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
            match client.bulk_cancel(&ids, reason).await {
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
    let zone_for_rows = zone.clone();
    view! {
        <div class="list-head">
            <h1>"Bookings"</h1>
            <button type="button" class="button" on:click=export>"Export CSV"</button>
        </div>
        <FilterForm filters departments meeting_types people on_change=Callback::new(go) />
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
                    let people: BTreeMap<Uuid, CalendarResource> = people.await.into_iter().map(|p| (p.user_id, p)).collect();
                    match list.await {
                        Ok(page) => view! { <Rows page people zone filters chosen opened notice reload /> }.into_any(),
                        Err(error) => view! { <Problem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
        {move || opened.get().map(|id| {
            let all = people.get().unwrap_or_default();
            let names = all.iter().map(|p| (p.user_id, p.full_name.clone())).collect();
            view! {
                <BookingPanel id names members=all zone=zone.clone()
                    on_close=Callback::new(move |()| opened.set(None))
                    on_change=Callback::new(move |()| reload.update(|n| *n += 1)) />
            }
        })}
    }
}
