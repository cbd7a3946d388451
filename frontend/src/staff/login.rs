//! `/admin/login`: email and password, then back to the page that asked for them.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{Session, StaffClient};
use crate::components::set_title;

/// Only paths of the staff app are followed after signing in, never another site.
fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with("/admin/") && !n.starts_with("/admin/login"))
        .unwrap_or_else(|| "/admin/dashboard".to_owned())
}

#[component]
pub fn Login() -> impl IntoView {
    set_title("Sign in");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let next = safe_next(query.read_untracked().get("next"));
        let navigate = navigate.clone();
        spawn_local(async move {
            match StaffClient::login(&email.get_untracked(), &password.get_untracked()).await {
                Ok((client, me)) => {
                    session.0.set(Some((client, me)));
                    navigate(&next, Default::default());
                }
                Err(error) => {
                    failure.set(Some(error.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/book">"Meeting Manager"</a>
        </header>
        <main id="main" class="page narrow">
            <h1>"Sign in"</h1>
            <form class="details" on:submit=submit>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" type="email" autocomplete="username" required
                        prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" type="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) />
                </div>
                {move || failure.get().map(|f| view! { <div class="notice error" role="alert">{f}</div> })}
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
