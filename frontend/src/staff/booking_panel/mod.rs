//! The detail panel of one booking, opened from the calendar or the booking list: everything
//! about the meeting, both of its histories, and the quick actions its status allows. The
//! server decides what is allowed; a refused action shows its reason here.

mod details;
mod history;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::{bookings::Booking, calendar::CalendarResource};
use uuid::Uuid;

use super::{Session, StaffClient, on_unauthorized};
use crate::{
    api::{ApiError, ApiResult},
    components::{Loading, Problem},
};
use details::Details;

/// An action from the panel, with what it needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Action {
    Approve,
    Reject(String),
    Cancel(Option<String>),
    Reschedule(DateTime<Utc>),
    Reassign(Uuid, Option<String>),
    Complete,
    NoShow,
}

impl Action {
    async fn run(self, client: &StaffClient, id: Uuid) -> ApiResult<Booking> {
        match self {
            Self::Approve => client.approve(id).await,
            Self::Reject(reason) => client.reject(id, reason).await,
            Self::Cancel(reason) => client.cancel(id, reason).await,
            Self::Reschedule(start) => client.reschedule(id, start, None).await,
            Self::Reassign(host, reason) => client.reassign(id, host, reason).await,
            Self::Complete => client.complete(id).await,
            Self::NoShow => client.no_show(id).await,
        }
    }

    fn done(&self) -> &'static str {
        match self {
            Self::Approve => "Approved.",
            Self::Reject(_) => "Rejected.",
            Self::Cancel(_) => "Cancelled.",
            Self::Reschedule(_) => "Rescheduled.",
            Self::Reassign(..) => "Reassigned.",
            Self::Complete => "Marked as completed.",
            Self::NoShow => "Marked as no-show.",
        }
    }
}

/// The form the person opened below the actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Cancel,
    Reject,
    Reschedule,
    Reassign,
}

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
    let version = RwSignal::new(0u32);
    let booking = LocalResource::new({
        move || {
            version.track();
            let client = session.client();
            async move {
                let booking = client.ok_or(ApiError::Network)?.booking(id).await;
                if let Err(error) = &booking {
                    on_unauthorized(error);
                }
                booking
            }
        }
    });
    let outcome = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let form = RwSignal::new(None::<Form>);
    let run = {
        move |action: Action| {
            let Some(client) = session.client() else {
                return;
            };
            busy.set(true);
            outcome.set(None);
            spawn_local(async move {
                let done = action.done();
                match action.run(&client, id).await {
                    Ok(_) => {
                        outcome.set(Some((true, done.to_owned())));
                        form.set(None);
                        version.update(|v| *v += 1);
                        on_change.run(());
                    }
                    Err(error) => {
                        on_unauthorized(&error);
                        outcome.set(Some((false, error.to_string())));
                    }
                }
                busy.set(false);
            });
        }
    };
    let close = move |_| on_close.run(());
    let on_key = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    };
    view! {
        <aside class="panel" aria-label="Booking" on:keydown=on_key>
            <button type="button" class="link panel-close" aria-label="Close" on:click=close>"×"</button>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let (names, members, zone, run) = (names.clone(), members.clone(), zone.clone(), run);
                    Suspend::new(async move {
                        match booking.await {
                            Ok(booking) => view! { <Details booking names members zone run form busy outcome /> }.into_any(),
                            Err(error) => view! { <Problem error what="booking" /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </aside>
    }
}
