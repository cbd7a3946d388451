//! A meeting type's reminder schedule as edited: each entry's hours before the meeting, channel
//! and whether it is active. Saved with the meeting type.

use leptos::prelude::*;
use mm_api_types::{ReminderChannel, meeting_types::ReminderEntry};

const CHANNELS: [(ReminderChannel, &str); 3] = [
    (ReminderChannel::Email, "Email"),
    (ReminderChannel::Sms, "Text"),
    (ReminderChannel::Both, "Both"),
];

#[component]
pub(super) fn RemindersEditor(reminders: RwSignal<Vec<ReminderEntry>>) -> impl IntoView {
    view! {
        <h2>"Reminders"</h2>
        <table class="table reminders">
            <thead><tr><th>"Hours before"</th><th>"By"</th><th>"Active"</th><th></th></tr></thead>
            <tbody>
                {move || (0..reminders.with(Vec::len)).map(|i| view! {
                    <tr>
                        <td><input type="number" min="1" aria-label="Hours before"
                            prop:value=move || reminders.with(|all| all.get(i).map(|r| r.hours_before.to_string()).unwrap_or_default())
                            on:change=move |e| { let v = event_target_value(&e).parse().unwrap_or(0); reminders.update(|all| if let Some(r) = all.get_mut(i) { r.hours_before = v; }); } /></td>
                        <td><select aria-label="By" on:change=move |e| { let v = event_target_value(&e); reminders.update(|all| if let Some(r) = all.get_mut(i) { r.notification_type = v; }); }>
                            {CHANNELS.into_iter().map(|(k, l)| view! { <option value=k.as_str() selected=move || reminders.with(|all| all.get(i).is_some_and(|r| r.notification_type == k.as_str()))>{l}</option> }).collect_view()}
                        </select></td>
                        <td><input type="checkbox" aria-label="Active" prop:checked=move || reminders.with(|all| all.get(i).is_some_and(|r| r.is_active))
                            on:change=move |_| reminders.update(|all| if let Some(r) = all.get_mut(i) { r.is_active = !r.is_active; }) /></td>
                        <td><button type="button" class="link" on:click=move |_| reminders.update(|all| { if i < all.len() { all.remove(i); } })>"Remove"</button></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <p><button type="button" class="button" on:click=move |_| reminders.update(|all| {
            // Offsets must differ: the first usual one not yet taken.
            let taken: Vec<i64> = all.iter().map(|r| r.hours_before).collect();
            let hours_before = [1, 2, 4, 24, 48, 168].into_iter().find(|h| !taken.contains(h))
                .unwrap_or_else(|| taken.iter().max().copied().unwrap_or(0) + 1);
            all.push(ReminderEntry { hours_before, notification_type: ReminderChannel::Email.to_string(), is_active: true });
        })>"Add a reminder"</button></p>
    }
}
