//! One page of the booking list: a row per booking, with selection, quick reassignment and the
//! pager.

use std::collections::{BTreeMap, BTreeSet};

use leptos::{prelude::*, task::spawn_local};
use mm_api_types::{Page, bookings::Booking, calendar::CalendarResource};
use uuid::Uuid;

use super::{super::Session, super::on_unauthorized, super::status, filters::Filters};
use crate::zone::{self, Style};

fn count(total: u64) -> String {
    if total == 1 {
        "1 booking".to_owned()
    } else {
        format!("{total} bookings")
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
pub(super) fn Rows(
    page: Page<Booking>,
    people: BTreeMap<Uuid, CalendarResource>,
    zone: String,
    filters: Memo<Filters>,
    chosen: RwSignal<BTreeSet<Uuid>>,
    opened: RwSignal<Option<Uuid>>,
    notice: RwSignal<Option<(bool, String)>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let pages = page.total.div_ceil(page.per_page.max(1)).max(1);
    let on_page: Vec<Uuid> = page.items.iter().map(|b| b.id).collect();
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
                        c.insert(*id);
                    }
                }
            });
        }
    };
    let name = |people: &BTreeMap<Uuid, CalendarResource>, id: Uuid| {
        people
            .get(&id)
            .map(|p| p.full_name.clone())
            .unwrap_or_else(|| "–".to_owned())
    };
    let link = move |page: u64| filters.get_untracked().page_href(page);
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
                    let id = b.id;
                    let others: Vec<(Uuid, String)> = people.values()
                        .filter(|p| p.department_ids.contains(&b.department_id) && p.user_id != b.assigned_to)
                        .map(|p| (p.user_id, p.full_name.clone()))
                        .collect();
                    let movable = status::is_movable(b.status) && !others.is_empty();
                    let when = format!("{} {}", zone::instant(b.start_utc, &zone, Style::ShortDate), zone::instant(b.start_utc, &zone, Style::Time));
                    let reassign = move |e: leptos::ev::Event| {
                        let Ok(to) = event_target_value(&e).parse::<Uuid>() else { return };
                        let Some(client) = session.client() else { return };
                        spawn_local(async move {
                            match client.reassign(id, to, None, None).await {
                                Ok(moved) => notice.set(Some((true, format!("{} reassigned.", moved.booking_reference)))),
                                Err(error) => { on_unauthorized(&error); notice.set(Some((false, error.to_string()))); }
                            }
                            reload.update(|n| *n += 1);
                        });
                    };
                    view! {
                        <tr data-booking=id.to_string()>
                            <td><input type="checkbox" aria-label=format!("Select {}", b.booking_reference)
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |_| chosen.update(|c| { if !c.remove(&id) { c.insert(id); } }) /></td>
                            <td>{when}</td>
                            <td><button type="button" class="link" on:click=move |_| opened.set(Some(id))>{b.booking_reference.clone()}</button></td>
                            <td>{b.customer_name.clone().unwrap_or_else(|| "Internal".to_owned())}<br /><span class="meta">{b.customer_email.clone().unwrap_or_default()}</span></td>
                            <td><a href=format!("/admin/bookings/{id}")>{b.title.clone()}</a></td>
                            <td>{name(&people, b.assigned_to)}</td>
                            <td><span class=format!("badge {}", status::class(b.status, b.booking_type))>{status::label(b.status)}</span></td>
                            <td>{movable.then(|| view! {
                                <select class="quick-reassign" aria-label=format!("Reassign {}", b.booking_reference) on:change=reassign>
                                    <option value="" selected>"Move to…"</option>
                                    {others.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
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
