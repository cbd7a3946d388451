//! The messages sent about one booking, with how each delivery went.

use leptos::prelude::*;
use mm_api_types::{DeliveryStatus, bookings::BookingMessage};

use crate::{
    staff::{outbox::RetryButton, status},
    zone::{self, Style},
};

#[component]
pub(super) fn Messages(
    messages: Vec<BookingMessage>,
    zone: String,
    /// Whether failed messages offer a retry (System Managers).
    retry: bool,
) -> impl IntoView {
    if messages.is_empty() {
        return view! { <h2>"Messages"</h2><p class="meta">"Nothing has been sent about this booking."</p> }
            .into_any();
    }
    view! {
        <h2>"Messages"</h2>
        <table class="messages">
            <thead><tr><th>"Queued"</th><th>"What"</th><th>"To"</th><th>"State"</th></tr></thead>
            <tbody>
                {messages.into_iter().map(|m| {
                    let state = match m.status {
                        DeliveryStatus::Sent => m.sent_utc
                            .map(|at| format!("sent {}", zone::instant(at, &zone, Style::Time)))
                            .unwrap_or_else(|| "sent".to_owned()),
                        DeliveryStatus::Queued if m.attempts > 0 => format!("retrying ({} attempts)", m.attempts),
                        DeliveryStatus::Queued => "queued".to_owned(),
                        DeliveryStatus::Failed => "failed".to_owned(),
                    };
                    let failed = m.status == DeliveryStatus::Failed;
                    view! {
                        <tr class:failed=failed>
                            <td>{format!("{} {}", zone::instant(m.created_utc, &zone, Style::ShortDate), zone::instant(m.created_utc, &zone, Style::Time))}</td>
                            <td>{status::words(m.kind.as_str())}{m.has_ics.then_some(" (with invite)")}</td>
                            <td>{m.to}</td>
                            <td>{state}{m.last_error.map(|e| view! { <br /><span class="meta">{e}</span> })}
                                {(failed && retry).then(|| view! { <br /><RetryButton id=m.id /> })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
