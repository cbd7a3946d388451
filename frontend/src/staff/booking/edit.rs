//! Editing a booking's own fields on its page: the title, the description, the place and the
//! meeting link, the internal notes, the customer's contact (customer bookings), and, once the
//! meeting has started, its minutes and action items. Only the fields that differ are sent; a
//! blank field clears it; the server checks each one and names every failure.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::{
    BookingType,
    bookings::{Booking, BookingUpdate},
};
use uuid::Uuid;

use crate::{
    api::ApiError,
    staff::{Said, Session, on_unauthorized},
    zone,
};

/// One editable field: its name on the wire, its label, and how it is typed.
struct Field {
    name: &'static str,
    label: &'static str,
    input: Input,
    before: Option<String>,
    value: RwSignal<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Line(&'static str),
    Text,
}

impl Field {
    fn new(name: &'static str, label: &'static str, input: Input, before: Option<String>) -> Self {
        Self {
            name,
            label,
            input,
            value: RwSignal::new(before.clone().unwrap_or_default()),
            before,
        }
    }

    /// `Some(None)` to clear, `Some(Some(text))` to set, `None` when unchanged.
    fn change(&self) -> Option<Option<String>> {
        let now = self.value.get_untracked().trim().to_owned();
        let before = self.before.as_deref().unwrap_or_default().trim();
        (now != before).then(|| Some(now).filter(|v| !v.is_empty()))
    }
}

fn update_of(fields: &[Field]) -> BookingUpdate {
    let mut update = BookingUpdate::default();
    for field in fields {
        let Some(change) = field.change() else {
            continue;
        };
        // Minutes: text that is no number reaches the server as one it names as out of range.
        let minutes = || change.as_deref().map(|m| m.parse::<i64>().unwrap_or(-1));
        match field.name {
            "buffer_before" => {
                update.buffer_before = Some(minutes());
                continue;
            }
            "buffer_after" => {
                update.buffer_after = Some(minutes());
                continue;
            }
            _ => {}
        }
        let slot = match field.name {
            "title" => &mut update.title,
            "meeting_description" => &mut update.meeting_description,
            "physical_location" => &mut update.physical_location,
            "meeting_link" => &mut update.meeting_link,
            "meeting_notes" => &mut update.meeting_notes,
            "customer_name" => &mut update.customer_name,
            "customer_email" => &mut update.customer_email,
            "customer_phone" => &mut update.customer_phone,
            "customer_notes" => &mut update.customer_notes,
            "meeting_minutes" => &mut update.meeting_minutes,
            "action_items" => &mut update.action_items,
            _ => continue,
        };
        *slot = Some(change);
    }
    update
}

#[component]
pub(super) fn EditForm(
    booking: Booking,
    /// The staff who may co-host it, when the person may assign them (`None`: they may not).
    co_host_choices: Option<Vec<(Uuid, String)>>,
    /// Kept by the page, so the outcome outlives the form that the saved booking redraws.
    outcome: RwSignal<Option<Result<String, ApiError>>>,
    #[prop(into)] on_saved: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let started = zone::millis(booking.start_utc) <= js_sys::Date::now();
    let mut fields = vec![
        Field::new(
            "title",
            "Title",
            Input::Line("text"),
            Some(booking.title.clone()),
        ),
        Field::new(
            "meeting_description",
            "Description (everyone in the meeting reads it)",
            Input::Text,
            booking.meeting_description.clone(),
        ),
        Field::new(
            "physical_location",
            "Place",
            Input::Line("text"),
            booking.physical_location.clone(),
        ),
        Field::new(
            "meeting_link",
            "Meeting link (http:// or https://)",
            Input::Line("url"),
            booking.meeting_link.clone(),
        ),
        Field::new(
            "meeting_notes",
            "Internal notes (staff only)",
            Input::Text,
            booking.meeting_notes.clone(),
        ),
    ];
    let shown = |m: Option<u32>| m.map(|m| m.to_string());
    fields.extend([
        Field::new(
            "buffer_before",
            "Minutes kept free before (empty: the meeting type's)",
            Input::Line("number"),
            shown(booking.buffer_before),
        ),
        Field::new(
            "buffer_after",
            "Minutes kept free after (empty: the meeting type's)",
            Input::Line("number"),
            shown(booking.buffer_after),
        ),
    ]);
    if booking.booking_type == BookingType::Customer {
        fields.extend([
            Field::new(
                "customer_name",
                "Customer's name",
                Input::Line("text"),
                booking.customer_name.clone(),
            ),
            Field::new(
                "customer_email",
                "Customer's email",
                Input::Line("email"),
                booking.customer_email.clone(),
            ),
            Field::new(
                "customer_phone",
                "Customer's phone",
                Input::Line("tel"),
                booking.customer_phone.clone(),
            ),
            Field::new(
                "customer_notes",
                "Customer's notes",
                Input::Text,
                booking.customer_notes.clone(),
            ),
        ]);
    }
    if started {
        fields.extend([
            Field::new(
                "meeting_minutes",
                "Minutes",
                Input::Text,
                booking.meeting_minutes.clone(),
            ),
            Field::new(
                "action_items",
                "Action items",
                Input::Text,
                booking.action_items.clone(),
            ),
        ]);
    }
    let busy = RwSignal::new(false);
    let co_hosts_before = booking.co_hosts.clone();
    let co_hosts = RwSignal::new(co_hosts_before.clone());
    let co_host_picker = co_host_choices.map(|choices| {
        let boxes = choices
            .into_iter()
            .map(|(user, name)| {
                let toggle = move |_| {
                    co_hosts.update(|chosen| {
                        if let Some(at) = chosen.iter().position(|c| *c == user) {
                            chosen.remove(at);
                        } else {
                            chosen.push(user);
                        }
                    })
                };
                view! {
                    <label class="check">
                        <input type="checkbox" name="co_hosts" value=user.to_string()
                            prop:checked=move || co_hosts.with(|c| c.contains(&user)) on:change=toggle />
                        {name}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="field co-host-picker">
                <legend>"Co-hosts (each must be free; they get the invite)"</legend>
                {boxes}
            </fieldset>
        }
    });
    let inputs = fields
        .iter()
        .map(|field| {
            let (id, value) = (format!("edit-{}", field.name), field.value);
            let input = match field.input {
                Input::Line(kind) => view! {
                    <input id=id.clone() name=field.name type=kind prop:value=move || value.get()
                        on:input=move |e| value.set(event_target_value(&e)) />
                }
                .into_any(),
                Input::Text => view! {
                    <textarea id=id.clone() name=field.name rows="3" prop:value=move || value.get()
                        on:input=move |e| value.set(event_target_value(&e))></textarea>
                }
                .into_any(),
            };
            view! { <div class="field"><label for=id>{field.label}</label>{input}</div> }
        })
        .collect_view();
    let id = booking.id;
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let mut update = update_of(&fields);
        let chosen = co_hosts.get_untracked();
        let same_hosts = chosen.len() == co_hosts_before.len()
            && chosen.iter().all(|c| co_hosts_before.contains(c));
        if !same_hosts {
            update.co_hosts = Some(chosen.iter().map(Uuid::to_string).collect());
        }
        if update == BookingUpdate::default() {
            outcome.set(Some(Ok("Nothing to save.".to_owned())));
            return;
        }
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            match client.update_booking(id, &update).await {
                Ok(_) => {
                    outcome.set(Some(Ok("Saved.".to_owned())));
                    on_saved.run(());
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
        <form class="details booking-edit" on:submit=submit>
            <h2>"Edit"</h2>
            <p class="meta">"A new title, place, link or customer contact sends the people in the meeting an updated invite; internal notes stay with staff."</p>
            {inputs}
            {co_host_picker}
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || busy.get()>"Save changes"</button>
            </div>
            <Said outcome />
        </form>
    }
}
