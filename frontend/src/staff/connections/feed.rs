//! The form that subscribes a person to an iCal feed.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::{IntegrationKind, SyncStatus, integrations::NewCalendarIntegration};
use uuid::Uuid;

use super::events;
use crate::{
    api::ApiError,
    staff::{Session, on_unauthorized},
};

#[component]
pub(super) fn FeedForm(
    user: Memo<Uuid>,
    busy: RwSignal<bool>,
    outcome: RwSignal<Option<Result<String, ApiError>>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let session = expect_context::<Session>();
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
    }
}
