//! A booking's two histories: who hosted it when, and everything that happened to it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use mm_api_types::{
    HistoryAction,
    bookings::{AssignmentHistoryEntry, BookingHistoryEntry},
};
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
                let edits = (h.action == HistoryAction::Updated)
                    .then(|| field_changes(h.old_value.as_deref(), h.new_value.as_deref()));
                let change = match (&edits, h.old_value, h.new_value) {
                    (Some(_), _, _) => String::new(),
                    (None, Some(old), Some(new)) => format!(": {old} → {new}"),
                    (None, None, Some(new)) => format!(": {new}"),
                    _ => String::new(),
                };
                let notes = h.notes.filter(|_| edits.is_none());
                view! {
                    <li>
                        <strong>{status::words(h.action.as_str())}</strong>{change}
                        {edits.map(|edits| view! {
                            <ul class="plain field-changes">{edits.into_iter().map(|(field, old, new)| view! {
                                <li><em>{status::words(&field)}</em>{format!(": {old} → {new}")}</li>
                            }).collect_view()}</ul>
                        })}
                        <br /><span class="meta">{format!("{} · {}{}",
                            zone::instant(h.action_utc, &zone, Style::LongDate),
                            status::words(h.action_by_role.as_str()),
                            h.action_by.map(|by| format!(" {}", name_of(by))).unwrap_or_default())}</span>
                        {notes.map(|n| view! { <br /><span class="meta">{n}</span> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// An edit's fields with their old and new values, from the entry's JSON objects; a value that
/// was empty reads as "–".
fn field_changes(old: Option<&str>, new: Option<&str>) -> Vec<(String, String, String)> {
    let object = |json: Option<&str>| {
        json.and_then(|j| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(j).ok()
        })
        .unwrap_or_default()
    };
    let (old, new) = (object(old), object(new));
    let shown = |value: Option<&serde_json::Value>| match value {
        Some(serde_json::Value::String(text)) => text.clone(),
        _ => "–".to_owned(),
    };
    new.iter()
        .map(|(field, value)| (field.clone(), shown(old.get(field)), shown(Some(value))))
        .collect()
}
