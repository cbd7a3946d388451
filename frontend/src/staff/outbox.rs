//! `/admin/outbox` (System Managers): every email and text the system queued, sent or gave up
//! on, newest first, with the error of a failed delivery and the message itself.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{DeliveryStatus, outbox::OutboxEmail};
use uuid::Uuid;

use super::{Session, on_unauthorized, status};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone::{self, Style},
};

const PER_PAGE: u64 = 50;

#[component]
pub fn Outbox() -> impl IntoView {
    set_title("Outbox");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let zone = session
        .me()
        .map(|me| me.user.timezone)
        .filter(|z| zone::is_known(z))
        .unwrap_or_else(zone::detected);
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    });
    let to = Memo::new(move |_| query.read().get("to").unwrap_or_default());
    let search = RwSignal::new(to.get_untracked());
    let mail = LocalResource::new(move || {
        let (client, page, to) = (session.client(), page.get(), to.get());
        async move {
            let found = client
                .ok_or(ApiError::Network)?
                .outbox(page, PER_PAGE, &to)
                .await;
            if let Err(error) = &found {
                on_unauthorized(error);
            }
            found
        }
    });
    let href = move |page: u64, to: &str| {
        let to: String = js_sys::encode_uri_component(to).into();
        format!("/admin/outbox?page={page}&to={to}")
    };
    view! {
        <h1>"Outbox"</h1>
        <form class="filters" role="search" on:submit=move |ev| {
            ev.prevent_default();
            navigate(&href(1, &search.get_untracked()), Default::default());
        }>
            <label class="rc-filter search"><span>"Recipient"</span>
                <span class="search-row">
                    <input id="to" type="search" prop:value=move || search.get() on:input=move |e| search.set(event_target_value(&e)) />
                    <button type="submit" class="button">"Search"</button>
                </span>
            </label>
        </form>
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let zone = zone.clone();
                Suspend::new(async move {
                    match mail.await {
                        Ok(found) => {
                            let pages = found.total.div_ceil(PER_PAGE).max(1);
                            let (current, to) = (found.page, to.get_untracked());
                            view! {
                                <p class="meta">{format!("{} messages", found.total)}</p>
                                <ul class="outbox">
                                    {found.items.into_iter().map(|m| view! { <Message message=m zone=zone.clone() /> }).collect_view()}
                                </ul>
                                <nav class="pager" aria-label="Pages">
                                    {(current > 1).then(|| view! { <a class="button" href=href(current - 1, &to)>"Newer"</a> })}
                                    <span>{format!("Page {current} of {pages}")}</span>
                                    {(current < pages).then(|| view! { <a class="button" href=href(current + 1, &to)>"Older"</a> })}
                                </nav>
                            }.into_any()
                        }
                        Err(error) => view! { <Problem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// Queues a message that failed for good once more (System Managers); says how it went.
#[component]
pub(super) fn RetryButton(id: Uuid) -> impl IntoView {
    let session = expect_context::<Session>();
    let outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let busy = RwSignal::new(false);
    let retry = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let result = client.retry_message(id).await.map(|_| ());
            if let Err(error) = &result {
                on_unauthorized(error);
            }
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        {move || match outcome.get() {
            Some(Ok(())) => view! { <span class="notice success" role="status">"Queued again."</span> }.into_any(),
            Some(Err(error)) => view! { <span class="notice error" role="alert">{error.to_string()}</span> }.into_any(),
            None => view! {
                <button type="button" class="button retry" disabled=move || busy.get() on:click=retry>"Retry"</button>
            }.into_any(),
        }}
    }
}

#[component]
fn Message(message: OutboxEmail, zone: String) -> impl IntoView {
    let status_class = match message.status {
        DeliveryStatus::Sent => "badge st-confirmed",
        DeliveryStatus::Failed => "badge st-cancelled",
        DeliveryStatus::Queued => "badge st-pending",
    };
    let when = format!(
        "{} {}",
        zone::instant(message.created_utc, &zone, Style::ShortDate),
        zone::instant(message.created_utc, &zone, Style::Time)
    );
    view! {
        <li>
            <details>
                <summary>
                    <span class=status_class>{message.status.as_str()}</span>" "
                    <strong>{message.subject.clone()}</strong>
                    <span class="meta">{format!(" · to {} · {} · {} · {} attempt(s){}", message.to, status::words(message.kind.as_str()), when, message.attempts, if message.has_ics { " · invite attached" } else { "" })}</span>
                </summary>
                {message.last_error.clone().map(|e| view! { <p class="notice error">{e}</p> })}
                {(message.status == DeliveryStatus::Failed).then(|| view! { <RetryButton id=message.id /> })}
                <pre class="body">{message.body_text.clone()}</pre>
            </details>
        </li>
    }
}
