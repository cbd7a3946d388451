//! The pieces the wizard's pages share: loading and error states, the step indicator, the time
//! zone picker, the month calendar and the list of times.

mod month;
mod slots;
mod steps;
mod zone_picker;

use leptos::{ev, prelude::*};

use crate::api::ApiError;

pub use month::{MonthCalendar, month_key, parse_month};
pub use slots::{SlotList, find_slot, slot_key};
pub use steps::Steps;
pub use zone_picker::ZonePicker;

/// Sets the tab's title, so every step is announced and findable in the history.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} · Meeting Manager"));
    }
}

#[component]
pub fn Loading(#[prop(default = "Loading…")] label: &'static str) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

/// A failed request: 404s read as "not found", everything else with the server's words.
#[component]
pub fn Problem(error: ApiError, #[prop(default = "page")] what: &'static str) -> impl IntoView {
    if error.is_not_found() {
        view! { <NotFound what=what /> }.into_any()
    } else {
        view! {
            <div class="notice error" role="alert">
                <p>{error.to_string()}</p>
                <p><a href="" on:click=|ev: ev::MouseEvent| {
                    ev.prevent_default();
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().reload();
                    }
                }>"Try again"</a></p>
            </div>
        }
        .into_any()
    }
}

#[component]
pub fn NotFound(what: &'static str) -> impl IntoView {
    set_title("Not found");
    view! {
        <section class="not-found">
            <h1>{format!("We couldn't find that {what}")}</h1>
            <p>"The link may be mistyped, or the page is no longer offered."</p>
            <p><a class="button" href="/book">"See all departments"</a></p>
        </section>
    }
}

/// The notice a previous page left for this one, shown once.
#[component]
pub fn PassedNotice() -> impl IntoView {
    crate::storage::take::<String>(crate::storage::NOTICE).map(|text| {
        view! { <div class="notice warning" role="alert">{text}</div> }
    })
}
