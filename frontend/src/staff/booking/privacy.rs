//! System Managers' part of a booking's page: deleting the booking, and the customer's personal
//! data — a copy of everything held about their address, or its erasure from every booking.
//! Each asks once more before it acts.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use mm_api_types::bookings::Booking;

use crate::staff::{Session, download, on_unauthorized};

/// What the System Manager is about to do, awaiting their confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Delete,
    Erase,
}

#[component]
pub(super) fn PersonalData(
    booking: Booking,
    /// Kept by the page: the outcome outlives the section the erased booking redraws.
    outcome: RwSignal<Option<(bool, String)>>,
    #[prop(into)] on_erased: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let pending = RwSignal::new(None::<Pending>);
    let busy = RwSignal::new(false);
    let (id, reference) = (booking.id, booking.booking_reference.clone());
    let email = booking.customer_email.clone();
    let export = {
        let (email, reference) = (email.clone(), reference.clone());
        move |_| {
            let (Some(client), Some(email)) = (session.client(), email.clone()) else {
                return;
            };
            let name = format!("customer-data-{reference}.json");
            spawn_local(async move {
                match client.export_customer(&email).await {
                    Ok(data) => {
                        let text = serde_json::to_string_pretty(&data).unwrap_or_default();
                        if download(&name, "application/json", &text).is_none() {
                            outcome.set(Some((
                                false,
                                "The browser refused the download.".to_owned(),
                            )));
                        }
                    }
                    Err(error) => {
                        on_unauthorized(&error);
                        outcome.set(Some((false, error.to_string())));
                    }
                }
            });
        }
    };
    let confirm = move |_| {
        let Some(client) = session.client() else {
            return;
        };
        let Some(what) = pending.get_untracked() else {
            return;
        };
        busy.set(true);
        let (email, navigate) = (email.clone(), navigate.clone());
        spawn_local(async move {
            match what {
                Pending::Delete => match client.delete_booking(id).await {
                    Ok(()) => navigate("/admin/bookings", Default::default()),
                    Err(error) => {
                        on_unauthorized(&error);
                        outcome.set(Some((false, error.to_string())));
                    }
                },
                Pending::Erase => match client
                    .erase_customer(email.as_deref().unwrap_or_default())
                    .await
                {
                    Ok(erased) => {
                        outcome.set(Some((
                            true,
                            format!(
                                "Erased: {} booking(s) anonymised, {} message(s) dropped.",
                                erased.bookings_anonymised, erased.messages_dropped
                            ),
                        )));
                        on_erased.run(());
                    }
                    Err(error) => {
                        on_unauthorized(&error);
                        outcome.set(Some((false, error.to_string())));
                    }
                },
            }
            pending.set(None);
            busy.set(false);
        });
    };
    let has_customer = booking.customer_email.is_some();
    view! {
        <section class="details personal-data" aria-label="Personal data">
            <h2>"Personal data"</h2>
            {has_customer.then(|| view! {
                <p class="meta">"A copy of everything held about this customer's address, or its erasure from every booking of theirs (the bookings stay, anonymised, for the statistics)."</p>
            })}
            <div class="actions">
                {has_customer.then(|| view! {
                    <button type="button" class="button export-customer" on:click=export.clone()>"Export customer data"</button>
                    <button type="button" class="button danger erase-customer" on:click=move |_| pending.set(Some(Pending::Erase))>"Erase customer…"</button>
                })}
                <button type="button" class="button danger delete-booking" on:click=move |_| pending.set(Some(Pending::Delete))>"Delete booking…"</button>
            </div>
            {move || pending.get().map(|what| {
                let question = match what {
                    Pending::Delete => format!("Delete {reference} with its history and messages? This cannot be undone."),
                    Pending::Erase => "Erase this customer's name, address, phone, notes and answers from every booking of theirs, and drop every message to them? This cannot be undone.".to_owned(),
                };
                view! {
                    <div class="notice error confirm" role="alertdialog">
                        <p>{question}</p>
                        <button type="button" class="button primary danger confirm-yes" disabled=move || busy.get() on:click=confirm.clone()>
                            {if what == Pending::Delete { "Delete" } else { "Erase" }}
                        </button>
                        " "<button type="button" class="button" on:click=move |_| pending.set(None)>"Keep it"</button>
                    </div>
                }
            })}
            {move || outcome.get().map(|(ok, text)| view! { <div class=if ok { "notice success" } else { "notice error" } role="status">{text}</div> })}
        </section>
    }
}
