//! A customer meeting hosted by a chosen member.

use chrono::{DateTime, Utc};
use leptos::{ev, prelude::*};
use mm_api_types::bookings::{Booking, StaffBookingRequest};
use uuid::Uuid;

use super::{
    super::on_unauthorized,
    field_error,
    parts::{Basics, Outcome, Repeat, RepeatFields, Times, chosen_id, default_to_first, send},
    text_or_none,
};
use crate::{api::ApiResult, zone};

#[component]
pub(super) fn CustomerForm() -> impl IntoView {
    let basics = Basics::load();
    let session = basics.session;
    let zone = basics.zone.get_value();
    let me = session.me();
    let my_id = me.as_ref().map(|m| m.user.id).unwrap_or_default();
    let is_manager = me.as_ref().is_some_and(|m| m.user.is_system_manager);
    let leads = me.map(|m| m.leads_department_ids).unwrap_or_default();
    let department = RwSignal::new(None::<Uuid>);
    let meeting_type = RwSignal::new(None::<Uuid>);
    let host = RwSignal::new(None::<Uuid>);
    let date = RwSignal::new(zone::today(&zone));
    let start = RwSignal::new(None::<DateTime<Utc>>);
    let (name, email, phone, notes) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let customer_zone = RwSignal::new(zone.clone());
    let outcome = RwSignal::new(None::<ApiResult<Booking>>);
    let busy = RwSignal::new(false);
    let repeat = Repeat::new();
    // Dates left out belong to the refused series at that time.
    Effect::new(move |_| {
        start.track();
        repeat.skip.set(Vec::new());
    });
    let types = basics.meeting_types(department);
    let usable_types = move || {
        types
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.is_active && (t.is_public || !t.is_internal))
            .collect::<Vec<_>>()
    };
    // Leaders and System Managers choose the host; a member hosts their own customer meetings.
    let hosts = move || {
        let dep = department.get();
        if is_manager || dep.is_some_and(|d| leads.contains(&d)) {
            basics
                .people
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|p| dep.is_some_and(|d| p.department_ids.contains(&d)))
                .map(|p| (p.user_id, p.full_name))
                .collect::<Vec<_>>()
        } else {
            basics
                .people
                .get()
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.user_id == my_id)
                .map(|p| (p.user_id, p.full_name))
                .collect()
        }
    };
    default_to_first(department, move || {
        basics
            .departments
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.id)
            .collect()
    });
    default_to_first(meeting_type, move || {
        usable_types().into_iter().map(|t| t.id).collect()
    });
    let hosts_for_default = hosts.clone();
    default_to_first(host, move || {
        hosts_for_default().into_iter().map(|h| h.0).collect()
    });
    let duration = move || {
        usable_types()
            .into_iter()
            .find(|t| Some(t.id) == meeting_type.get())
            .map(|t| t.duration)
    };
    let times = LocalResource::new({
        let zone = zone.clone();
        move || {
            let (client, host, date, duration, zone) = (
                session.client(),
                host.get(),
                date.get(),
                duration(),
                zone.clone(),
            );
            start.set(None);
            async move {
                let (Some(client), Some(duration), Some(host), Some(date)) =
                    (client, duration, host, date)
                else {
                    return None;
                };
                let found = client
                    .common_availability(&[host], date, Some(duration), None, &zone)
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
        let id = |chosen: RwSignal<Option<Uuid>>| {
            chosen
                .get_untracked()
                .map(|id| id.to_string())
                .unwrap_or_default()
        };
        let request = StaffBookingRequest {
            meeting_type_id: id(meeting_type),
            assigned_to: id(host),
            start_utc: zone::wire(start_utc),
            customer_name: name.get_untracked().trim().to_owned(),
            customer_email: email.get_untracked().trim().to_owned(),
            customer_phone: phone.get_untracked().trim().to_owned(),
            customer_timezone: text_or_none(customer_zone.get_untracked()),
            // The organisation's default language.
            customer_language: None,
            customer_notes: text_or_none(notes.get_untracked()),
            answers: Default::default(),
            // Co-hosts are assigned on the booking's page, where each one is checked.
            co_hosts: Vec::new(),
            recurrence: repeat.request(),
            skip_dates: repeat.skip_dates(),
        };
        send(
            async move { client.create_booking(&request).await },
            times,
            outcome,
            busy,
        );
    };
    view! {
        <form class="details meeting-form" on:submit=submit>
            <div class="field"><label for="department">"Department"</label>
                <select id="department" on:change=move |e| department.set(chosen_id(&e))>
                    {move || basics.departments.get().unwrap_or_default().into_iter().map(|d| {
                        let id = d.id;
                        view! { <option value=id.to_string() selected=move || department.get() == Some(id)>{d.department_name}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="meeting-type">"Meeting type"</label>
                <select id="meeting-type" on:change=move |e| meeting_type.set(chosen_id(&e))>
                    {move || usable_types().into_iter().map(|t| {
                        let id = t.id;
                        view! { <option value=id.to_string() selected=move || meeting_type.get() == Some(id)>{format!("{} ({} min)", t.meeting_name, t.duration)}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="host">"Host"</label>
                <select id="host" on:change=move |e| host.set(chosen_id(&e))>
                    {move || hosts().into_iter().map(|(id, name)| {
                        view! { <option value=id.to_string() selected=move || host.get() == Some(id)>{name}</option> }
                    }).collect_view()}
                </select></div>
            <div class="field"><label for="date">"Date"</label>
                <input id="date" type="date" required prop:value=move || date.get().map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |e| date.set(event_target_value(&e).parse().ok()) /></div>
            <Times times start />
            <RepeatFields repeat />
            <p class="meta">{format!("Times in {}", zone::label(&zone))}</p>
            <div class="field"><label for="customer_name">"Customer name"</label>
                <input id="customer_name" type="text" required autocomplete="off" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></div>
            <div class="field"><label for="customer_email">"Email"</label>
                <input id="customer_email" type="email" required autocomplete="off" prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e)) /></div>
            <div class="field"><label for="customer_phone">"Phone"</label>
                <input id="customer_phone" type="tel" required autocomplete="off" prop:value=move || phone.get() on:input=move |e| phone.set(event_target_value(&e)) /></div>
            <div class="field"><label for="customer_timezone">"Customer's time zone"</label>
                <input id="customer_timezone" type="text" list="zones" prop:value=move || customer_zone.get() on:input=move |e| customer_zone.set(event_target_value(&e)) />
                <datalist id="zones">{zone::all().into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist></div>
            <div class="field"><label for="customer_notes">"Notes"</label>
                <textarea id="customer_notes" rows="3" prop:value=move || notes.get() on:input=move |e| notes.set(event_target_value(&e))></textarea></div>
            <Outcome outcome zone=zone.clone() repeat />
            <button type="submit" class="button primary" disabled=move || busy.get()>"Book the meeting"</button>
        </form>
    }
}
