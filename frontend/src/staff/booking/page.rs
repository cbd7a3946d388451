//! `/admin/bookings/{id}`: the page every staff email and every calendar event we write links
//! to. Everything about the booking, its quick actions, its edit form and the messages sent
//! about it; an id that does not exist, or that the person may not see, says so.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use mm_api_types::StaffRole;
use uuid::Uuid;

use super::{
    Actions, details::Details, edit::EditForm, load, messages::Messages, privacy::PersonalData,
};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    staff::{Session, on_unauthorized},
    zone,
};

#[component]
pub fn BookingPage() -> impl IntoView {
    set_title("Booking");
    let params = use_params_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<Uuid>().ok());
    let Some(id) = id else {
        return view! { <Missing /> }.into_any();
    };
    let session = expect_context::<Session>();
    let zone = session
        .me()
        .map(|me| me.user.timezone)
        .filter(|z| zone::is_known(z))
        .unwrap_or_else(zone::detected);
    let actions = Actions::new();
    let booking = load(session, id, actions.version);
    let messages = LocalResource::new(move || {
        actions.version.track();
        let client = session.client();
        async move {
            match client {
                Some(client) => client.booking_messages(id).await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let people = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.people().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let run = actions.runner(session, id, None);
    let system_manager = session
        .me()
        .is_some_and(|me| me.roles.contains(&StaffRole::SystemManager));
    let saved = RwSignal::new(None::<Result<String, ApiError>>);
    let personal = RwSignal::new(None::<(bool, String)>);
    view! {
        <p class="meta"><a href="/admin/bookings">"← All bookings"</a></p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let (zone, run) = (zone.clone(), run.clone());
                Suspend::new(async move {
                    let booking = match booking.await {
                        Ok(booking) => booking,
                        Err(error) if error.is_not_found() => return view! { <Missing /> }.into_any(),
                        Err(error) => {
                            on_unauthorized(&error);
                            return view! { <Problem error what="booking" /> }.into_any();
                        }
                    };
                    set_title(&booking.title);
                    let members = people.await;
                    let names: BTreeMap<Uuid, String> =
                        members.iter().map(|p| (p.user_id, p.full_name.clone())).collect();
                    let messages = messages.await;
                    let (edited, record) = (booking.clone(), booking.clone());
                    // Leaders of the booking's department and System Managers assign co-hosts,
                    // from the staff they see, but the primary host.
                    let assigns = session.me().is_some_and(|me| {
                        me.roles.contains(&StaffRole::SystemManager)
                            || me.leads_department_ids.contains(&booking.department_id)
                    });
                    let staff: Vec<(Uuid, String)> = members
                        .iter()
                        .filter(|p| p.user_id != booking.assigned_to)
                        .map(|p| (p.user_id, p.full_name.clone()))
                        .collect();
                    let co_host_choices = assigns.then_some(staff);
                    let reload = Callback::new(move |()| actions.version.update(|v| *v += 1));
                    view! {
                        <div class="booking-page">
                            <section class="booking-record">
                                <Details booking names members zone=zone.clone() run actions />
                            </section>
                            <section>
                                <EditForm booking=edited co_host_choices outcome=saved on_saved=reload />
                                <Messages messages zone retry=system_manager />
                                {system_manager.then(|| view! { <PersonalData booking=record outcome=personal on_erased=reload /> })}
                            </section>
                        </div>
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
    .into_any()
}

/// An id that names no booking the person may see: which of the two is not said, so that ids
/// of other departments' bookings cannot be probed.
#[component]
fn Missing() -> impl IntoView {
    set_title("Booking not found");
    view! {
        <section class="not-found">
            <h1>"We couldn't find that booking"</h1>
            <p>"It may have been deleted, or it belongs to a department you don't work in."</p>
            <p><a class="button" href="/admin/bookings">"See all bookings"</a></p>
        </section>
    }
}
