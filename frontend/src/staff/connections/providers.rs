//! Buttons that connect a Google or Outlook account through the provider's consent page, for
//! the providers this server is configured for.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::ApiError,
    staff::{Session, on_unauthorized},
};

#[component]
pub(super) fn ConnectProvider(
    busy: RwSignal<bool>,
    outcome: RwSignal<Option<Result<String, ApiError>>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
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
    view! {
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
    }
}
