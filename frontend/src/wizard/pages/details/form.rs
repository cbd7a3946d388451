//! The customer's details form: the fields, the answers, and the booking request it sends.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use mm_api_types::{ErrorCode, FunnelStep, bookings::PublicBookingRequest, public::PublicSlot};
use wasm_bindgen::JsCast;

use super::super::steps::ChoiceSummary;
use super::{Draft, check, question::Question, sentence};
use crate::{
    api::{self, Choice},
    components::set_title,
    storage,
    wizard::{Frame, VisitorZone, funnel, repeat},
    zone::{self, Style},
};
use mm_domain::recurrence::Recurrence;

#[component]
pub(super) fn CustomerForm(
    choice: Choice,
    chosen: PublicSlot,
    /// A series starting at `chosen`, if the customer asked to repeat the meeting.
    repeat: Option<Recurrence>,
) -> impl IntoView {
    let frame = expect_context::<Frame>();
    let visitor = expect_context::<VisitorZone>();
    let navigate = use_navigate();
    let slot = chosen;
    let zone = visitor.get_untracked();
    let mut when = format!(
        "{}, {}",
        zone::instant(slot.start_utc, &zone, Style::LongDate),
        zone::instant(slot.start_utc, &zone, Style::Time)
    );
    if let Some(repeat) = repeat {
        when = format!("{when} · {}", repeat::label(repeat));
    }
    set_title(&format!(
        "{}: your details",
        choice.meeting_type.meeting_name
    ));
    let questions = choice.meeting_type.custom_questions.clone();
    let draft = RwSignal::new(storage::load::<Draft>(storage::DETAILS).unwrap_or_default());
    Effect::new(move |_| storage::save(storage::DETAILS, &draft.get()));
    // Errors show once a field was left or the form submitted, then follow every keystroke.
    let touched = RwSignal::new(BTreeMap::<String, bool>::new());
    let server_errors = RwSignal::new(BTreeMap::<String, String>::new());
    let errors = {
        let questions = questions.clone();
        Memo::new(move |_| {
            let mut found = check(&draft.get(), &questions);
            found.retain(|field, _| touched.with(|t| t.get(field).copied().unwrap_or(false)));
            for (field, message) in server_errors.get() {
                found.entry(field).or_insert(message);
            }
            found
        })
    };
    let error_of = move |field: &'static str| move || errors.with(|e| e.get(field).cloned());
    let touch = move |field: String| {
        touched.update(|t| {
            t.insert(field, true);
        })
    };
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    // One key per distinct request: a retry after a lost answer returns the same booking.
    let attempt = RwSignal::new(None::<(String, PublicBookingRequest)>);

    let department_slug = choice.department.department_slug.clone();
    let meeting_slug = choice.meeting_type.meeting_slug.clone();
    funnel::reached(&department_slug, Some(&meeting_slug), FunnelStep::Time);
    let submit = {
        let questions = questions.clone();
        let start_utc = slot.start_utc;
        move |ev: ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let current = draft.get_untracked();
            let problems = check(&current, &questions);
            server_errors.set(BTreeMap::new());
            if !problems.is_empty() {
                touched.update(|t| t.extend(problems.keys().map(|k| (k.clone(), true))));
                focus_first_invalid();
                return;
            }
            funnel::reached(&department_slug, Some(&meeting_slug), FunnelStep::Details);
            let request = PublicBookingRequest {
                recurrence: repeat.map(repeat::request),
                department_slug: department_slug.clone(),
                meeting_slug: meeting_slug.clone(),
                start_utc: zone::wire(start_utc),
                customer_name: current.name.trim().to_owned(),
                customer_email: current.email.trim().to_owned(),
                customer_phone: current.phone.trim().to_owned(),
                customer_timezone: Some(visitor.get_untracked()),
                // The server takes the browser's `Accept-Language`.
                customer_language: None,
                customer_notes: Some(current.notes.trim().to_owned()).filter(|n| !n.is_empty()),
                answers: current.answers.clone(),
            };
            let key = match attempt.get_untracked() {
                Some((key, last)) if last == request => key,
                _ => new_key(),
            };
            attempt.set(Some((key.clone(), request.clone())));
            busy.set(true);
            failure.set(None);
            let navigate = navigate.clone();
            let time_step = format!(
                "{}{}",
                frame.path(&[
                    &department_slug,
                    &meeting_slug,
                    &slot_date(start_utc, &visitor.get_untracked()),
                ]),
                repeat::query(repeat)
            );
            spawn_local(async move {
                match api::create_booking(&request, &key).await {
                    Ok(booking) => {
                        storage::save(&storage::booking_key(&booking.booking_reference), &booking);
                        navigate(
                            &frame.path(&["confirm", &booking.booking_reference]),
                            Default::default(),
                        );
                    }
                    Err(error) if error.code() == Some(ErrorCode::SlotUnavailable) => {
                        storage::save(
                            storage::NOTICE,
                            &"Sorry, someone booked that time a moment ago. Please choose another time.",
                        );
                        navigate(&time_step, Default::default());
                    }
                    Err(error) => {
                        busy.set(false);
                        let fields = error.fields();
                        if fields.is_empty() {
                            failure.set(Some(error.to_string()));
                        } else {
                            server_errors.set(fields);
                            focus_first_invalid();
                        }
                    }
                }
            });
        }
    };

    let text_field = move |field: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           autocomplete: &'static str,
                           hint: Option<&'static str>,
                           get: fn(&Draft) -> String,
                           set: fn(&mut Draft, String)| {
        let id = field.to_owned();
        let described = format!("{field}-error");
        view! {
            <div class="field">
                <label for=id.clone()>{label}" "<span class="required" aria-hidden="true">"*"</span></label>
                {hint.map(|h| view! { <p class="hint">{h}</p> })}
                <input id=id.clone() name=id.clone() type=kind autocomplete=autocomplete required
                    aria-invalid=move || error_of(field)().is_some().to_string()
                    aria-describedby=described.clone()
                    prop:value=move || draft.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| set(d, v)); server_errors.update(|e| { e.remove(field); }); }
                    on:blur=move |_| touch(field.to_owned()) />
                <p class="field-error" id=described aria-live="polite">{move || error_of(field)().map(|m| sentence(label, &m))}</p>
            </div>
        }
    };

    view! {
        <ChoiceSummary choice=choice when=when.clone() />
        <p class="zone-note">{format!("Times in {}", zone::label(&zone))}</p>
        <h1>"Your details"</h1>
        <form class="details" novalidate on:submit=submit>
            {text_field("customer_name", "Name", "text", "name", None, |d| d.name.clone(), |d, v| d.name = v)}
            {text_field("customer_email", "Email", "email", "email", Some("Your confirmation goes here."), |d| d.email.clone(), |d, v| d.email = v)}
            {text_field("customer_phone", "Phone", "tel", "tel", Some("With country code, e.g. +45 12 34 56 78."), |d| d.phone.clone(), |d, v| d.phone = v)}
            {questions.into_iter().map(|q| view! { <Question question=q draft=draft errors=errors touch=Callback::new(touch) /> }).collect_view()}
            <div class="field">
                <label for="customer_notes">"Anything we should know? (optional)"</label>
                <textarea id="customer_notes" name="customer_notes" rows="3"
                    prop:value=move || draft.with(|d| d.notes.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.notes = v); }></textarea>
                <p class="field-error" aria-live="polite">{move || error_of("customer_notes")().map(|m| sentence("Notes", &m))}</p>
            </div>
            {move || failure.get().map(|f| view! { <div class="notice error" role="alert">{f}</div> })}
            <button type="submit" class="button primary" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                {move || match (busy.get(), repeat) {
                    (true, _) => "Booking…".to_owned(),
                    (false, Some(series)) => format!("Book {} meetings", series.count()),
                    (false, None) => "Confirm booking".to_owned(),
                }}
            </button>
        </form>
    }
}

/// The visitor's day a slot starts on, for the way back to its time step.
fn slot_date(start_utc: DateTime<Utc>, zone: &str) -> String {
    zone::date_of(start_utc, zone)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// A fresh `Idempotency-Key`. Not `crypto.randomUUID()`: browsers offer it only on HTTPS, and a
/// phone reaching the app over plain HTTP on a local network must book too.
fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn focus_first_invalid() {
    // After the view updated its `aria-invalid` attributes.
    leptos::prelude::request_animation_frame(|| {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-invalid=\"true\"]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}
