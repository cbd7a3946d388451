//! The API keys section of `/admin/profile`: the person's keys for integrations — made with a
//! name, scopes and an expiry, the key shown once to copy, then only its first characters —
//! and revoked with one click.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::{
    ApiScope,
    api_keys::{ApiKey, ApiKeyRequest},
};
use uuid::Uuid;

use super::{Said, Session, on_unauthorized};
use crate::{
    api::ApiError,
    zone::{self, Style},
};

#[component]
pub fn ApiKeys(zone: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let keys = LocalResource::new(move || {
        reload.track();
        let client = session.client();
        async move {
            match client {
                Some(client) => client.api_keys().await,
                None => Err(ApiError::Network),
            }
        }
    });
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(vec![ApiScope::BookingsRead]);
    let expires = RwSignal::new(String::new());
    let made = RwSignal::new(None::<String>);
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let expires = expires.get_untracked();
        let request = ApiKeyRequest {
            name: name.get_untracked().trim().to_owned(),
            scopes: scopes
                .get_untracked()
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            // The end of the chosen day, UTC.
            expires_at: (!expires.is_empty()).then(|| format!("{expires}T23:59:59Z")),
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            match client.create_api_key(&request).await {
                Ok(key) => {
                    made.set(key.key);
                    name.set(String::new());
                    outcome.set(Some(Ok("Key made.".to_owned())));
                    reload.update(|r| *r += 1);
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
        });
    };
    let revoke = move |id: Uuid| {
        let Some(client) = session.client() else {
            return;
        };
        spawn_local(async move {
            match client.revoke_api_key(id).await {
                Ok(()) => {
                    outcome.set(Some(Ok("Key revoked; it no longer works.".to_owned())));
                    reload.update(|r| *r += 1);
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
        });
    };
    let scope_boxes = ApiScope::ALL
        .iter()
        .map(|&scope| {
            let toggle = move |_| {
                scopes.update(|chosen| {
                    if let Some(at) = chosen.iter().position(|c| *c == scope) {
                        chosen.remove(at);
                    } else {
                        chosen.push(scope);
                    }
                })
            };
            view! {
                <label class="check">
                    <input type="checkbox" name="scopes" value=scope.as_str()
                        prop:checked=move || scopes.with(|s| s.contains(&scope)) on:change=toggle />
                    <code>{scope.as_str()}</code>
                </label>
            }
        })
        .collect_view();
    let row = move |key: ApiKey| {
        let when = |at| zone::instant(at, &zone, Style::LongDate);
        let id = key.id;
        let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
        view! {
            <tr data-key=id.to_string()>
                <td>{key.name.clone()}</td>
                <td><code>{format!("{}…", key.prefix)}</code></td>
                <td>{scopes.join(", ")}</td>
                <td>{when(key.expires_at)}</td>
                <td>{key.last_used_utc.map_or_else(|| "never".to_owned(), when)}</td>
                <td><button type="button" class="button danger" on:click=move |_| revoke(id)>"Revoke"</button></td>
            </tr>
        }
    };
    view! {
        <section class="details api-keys">
            <h2>"API keys"</h2>
            <p class="meta">"For integrations: a key acts for you, never beyond what you may do, and only within its scopes. Send it as " <code>"Authorization: Bearer mm_…"</code> "."</p>
            {move || made.get().map(|key| view! {
                <p class="notice success new-key">"Copy your new key now; it is not shown again: " <code>{key}</code></p>
            })}
            <Transition fallback=|| ()>
                {move || {
                    let row = row.clone();
                    Suspend::new(async move {
                    match keys.await {
                        Ok(list) if list.is_empty() => view! { <p class="meta">"No keys yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="api-key-list">
                                <thead><tr><th>"Name"</th><th>"Key"</th><th>"Scopes"</th><th>"Expires"</th><th>"Last used"</th><th></th></tr></thead>
                                <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <p class="notice error">{error.to_string()}</p> }.into_any(),
                    }
                })
                }}
            </Transition>
            <form class="settings new-api-key" on:submit=submit>
                <div class="field"><label for="key_name">"Name"</label>
                    <input id="key_name" type="text" required maxlength="100" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></div>
                <fieldset class="field co-host-picker"><legend>"Scopes"</legend>{scope_boxes}</fieldset>
                <div class="field"><label for="key_expires">"Expires (empty: in 90 days; at most a year)"</label>
                    <input id="key_expires" type="date" prop:value=move || expires.get() on:input=move |e| expires.set(event_target_value(&e)) /></div>
                <Said outcome />
                <button type="submit" class="button primary" disabled=move || busy.get()>"Make a key"</button>
            </form>
        </section>
    }
}
