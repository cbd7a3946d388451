//! The detail panel of one booking beside the calendar or the booking list.

use std::collections::BTreeMap;

use leptos::{ev, prelude::*};
use mm_api_types::calendar::CalendarResource;
use uuid::Uuid;

use super::{Actions, details::Details, load};
use crate::{
    components::{Loading, Problem},
    staff::Session,
};

#[component]
pub fn BookingPanel(
    id: Uuid,
    /// Staff names by user id, for hosts and histories.
    names: BTreeMap<Uuid, String>,
    /// People the booking may be reassigned to (those of its department are offered).
    members: Vec<CalendarResource>,
    zone: String,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_change: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let actions = Actions::new();
    let booking = load(session, id, actions.version);
    let run = actions.runner(session, id, Some(on_change));
    let close = move |_| on_close.run(());
    let on_key = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    };
    view! {
        <aside class="panel" aria-label="Booking" on:keydown=on_key>
            <button type="button" class="link panel-close" aria-label="Close" on:click=close>"×"</button>
            <p class="meta"><a href=format!("/admin/bookings/{id}")>"Open the full page"</a></p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let (names, members, zone, run) = (names.clone(), members.clone(), zone.clone(), run.clone());
                    Suspend::new(async move {
                        match booking.await {
                            Ok(booking) => view! { <Details booking names members zone run actions /> }.into_any(),
                            Err(error) => view! { <Problem error what="booking" /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </aside>
    }
}
