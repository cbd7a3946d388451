//! One connected calendar: how it syncs, with "Sync now", the choice to write meetings to it
//! (Google and Outlook) and "Disconnect".

use leptos::{prelude::*, task::spawn_local};
use mm_api_types::{
    IntegrationKind, SyncDirection, SyncStatus,
    integrations::{CalendarIntegration, CalendarIntegrationChanges},
};

use super::events;
use crate::{
    api::ApiError,
    staff::{Session, on_unauthorized},
    zone::{self, Style},
};

#[component]
pub(super) fn Connection(
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
