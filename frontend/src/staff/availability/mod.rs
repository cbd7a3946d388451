//! `/admin/availability`: a person's working week (hours and breaks per weekday) and their
//! availability rule (buffers, daily and weekly caps, minimum notice, booking window, date
//! overrides). Everyone sees their own; System Managers and Department Leaders choose whom to
//! see and change it (`?user=`); members read theirs.

mod rule;
mod week;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{Session, on_unauthorized};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
};
use rule::Rule;
use week::Week;

#[component]
pub fn Availability() -> impl IntoView {
    set_title("Availability");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let me = session.me();
    let my_id = me.as_ref().map(|m| m.user.id).unwrap_or_default();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let leads = me.map(|m| m.leads_department_ids).unwrap_or_default();
    let chooses = is_manager || !leads.is_empty();
    let user = Memo::new(move |_| {
        query
            .read()
            .get("user")
            .and_then(|u| u.parse().ok())
            .unwrap_or(my_id)
    });
    let people = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) if chooses => client.people().await.unwrap_or_default(),
                _ => Vec::new(),
            }
        }
    });
    // System Managers change anyone's; leaders their members'. The server decides in the end.
    let editable =
        move || {
            let user = user.get();
            is_manager
                || people.get().unwrap_or_default().iter().any(|p| {
                    p.user_id == user && p.department_ids.iter().any(|d| leads.contains(d))
                })
        };
    let loaded = LocalResource::new(move || {
        let (client, user) = (session.client(), user.get());
        async move {
            let client = client.ok_or(ApiError::Network)?;
            let hours = client.working_hours(user).await;
            let rules = client.availability_rules(user).await;
            let both = hours.and_then(|h| rules.map(|r| (h, r)));
            if let Err(error) = &both {
                on_unauthorized(error);
            }
            both
        }
    });
    view! {
        <h1>"Availability"</h1>
        {chooses.then(|| view! {
            <label class="rc-filter"><span>"Person"</span>
                <select id="person" on:change=move |e| navigate(&format!("/admin/availability?user={}", event_target_value(&e)), Default::default())>
                    {move || people.get().unwrap_or_default().into_iter().map(|p| {
                        let id = p.user_id;
                        view! { <option value=id.to_string() selected=move || user.get() == id>{p.full_name}</option> }
                    }).collect_view()}
                </select>
            </label>
        })}
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let editable = editable.clone();
                Suspend::new(async move {
                match loaded.await {
                    Ok((hours, rules)) => {
                        let user = user.get_untracked();
                        let editable = editable();
                        let rule = rules.iter().find(|r| r.is_default).or(rules.first()).cloned();
                        view! {
                            {(!editable).then(|| view! { <p class="notice">"Your Department Leader or a System Manager changes these."</p> })}
                            <Week hours user=user editable />
                            <Rule rule user editable />
                        }.into_any()
                    }
                    Err(error) => view! { <Problem error /> }.into_any(),
                }
            })}}
        </Transition>
    }
}
