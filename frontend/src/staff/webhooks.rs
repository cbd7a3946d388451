//! `/admin/webhooks` (System Managers and Department Leaders): the person's webhook subscriptions
//! — a receiver URL, the booking events it wants, one department or all — with the signing
//! secret shown once when made; each can be tested, turned off and on, deleted, and its latest
//! deliveries read and sent again.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::{
    WebhookDeliveryStatus, WebhookEvent,
    departments::Department,
    webhooks::{Webhook, WebhookDelivery, WebhookRequest, WebhookUpdate},
};
use uuid::Uuid;

use super::{Said, Session, on_unauthorized};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone::{self, Style},
};

#[component]
pub fn Webhooks() -> impl IntoView {
    set_title("Webhooks");
    let session = expect_context::<Session>();
    let me = session.me();
    let is_system_manager = me.as_ref().is_some_and(|me| me.user.is_system_manager);
    let leads: Vec<Uuid> = me
        .as_ref()
        .map(|me| me.leads_department_ids.clone())
        .unwrap_or_default();
    let zone = me
        .map(|me| me.user.timezone)
        .filter(|z| zone::is_known(z))
        .unwrap_or_else(zone::detected);
    let reload = RwSignal::new(0u32);
    let hooks = LocalResource::new(move || {
        reload.track();
        let client = session.client();
        async move {
            let client = client.ok_or(ApiError::Network)?;
            let hooks = client.webhooks().await;
            if let Err(error) = &hooks {
                on_unauthorized(error);
            }
            let departments = client.departments().await?;
            Ok::<_, ApiError>((hooks?, departments))
        }
    });
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let secret = RwSignal::new(None::<String>);
    view! {
        <h1>"Webhooks"</h1>
        <p class="meta">
            "Meeting Manager posts each booking event you subscribe to to your URL, signed as the "
            <a href="https://www.standardwebhooks.com/" rel="noopener">"Standard Webhooks"</a>
            " specification describes (" <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code> ", "
            <code>"webhook-signature"</code> "). Failed deliveries are tried again for about a day."
        </p>
        {move || secret.get().map(|s| view! {
            <p class="notice success new-secret">"Copy the signing secret now; it is not shown again: " <code>{s}</code></p>
        })}
        <Said outcome />
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let (zone, leads) = (zone.clone(), leads.clone());
                Suspend::new(async move {
                    match hooks.await {
                        Ok((list, departments)) => {
                            let name_of = {
                                let departments = departments.clone();
                                move |id: Option<Uuid>| match id {
                                    None => "All departments".to_owned(),
                                    Some(id) => departments
                                        .iter()
                                        .find(|d| d.id == id)
                                        .map_or_else(|| id.to_string(), |d| d.department_name.clone()),
                                }
                            };
                            let choices: Vec<Department> = departments
                                .into_iter()
                                .filter(|d| is_system_manager || leads.contains(&d.id))
                                .collect();
                            view! {
                                {if list.is_empty() {
                                    view! { <p class="meta">"No webhooks yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="webhook-list">
                                            {list.into_iter().map(|hook| {
                                                let department = name_of(hook.department_id);
                                                view! { <Subscription hook department zone=zone.clone() reload outcome /> }
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                                <NewSubscription departments=choices every=is_system_manager reload outcome secret />
                            }.into_any()
                        }
                        Err(error) => view! { <Problem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Runs a change against the API and reports it in `outcome`; `then` on success.
fn act<T: 'static>(
    outcome: RwSignal<Option<Result<String, ApiError>>>,
    said: &'static str,
    work: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
    then: impl FnOnce(T) + 'static,
) {
    spawn_local(async move {
        match work.await {
            Ok(value) => {
                outcome.set(Some(Ok(said.to_owned())));
                then(value);
            }
            Err(error) => {
                on_unauthorized(&error);
                outcome.set(Some(Err(error)));
            }
        }
    });
}

#[component]
fn Subscription(
    hook: Webhook,
    department: String,
    zone: String,
    reload: RwSignal<u32>,
    outcome: RwSignal<Option<Result<String, ApiError>>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = hook.id;
    let shown = RwSignal::new(false);
    let refresh = RwSignal::new(0u32);
    let deliveries = LocalResource::new(move || {
        refresh.track();
        let (client, open) = (session.client(), shown.get());
        async move {
            if !open {
                return Ok(None);
            }
            let page = client
                .ok_or(ApiError::Network)?
                .webhook_deliveries(id)
                .await?;
            Ok::<_, ApiError>(Some(page))
        }
    });
    let test = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        act(
            outcome,
            "Test event queued; see its delivery below.",
            async move { client.test_webhook(id).await },
            move |_| {
                shown.set(true);
                refresh.update(|r| *r += 1);
            },
        );
    };
    let active = hook.is_active;
    let toggle = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        let update = WebhookUpdate {
            is_active: Some(!active),
            ..Default::default()
        };
        let said = if active {
            "Webhook turned off."
        } else {
            "Webhook turned on; waiting events go out."
        };
        act(
            outcome,
            said,
            async move { client.update_webhook(id, &update).await },
            move |_| {
                reload.update(|r| *r += 1);
            },
        );
    };
    let remove = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        act(
            outcome,
            "Webhook deleted.",
            async move { client.delete_webhook(id).await },
            move |()| {
                reload.update(|r| *r += 1);
            },
        );
    };
    let events: Vec<&str> = hook.events.iter().map(|e| e.as_str()).collect();
    let state = if hook.is_active {
        ("badge st-confirmed", "active")
    } else {
        ("badge st-cancelled", "off")
    };
    view! {
        <li class="webhook" data-webhook=id.to_string()>
            <p>
                <span class=state.0>{state.1}</span>" "
                <code class="webhook-url">{hook.url.clone()}</code>
                <span class="meta">{format!(" · {department}{}", hook.description.as_deref().map(|d| format!(" · {d}")).unwrap_or_default())}</span>
            </p>
            <p class="meta">{events.join(", ")}</p>
            {hook.disabled_reason.clone().map(|reason| view! { <p class="notice error">{format!("Turned off by the system: {reason}.")}</p> })}
            <p class="actions">
                <button type="button" class="button send-test" on:click=test>"Send test event"</button>
                <button type="button" class="button toggle" on:click=toggle>{if active { "Turn off" } else { "Turn on" }}</button>
                <button type="button" class="button" on:click=move |_| { shown.update(|s| *s = !*s); }>
                    {move || if shown.get() { "Hide deliveries" } else { "Deliveries" }}
                </button>
                <button type="button" class="button danger" on:click=remove>"Delete"</button>
            </p>
            <Transition fallback=|| ()>
                {move || {
                    let zone = zone.clone();
                    Suspend::new(async move {
                        match deliveries.await {
                            Ok(None) => ().into_any(),
                            Ok(Some(page)) if page.items.is_empty() => view! { <p class="meta">"No deliveries yet."</p> }.into_any(),
                            Ok(Some(page)) => view! {
                                <ul class="deliveries">
                                    {page.items.into_iter().map(|d| view! { <Delivery delivery=d zone=zone.clone() refresh outcome /> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => view! { <p class="notice error">{error.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </li>
    }
}

#[component]
fn Delivery(
    delivery: WebhookDelivery,
    zone: String,
    refresh: RwSignal<u32>,
    outcome: RwSignal<Option<Result<String, ApiError>>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let (id, subscription) = (delivery.id, delivery.subscription_id);
    let retry = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        act(
            outcome,
            "Sent again with the same webhook-id.",
            async move { client.retry_webhook_delivery(subscription, id).await },
            move |_| refresh.update(|r| *r += 1),
        );
    };
    let badge = match delivery.status {
        WebhookDeliveryStatus::Delivered => "badge st-confirmed",
        WebhookDeliveryStatus::Failed => "badge st-cancelled",
        WebhookDeliveryStatus::Pending => "badge st-pending",
    };
    let when = format!(
        "{} {}",
        zone::instant(delivery.created_utc, &zone, Style::ShortDate),
        zone::instant(delivery.created_utc, &zone, Style::Time)
    );
    let answered = delivery
        .response_status
        .map_or_else(|| "no answer".to_owned(), |code| format!("answered {code}"));
    view! {
        <li class="delivery" data-delivery=id.to_string()>
            <details>
                <summary>
                    <span class=badge>{delivery.status.as_str()}</span>" "
                    <strong>{delivery.event_type.clone()}</strong>
                    <span class="meta">{format!(" · {when} · {} attempt(s) · {answered}", delivery.attempts)}</span>
                </summary>
                {delivery.last_error.clone().map(|e| view! { <p class="notice error">{e}</p> })}
                <p class="meta">"webhook-id " <code>{id.to_string()}</code></p>
                <pre class="body">{delivery.payload.clone()}</pre>
                <button type="button" class="button retry" on:click=retry>"Send again"</button>
            </details>
        </li>
    }
}

#[component]
fn NewSubscription(
    departments: Vec<Department>,
    /// Whether "All departments" may be chosen (System Managers).
    every: bool,
    reload: RwSignal<u32>,
    outcome: RwSignal<Option<Result<String, ApiError>>>,
    secret: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let first = departments
        .first()
        .map(|d| d.id.to_string())
        .unwrap_or_default();
    let department = RwSignal::new(if every { String::new() } else { first });
    let events = RwSignal::new(WebhookEvent::ALL.to_vec());
    let busy = RwSignal::new(false);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let request = WebhookRequest {
            url: url.get_untracked().trim().to_owned(),
            events: events
                .get_untracked()
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
            department_id: Uuid::parse_str(&department.get_untracked()).ok(),
            description: Some(description.get_untracked()).filter(|d| !d.trim().is_empty()),
        };
        busy.set(true);
        spawn_local(async move {
            match client.create_webhook(&request).await {
                Ok(made) => {
                    secret.set(made.secret);
                    url.set(String::new());
                    description.set(String::new());
                    outcome.set(Some(Ok("Webhook made.".to_owned())));
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
    let boxes = WebhookEvent::ALL
        .iter()
        .map(|&event| {
            let toggle = move |_| {
                events.update(|chosen| {
                    if let Some(at) = chosen.iter().position(|c| *c == event) {
                        chosen.remove(at);
                    } else {
                        chosen.push(event);
                    }
                })
            };
            view! {
                <label class="check">
                    <input type="checkbox" name="events" value=event.as_str()
                        prop:checked=move || events.with(|e| e.contains(&event)) on:change=toggle />
                    <code>{event.as_str()}</code>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="settings new-webhook" on:submit=submit>
            <h2>"New webhook"</h2>
            <div class="field"><label for="webhook_url">"Receiver URL"</label>
                <input id="webhook_url" type="url" required maxlength="2000" placeholder="https://example.com/meeting-manager"
                    prop:value=move || url.get() on:input=move |e| url.set(event_target_value(&e)) /></div>
            <div class="field"><label for="webhook_department">"Bookings of"</label>
                <select id="webhook_department" on:change=move |e| department.set(event_target_value(&e))>
                    {every.then(|| view! { <option value="" selected>"All departments"</option> })}
                    {departments.into_iter().map(|d| view! { <option value=d.id.to_string()>{d.department_name}</option> }).collect_view()}
                </select></div>
            <fieldset class="field co-host-picker"><legend>"Events"</legend>{boxes}</fieldset>
            <div class="field"><label for="webhook_description">"Description (optional)"</label>
                <input id="webhook_description" type="text" maxlength="200"
                    prop:value=move || description.get() on:input=move |e| description.set(event_target_value(&e)) /></div>
            <button type="submit" class="button primary" disabled=move || busy.get()>"Subscribe"</button>
        </form>
    }
}
