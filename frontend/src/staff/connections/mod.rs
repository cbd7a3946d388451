//! `/admin/calendars`: a person's external calendars and how each syncs — last sync, events
//! held, the error of a failed sync — with "Sync now", "Disconnect" and a form to subscribe to an
//! iCal feed, and buttons that connect Google or Outlook through the provider's consent page
//! (which sends the person back here with `?connected=` or `?connect_error=`). Everyone manages
//! their own; System Managers and leaders choose whom to see (`?user=`), and only the owner or a
//! System Manager connects or disconnects.

mod connection;
mod feed;
mod providers;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{Said, Session, on_unauthorized};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone,
};
use connection::Connection;
use feed::FeedForm;
use providers::ConnectProvider;

#[component]
pub fn Connections() -> impl IntoView {
    set_title("Calendars");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let me = session.me();
    let my_id = me.as_ref().map(|m| m.user.id).unwrap_or_default();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let chooses = is_manager
        || me
            .as_ref()
            .is_some_and(|m| !m.leads_department_ids.is_empty());
    let zone = StoredValue::new(
        me.map(|m| m.user.timezone)
            .filter(|z| zone::is_known(z))
            .unwrap_or_else(zone::detected),
    );
    let user = Memo::new(move |_| {
        query
            .read()
            .get("user")
            .and_then(|u| u.parse().ok())
            .unwrap_or(my_id)
    });
    // Bumped after every change, so the list is read again.
    let version = RwSignal::new(0u32);
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let own = Memo::new(move |_| user.get() == my_id);
    let owns = Memo::new(move |_| is_manager || own.get());
    // Back from a provider's consent page.
    let returned = move || {
        let query = query.read();
        match (query.get("connected"), query.get("connect_error")) {
            (Some(_), _) => Some(Ok(
                "Calendar connected: its busy times were read and are read again every few minutes."
                    .to_owned(),
            )),
            (None, Some(reason)) => Some(Err(format!("The calendar was not connected: {reason}"))),
            _ => None,
        }
    };
    let people = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) if chooses => client.people().await.unwrap_or_default(),
                _ => Vec::new(),
            }
        }
    });
    let connections = LocalResource::new(move || {
        let (client, user) = (session.client(), user.get());
        version.track();
        async move {
            let found = client
                .ok_or(ApiError::Network)?
                .calendar_integrations(user)
                .await;
            if let Err(error) = &found {
                on_unauthorized(error);
            }
            found
        }
    });
    view! {
        <h1>"Calendars"</h1>
        <p class="meta">"Busy times in these calendars keep customers off those times. Each is read again every few minutes; nothing is written to an iCal feed."</p>
        {chooses.then(|| view! {
            <label class="rc-filter"><span>"Person"</span>
                <select id="person" on:change=move |e| navigate(&format!("/admin/calendars?user={}", event_target_value(&e)), Default::default())>
                    {move || people.get().unwrap_or_default().into_iter().map(|p| {
                        let id = p.user_id;
                        view! { <option value=id.to_string() selected=move || user.get() == id>{p.full_name}</option> }
                    }).collect_view()}
                </select>
            </label>
        })}
        {move || returned().map(|r| match r {
            Ok(message) => view! { <div class="notice success" role="status">{message}</div> }.into_any(),
            Err(message) => view! { <div class="notice error" role="alert">{message}</div> }.into_any(),
        })}
        <Said outcome />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match connections.await {
                    Ok(found) if found.is_empty() => view! { <p class="empty">"No calendars connected."</p> }.into_any(),
                    Ok(found) => view! {
                        <ul class="connections">
                            {found.into_iter().map(|c| view! { <Connection connection=c zone outcome version owns=owns.get_untracked() /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || own.get()>
            <ConnectProvider busy outcome />
        </Show>
        <Show when=move || owns.get()>
            <FeedForm user busy outcome version />
        </Show>
    }
}

/// "1 event", "3 events".
fn events(count: u64) -> String {
    match count {
        1 => "1 event".to_owned(),
        n => format!("{n} events"),
    }
}
