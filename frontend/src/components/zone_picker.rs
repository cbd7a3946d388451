//! The visitor's time zone, which every time the wizard shows is in.

use leptos::{ev, prelude::*};

use crate::{
    wizard::VisitorZone,
    zone::{self},
};

/// The visitor's zone with a searchable list of every zone the browser knows.
#[component]
pub fn ZonePicker() -> impl IntoView {
    let visitor = expect_context::<VisitorZone>();
    let (open, set_open) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let choose = move |value: String| {
        let value = value.trim().replace(' ', "_");
        if zone::is_known(&value) {
            visitor.set(value);
            set_problem.set(None);
            set_open.set(false);
        } else {
            set_problem.set(Some("Choose a time zone from the list.".to_owned()));
        }
    };
    view! {
        <div class="zone-picker">
            <p>
                "Times are shown in "
                <strong data-zone=move || visitor.get()>{move || zone::label(&visitor.get())}</strong>
                " "
                <button type="button" class="link" aria-expanded=move || open.get().to_string()
                    on:click=move |_| set_open.update(|o| *o = !*o)>
                    "Change time zone"
                </button>
            </p>
            <Show when=move || open.get()>
                <label for="zone-search">"Time zone"</label>
                <input id="zone-search" type="search" list="zone-list" autocomplete="off"
                    placeholder="Search, e.g. New York"
                    on:change=move |ev| choose(event_target_value(&ev))
                    on:keydown=move |ev: ev::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            choose(event_target_value(&ev));
                        }
                    } />
                <datalist id="zone-list">
                    {zone::all()
                        .into_iter()
                        .map(|z| view! { <option value=zone::label(&z)></option> })
                        .collect_view()}
                </datalist>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            </Show>
        </div>
    }
}
