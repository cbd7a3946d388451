//! A booking's two histories: who hosted it when, and everything that happened to it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use mm_api_types::bookings::{AssignmentHistoryEntry, BookingHistoryEntry};
use uuid::Uuid;

use super::super::status;
use crate::zone::{self, Style};

#[component]
pub(super) fn Histories(
    assignments: Vec<AssignmentHistoryEntry>,
    history: Vec<BookingHistoryEntry>,
    names: BTreeMap<Uuid, String>,
    zone: String,
) -> impl IntoView {
    let name_of = move |id: Uuid| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "someone".to_owned())
    };
    view! {
        <h3>"Assignment history"</h3>
        <ol class="history">
            {assignments.into_iter().map(|a| view! {
                <li class:current=a.is_current>
                    <strong>{name_of(a.assigned_to)}</strong>
                    {format!(" · {} · {}", status::words(a.assignment_type.as_str()), zone::instant(a.assigned_utc, &zone, Style::LongDate))}
                    {a.assigned_by.map(|by| format!(" · by {}", name_of(by)))}
                    {a.notes.map(|n| view! { <br /><span class="meta">{n}</span> })}
                </li>
            }).collect_view()}
        </ol>
        <h3>"Booking history"</h3>
        <ol class="history">
            {history.into_iter().map(|h| {
                let change = match (h.old_value, h.new_value) {
                    (Some(old), Some(new)) => format!(": {old} → {new}"),
                    (None, Some(new)) => format!(": {new}"),
                    _ => String::new(),
                };
                view! {
                    <li>
                        <strong>{status::words(h.action.as_str())}</strong>{change}
                        <br /><span class="meta">{format!("{} · {}{}",
                            zone::instant(h.action_utc, &zone, Style::LongDate),
                            status::words(h.action_by_role.as_str()),
                            h.action_by.map(|by| format!(" {}", name_of(by))).unwrap_or_default())}</span>
                        {h.notes.map(|n| view! { <br /><span class="meta">{n}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
