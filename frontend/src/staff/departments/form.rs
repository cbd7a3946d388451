//! A department's settings as one form — name, address, zone, assignment, daily cap, leader,
//! description, notification flags and members — saved in one request.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use mm_api_types::{
    AssignmentAlgorithm,
    departments::{CreateDepartment, Department, UpdateDepartment},
    users::User,
};
use uuid::Uuid;

use super::{
    members::{MembersEditor, name_lookup},
    types::TypesOf,
};
use crate::{
    api::ApiError,
    components::set_title,
    staff::{Said, Session, on_unauthorized, share::Share},
    zone,
};

const ALGORITHMS: [(AssignmentAlgorithm, &str); 3] = [
    (AssignmentAlgorithm::RoundRobin, "Round robin: in turn"),
    (
        AssignmentAlgorithm::LeastBusy,
        "Least busy: fewest upcoming meetings",
    ),
    (
        AssignmentAlgorithm::Weighted,
        "Weighted: by each member's priority",
    ),
];

#[component]
pub(super) fn DepartmentForm(department: Option<Department>, users: Vec<User>) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let creating = department.is_none();
    set_title(if creating {
        "New department"
    } else {
        "Department"
    });
    let existing = department.clone();
    let d = department.unwrap_or_else(|| Department {
        id: Uuid::nil(),
        department_name: String::new(),
        department_slug: String::new(),
        description: None,
        department_leader: None,
        is_active: true,
        timezone: zone::detected(),
        assignment_algorithm: AssignmentAlgorithm::RoundRobin,
        notify_leader_on_booking: true,
        notify_admin_on_booking: false,
        max_bookings_per_day: None,
        public_booking_url: String::new(),
        embed_url: String::new(),
        members: Vec::new(),
    });
    let name = RwSignal::new(d.department_name.clone());
    let slug = RwSignal::new(d.department_slug.clone());
    let description = RwSignal::new(d.description.clone().unwrap_or_default());
    let timezone = RwSignal::new(d.timezone.clone());
    let algorithm = RwSignal::new(d.assignment_algorithm);
    let leader = RwSignal::new(
        d.department_leader
            .map(|l| l.to_string())
            .unwrap_or_default(),
    );
    let notify_leader = RwSignal::new(d.notify_leader_on_booking);
    let notify_admin = RwSignal::new(d.notify_admin_on_booking);
    let cap = RwSignal::new(
        d.max_bookings_per_day
            .map(|c| c.to_string())
            .unwrap_or_default(),
    );
    let active = RwSignal::new(d.is_active);
    let members = RwSignal::new(d.members.clone());
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let name_of = name_lookup(&users);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let text = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        let cap_value = cap.get_untracked().trim().parse::<i64>().ok();
        let (existing, navigate) = (existing.clone(), navigate.clone());
        busy.set(true);
        spawn_local(async move {
            let saved = match &existing {
                None => {
                    let create = CreateDepartment {
                        department_name: name.get_untracked().trim().to_owned(),
                        department_slug: text(slug),
                        description: text(description),
                        department_leader: text(leader),
                        is_active: Some(active.get_untracked()),
                        timezone: timezone.get_untracked().trim().to_owned(),
                        assignment_algorithm: Some(algorithm.get_untracked().to_string()),
                        notify_leader_on_booking: notify_leader.get_untracked(),
                        notify_admin_on_booking: notify_admin.get_untracked(),
                        max_bookings_per_day: cap_value,
                        members: members.get_untracked(),
                    };
                    client.create_department(&create).await
                }
                Some(before) => {
                    let change = UpdateDepartment {
                        department_name: Some(name.get_untracked().trim().to_owned()),
                        department_slug: text(slug).filter(|s| *s != before.department_slug),
                        description: Some(text(description)),
                        department_leader: Some(text(leader)),
                        is_active: Some(active.get_untracked()),
                        timezone: Some(timezone.get_untracked().trim().to_owned()),
                        assignment_algorithm: Some(algorithm.get_untracked().to_string()),
                        notify_leader_on_booking: Some(notify_leader.get_untracked()),
                        notify_admin_on_booking: Some(notify_admin.get_untracked()),
                        max_bookings_per_day: Some(cap_value),
                        members: Some(members.get_untracked()),
                    };
                    client.update_department(before.id, &change).await
                }
            };
            match saved {
                Ok(department) => {
                    members.set(department.members.clone());
                    outcome.set(Some(Ok(format!(
                        "Saved. Customers book at {}",
                        department.public_booking_url
                    ))));
                    if existing.is_none() {
                        navigate(
                            &format!("/admin/departments/{}", department.id),
                            Default::default(),
                        );
                    }
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
        });
    };
    let checkbox = |id: &'static str, label: &'static str, value: RwSignal<bool>| {
        view! {
            <label class="check" for=id><input id=id type="checkbox" prop:checked=move || value.get() on:change=move |_| value.update(|v| *v = !*v) />{label}</label>
        }
    };
    view! {
        <h1>{if creating { "New department".to_owned() } else { d.department_name.clone() }}</h1>
        {(!creating).then(|| view! {
            <Share what=d.department_name.clone() booking_url=d.public_booking_url.clone() embed_url=d.embed_url.clone() taking_bookings=d.is_active />
        })}
        <form class="details settings department-form" on:submit=submit>
            <div class="field-grid">
                <div class="field"><label for="department_name">"Name"</label>
                    <input id="department_name" type="text" required prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></div>
                <div class="field"><label for="department_slug">"Address (slug)"</label>
                    <input id="department_slug" type="text" placeholder="from the name" prop:value=move || slug.get() on:input=move |e| slug.set(event_target_value(&e)) /></div>
                <div class="field"><label for="timezone">"Time zone"</label>
                    <input id="timezone" type="text" list="zones" required prop:value=move || timezone.get() on:input=move |e| timezone.set(event_target_value(&e)) />
                    <datalist id="zones">{zone::all().into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist></div>
                <div class="field"><label for="algorithm">"Assignment"</label>
                    <select id="algorithm" on:change=move |e| if let Ok(chosen) = event_target_value(&e).parse() { algorithm.set(chosen) }>
                        {ALGORITHMS.into_iter().map(|(key, label)| view! { <option value=key.as_str() selected=move || algorithm.get() == key>{label}</option> }).collect_view()}
                    </select></div>
                <div class="field"><label for="cap">"At most per day (whole department)"</label>
                    <input id="cap" type="number" min="1" placeholder="no limit" prop:value=move || cap.get() on:input=move |e| cap.set(event_target_value(&e)) /></div>
                <div class="field"><label for="leader">"Leader"</label>
                    <select id="leader" on:change=move |e| leader.set(event_target_value(&e))>
                        <option value="" selected=move || leader.get().is_empty()>"No leader"</option>
                        {move || members.get().into_iter().filter(|m| m.is_active).map(|m| {
                            let id = m.user_id.clone();
                            view! { <option value=m.user_id.to_string() selected=move || leader.get() == id>{name_of(&m.user_id)}</option> }
                        }).collect_view()}
                    </select></div>
            </div>
            <div class="field"><label for="description">"Description (shown to customers)"</label>
                <textarea id="description" rows="2" prop:value=move || description.get() on:input=move |e| description.set(event_target_value(&e))></textarea></div>
            <p class="checks">
                {checkbox("notify_leader", "Email the leader about each new booking", notify_leader)}
                {checkbox("notify_admin", "Email System Managers about each new booking", notify_admin)}
                {checkbox("is_active", "Taking bookings", active)}
            </p>
            <MembersEditor members users />
            <Said outcome />
            <button type="submit" class="button primary" disabled=move || busy.get()>{if creating { "Create department" } else { "Save department" }}</button>
        </form>
        {(!creating).then(|| view! { <TypesOf department_id=d.id /> })}
    }
}
