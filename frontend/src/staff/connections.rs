//! `/admin/calendars`: a person's external calendars and how each syncs — last sync, events
//! held, the error of a failed sync — with "Sync now", "Disconnect" and a form to subscribe to an
//! iCal feed, and buttons that connect Google or Outlook through the provider's consent page
//! (which sends the person back here with `?connected=` or `?connect_error=`). Everyone manages
//! their own; System Managers and leaders choose whom to see (`?user=`), and only the owner or a
//! System Manager connects or disconnects.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{
    IntegrationKind, SyncDirection, SyncStatus,
    integrations::{CalendarIntegration, CalendarIntegrationChanges, NewCalendarIntegration},
};

use super::{Said, Session, on_unauthorized};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone::{self, Style},
};

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
    let providers = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.calendar_providers().await.unwrap_or_default(),
                None => Default::default(),
            }
        }
    });
    let consent = move |provider: &'static str| {
        let Some(client) = session.client() else {
            return;
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            match client.oauth_start(provider).await {
                Ok(start) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_href(&start.authorization_url);
                    }
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                    busy.set(false);
                }
            }
        });
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
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let connect = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let new = NewCalendarIntegration {
            integration_type: IntegrationKind::Ical.to_string(),
            integration_name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
            ical_url: Some(url.get_untracked()),
        };
        let user = user.get_untracked();
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            match client.connect_calendar(user, &new).await {
                Ok(connected) => {
                    outcome.set(Some(Ok(match connected.sync_status {
                        SyncStatus::Failed => format!(
                            "Connected {}, but it could not be read yet: {}",
                            connected.integration_name,
                            connected.sync_error.unwrap_or_default()
                        ),
                        _ => format!(
                            "Connected {}: {}.",
                            connected.integration_name,
                            events(connected.events_synced)
                        ),
                    })));
                    name.set(String::new());
                    url.set(String::new());
                    version.update(|v| *v += 1);
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
        });
    };

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
            {move || providers.get().filter(|p| p.google || p.outlook).map(|p| view! {
                <div class="connect-provider">
                    <h2>"Connect your calendar account"</h2>
                    <p class="meta">"Your busy times are read every few minutes, and the meetings you are booked for are written to the calendar."</p>
                    {p.google.then(|| view! {
                        <button type="button" class="button primary" data-provider="google" disabled=move || busy.get() on:click=move |_| consent("google")>"Connect Google Calendar"</button>
                    })}
                    " "
                    {p.outlook.then(|| view! {
                        <button type="button" class="button primary" data-provider="outlook" disabled=move || busy.get() on:click=move |_| consent("outlook")>"Connect Outlook"</button>
                    })}
                </div>
            })}
        </Show>
        <Show when=move || owns.get()>
            <form class="connect-feed" on:submit=connect>
                <h2>"Add an iCal feed"</h2>
                <p class="meta">"Paste the calendar's secret address: in Google Calendar, Settings → your calendar → “Secret address in iCal format”; in Outlook, Settings → Shared calendars → Publish a calendar → ICS; in Apple Calendar, share the calendar publicly (webcal:// works)."</p>
                <label for="ical_url">"Feed address"</label>
                <input id="ical_url" type="url" inputmode="url" required placeholder="https://…/basic.ics"
                    prop:value=move || url.get() on:input=move |e| url.set(event_target_value(&e)) />
                <label for="ical_name">"Name (optional)"</label>
                <input id="ical_name" type="text" maxlength="140" placeholder="Personal"
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Connecting…" } else { "Connect" }}
                </button>
            </form>
        </Show>
    }
}

#[component]
fn Connection(
    connection: CalendarIntegration,
    zone: StoredValue<String>,
    outcome: RwSignal<Option<Result<String, ApiError>>>,
    version: RwSignal<u32>,
    owns: bool,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let busy = RwSignal::new(false);
    let (status_class, status_text) = match connection.sync_status {
        SyncStatus::Success => ("badge st-confirmed", "Synced"),
        SyncStatus::Failed => ("badge st-cancelled", "Failed"),
        SyncStatus::Pending => ("badge st-pending", "Not synced yet"),
    };
    let last = connection.last_sync_utc.map(|at| {
        let zone = zone.get_value();
        format!(
            "last read {} {}",
            zone::instant(at, &zone, Style::ShortDate),
            zone::instant(at, &zone, Style::Time)
        )
    });
    let kind = match connection.integration_type {
        IntegrationKind::Google => "Google Calendar",
        IntegrationKind::Outlook => "Outlook",
        IntegrationKind::Ical => "iCal feed",
    };
    let id = StoredValue::new(connection.id);
    let name = StoredValue::new(connection.integration_name.clone());
    let sync = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            match client.sync_calendar(id.get_value()).await {
                Ok(result) if result.status == SyncStatus::Success => {
                    outcome.set(Some(Ok(format!(
                        "Synced {}: {} ({} new, {} changed, {} gone).",
                        name.get_value(),
                        events(result.events_synced),
                        result.added,
                        result.updated,
                        result.removed
                    ))));
                }
                Ok(result) => outcome.set(Some(Ok(format!(
                    "{} could not be read: {}",
                    name.get_value(),
                    result.error.unwrap_or_default()
                )))),
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
            version.update(|v| *v += 1);
        });
    };
    let writes = connection.sync_direction == SyncDirection::TwoWay;
    let redirect = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        let changes = CalendarIntegrationChanges {
            sync_direction: Some(
                if writes {
                    SyncDirection::ReadOnly
                } else {
                    SyncDirection::TwoWay
                }
                .to_string(),
            ),
            ..Default::default()
        };
        busy.set(true);
        spawn_local(async move {
            match client.change_calendar(id.get_value(), &changes).await {
                Ok(_) => outcome.set(Some(Ok(if writes {
                    format!(
                        "Meetings are no longer written to {}; those already there are taken out.",
                        name.get_value()
                    )
                } else {
                    format!(
                        "Your upcoming meetings are being written to {}.",
                        name.get_value()
                    )
                }))),
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
            version.update(|v| *v += 1);
        });
    };
    let disconnect = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&format!(
                    "Disconnect {}? Its busy times stop blocking bookings.",
                    name.get_value()
                ))
                .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match client.disconnect_calendar(id.get_value()).await {
                Ok(()) => outcome.set(Some(Ok(format!("Disconnected {}.", name.get_value())))),
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
            version.update(|v| *v += 1);
        });
    };
    view! {
        <li class="connection" data-integration=connection.id.to_string()>
            <div class="connection-head">
                <strong>{connection.integration_name.clone()}</strong>
                <span class="meta">{format!(" · {kind}{}", connection.source.as_deref().map(|s| format!(" · {s}")).unwrap_or_default())}</span>
                " "<span class=format!("{status_class} sync-status")>{status_text}</span>
            </div>
            <p class="meta">
                {events(connection.events_synced)}
                {last.map(|l| format!(" · {l}"))}
                {writes.then_some(" · bookings are written to it")}
            </p>
            {connection.sync_error.clone().map(|e| view! { <p class="notice error sync-error">{e}</p> })}
            <div class="actions">
                <button type="button" class="button" disabled=move || busy.get() on:click=sync>"Sync now"</button>
                {(owns && connection.integration_type != IntegrationKind::Ical).then(|| view! {
                    <button type="button" class="button direction" disabled=move || busy.get() on:click=redirect>
                        {if writes { "Stop writing meetings here" } else { "Write meetings here" }}
                    </button>
                })}
                {owns.then(|| view! {
                    <button type="button" class="button danger" disabled=move || busy.get() on:click=disconnect>"Disconnect"</button>
                })}
            </div>
        </li>
    }
}

fn events(count: u64) -> String {
    match count {
        1 => "1 event".to_owned(),
        n => format!("{n} events"),
    }
}
