//! An internal meeting of several staff at a time they all have free.

use chrono::{DateTime, Utc};
use leptos::{ev, prelude::*};
use mm_api_types::bookings::{Booking, InternalMeetingRequest};
use uuid::Uuid;

use super::{
    super::on_unauthorized,
    field_error,
    parts::{Basics, Outcome, Repeat, RepeatFields, Times, chosen_id, default_to_first, send},
    text_or_none,
};
use crate::{api::ApiResult, zone};

#[component]
pub(super) fn InternalForm() -> impl IntoView {
    let basics = Basics::load();
    let session = basics.session;
    let zone = basics.zone.get_value();
    let me = session.me();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let leads = me.map(|m| m.leads_department_ids).unwrap_or_default();
    let department = RwSignal::new(None::<Uuid>);
    let meeting_type = RwSignal::new(None::<Uuid>);
    let host = RwSignal::new(None::<Uuid>);
    let participants = RwSignal::new(Vec::<Uuid>::new());
    let date = RwSignal::new(zone::today(&zone));
    let start = RwSignal::new(None::<DateTime<Utc>>);
    let agenda = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<ApiResult<Booking>>);
    let busy = RwSignal::new(false);
    let repeat = Repeat::new();
    // Dates left out belong to the refused series at that time.
    Effect::new(move |_| {
        start.track();
        repeat.skip.set(Vec::new());
    });
    let types = basics.meeting_types(department);
    let planned = move || {
        basics
            .departments
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| is_manager || leads.contains(&d.id))
            .collect::<Vec<_>>()
    };
    let internal_types = move || {
        types
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.is_active && t.is_internal)
            .collect::<Vec<_>>()
    };
    let people = move || basics.people.get().unwrap_or_default();
    let planned_ids = planned.clone();
    default_to_first(department, move || {
        planned_ids().into_iter().map(|d| d.id).collect()
    });
    default_to_first(meeting_type, move || {
        internal_types().into_iter().map(|t| t.id).collect()
    });
    default_to_first(host, move || {
        let dep = department.get();
        people()
            .into_iter()
            .filter(|p| dep.is_some_and(|d| p.department_ids.contains(&d)))
            .map(|p| p.user_id)
            .collect()
    });
    // The host first, as the server reads the rules in the host's zone.
    let everyone = move || {
        let Some(host) = host.get() else {
            return Vec::new();
        };
        let mut all = vec![host];
        all.extend(participants.get().into_iter().filter(|p| *p != host));
        all
    };
    let times = LocalResource::new({
        let zone = zone.clone();
        move || {
            let (client, people, date, kind, zone) = (
                session.client(),
                everyone(),
                date.get(),
                meeting_type.get(),
                zone.clone(),
            );
            start.set(None);
            async move {
                let (client, kind, date) = (client?, kind?, date?);
                if people.len() < 2 {
                    return None;
                }
                let found = client
                    .common_availability(&people, date, None, Some(kind), &zone)
                    .await;
                if let Err(error) = &found {
                    on_unauthorized(error);
                }
                Some(found)
            }
        }
    });
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(start_utc) = start.get_untracked() else {
            outcome.set(Some(Err(field_error("start_utc", "choose a time"))));
            return;
        };
        let Some(client) = session.client() else {
            return;
        };
        let host = host.get_untracked();
        let request = InternalMeetingRequest {
            meeting_type_id: meeting_type
                .get_untracked()
                .map(|t| t.to_string())
                .unwrap_or_default(),
            host: host.map(|h| h.to_string()).unwrap_or_default(),
            participants: participants
                .get_untracked()
                .into_iter()
                .filter(|p| Some(*p) != host)
                .map(|p| p.to_string())
                .collect(),
            start_utc: zone::wire(start_utc),
            meeting_agenda: text_or_none(agenda.get_untracked()),
            physical_location: text_or_none(location.get_untracked()),
            co_hosts: Vec::new(),
            recurrence: repeat.request(),
            skip_dates: repeat.skip_dates(),
        };
        send(
            async move { client.create_internal(&request).await },
            times,
            outcome,
            busy,
        );
    };
    view! {
        <form class="details meeting-form" on:submit=submit>
            <div class="field"><label for="department">"Department"</label>
                <select id="department" on:change=move |e| department.set(chosen_id(&e))>
                    {move || planned().into_iter().map(|d| {
                        let id = d.id;
                        view! { <option value=id.to_string() selected=move || department.get() == Some(id)>{d.department_name}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="meeting-type">"Meeting type"</label>
                <select id="meeting-type" on:change=move |e| meeting_type.set(chosen_id(&e))>
                    {move || internal_types().into_iter().map(|t| {
                        let id = t.id;
                        view! { <option value=id.to_string() selected=move || meeting_type.get() == Some(id)>{format!("{} ({} min)", t.meeting_name, t.duration)}</option> }
                    }).collect_view()}
                </select>
                {move || (types.get().is_some() && internal_types().is_empty()).then(|| view! {
                    <p class="field-error">"This department has no internal meeting type yet."</p>
                })}</div>
            <div class="field"><label for="host">"Host"</label>
                <select id="host" on:change=move |e| host.set(chosen_id(&e))>
                    {move || people().into_iter().map(|p| {
                        let id = p.user_id;
                        view! { <option value=id.to_string() selected=move || host.get() == Some(id)>{p.full_name}</option> }
                    }).collect_view()}
                </select></div>
            <fieldset class="people">
                <legend>"Participants"</legend>
                {move || people().into_iter().filter(|p| Some(p.user_id) != host.get()).map(|p| {
                    let id = p.user_id;
                    view! {
                        <label class="check">
                            <input type="checkbox" value=p.user_id.to_string()
                                prop:checked=move || participants.with(|all| all.contains(&id))
                                on:change=move |_| participants.update(|all| {
                                    if let Some(at) = all.iter().position(|x| *x == id) { all.remove(at); } else { all.push(id); }
                                }) />
                            {p.full_name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field"><label for="date">"Date"</label>
                <input id="date" type="date" required prop:value=move || date.get().map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |e| date.set(event_target_value(&e).parse().ok()) /></div>
            <Times times start />
            <RepeatFields repeat />
            <p class="meta">{format!("Times in {} at which everyone chosen is free", zone::label(&zone))}</p>
            <div class="field"><label for="agenda">"Agenda"</label>
                <textarea id="agenda" rows="3" prop:value=move || agenda.get() on:input=move |e| agenda.set(event_target_value(&e))></textarea></div>
            <div class="field"><label for="location">"Where (optional)"</label>
                <input id="location" type="text" prop:value=move || location.get() on:input=move |e| location.set(event_target_value(&e)) /></div>
            <Outcome outcome zone=zone.clone() repeat />
            <button type="submit" class="button primary" disabled=move || busy.get()>"Schedule the meeting"</button>
        </form>
    }
}
