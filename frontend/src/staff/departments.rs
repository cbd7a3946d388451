//! `/admin/departments`: the departments a person runs, and each one's settings — name,
//! description, time zone, leader, assignment algorithm, notification flags, daily cap and the
//! members with their priority. System Managers see and create all; leaders edit theirs. A save
//! is one request, so the settings and the member list change together or not at all.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map};
use mm_api_types::{
    AssignmentAlgorithm,
    departments::{CreateDepartment, Department, DepartmentMember, UpdateDepartment},
    users::User,
};

use uuid::Uuid;

use super::{Said, Session, on_unauthorized, share::Share, status};
use crate::{
    api::{self, ApiError},
    components::{Loading, Problem, set_title},
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
pub fn Departments() -> impl IntoView {
    set_title("Departments");
    let session = expect_context::<Session>();
    let is_manager = session.me().is_some_and(|m| m.user.is_system_manager);
    let leads = session
        .me()
        .map(|m| m.leads_department_ids)
        .unwrap_or_default();
    let departments = LocalResource::new(move || {
        let client = session.client();
        async move {
            let found = client.ok_or(ApiError::Network)?.departments().await;
            if let Err(error) = &found {
                on_unauthorized(error);
            }
            found
        }
    });
    view! {
        <div class="list-head">
            <h1>"Departments"</h1>
            {is_manager.then(|| view! { <a class="button primary" href="/admin/departments/new">"New department"</a> })}
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let leads = leads.clone();
                Suspend::new(async move {
                    match departments.await {
                        Ok(all) => view! {
                            <table class="table departments">
                                <thead><tr><th>"Department"</th><th>"Members"</th><th>"Assignment"</th><th>"Time zone"</th><th>"Status"</th></tr></thead>
                                <tbody>
                                    {all.into_iter().map(|d| {
                                        let editable = is_manager || leads.contains(&d.id);
                                        let active = d.members.iter().filter(|m| m.is_active).count();
                                        view! {
                                            <tr>
                                                <td>{if editable {
                                                    view! { <a href=format!("/admin/departments/{}", d.id)>{d.department_name.clone()}</a> }.into_any()
                                                } else {
                                                    view! { <span>{d.department_name.clone()}</span> }.into_any()
                                                }}<br /><span class="meta">{format!("/book/{}", d.department_slug)}</span></td>
                                                <td>{format!("{active} active of {}", d.members.len())}</td>
                                                <td>{status::words(d.assignment_algorithm.as_str())}</td>
                                                <td>{zone::label(&d.timezone)}</td>
                                                <td>{if d.is_active { "Active" } else { "Inactive" }}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <Problem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// `/admin/departments/{id}`, or `/admin/departments/new` for a System Manager.
#[component]
pub fn DepartmentEditor() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let loaded = LocalResource::new(move || {
        let (client, id) = (session.client(), id());
        async move {
            let client = client.ok_or(ApiError::Network)?;
            let department = if id == "new" {
                None
            } else {
                let id = id.parse().map_err(|_| api::not_found("department"))?;
                Some(client.department(id).await?)
            };
            let users = client.users().await?;
            Ok::<_, ApiError>((department, users))
        }
    });
    view! {
        <p><a class="back" href="/admin/departments">"← Departments"</a></p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok((department, users)) => view! { <DepartmentForm department users /> }.into_any(),
                    Err(error) => {
                        on_unauthorized(&error);
                        view! { <Problem error what="department" /> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn DepartmentForm(department: Option<Department>, users: Vec<User>) -> impl IntoView {
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
    let adding = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let names = StoredValue::new(
        users
            .iter()
            .map(|u| (u.id.to_string(), u.full_name.clone()))
            .collect::<std::collections::BTreeMap<_, _>>(),
    );
    let name_of =
        move |id: &str| names.with_value(|n| n.get(id).cloned().unwrap_or_else(|| id.to_owned()));
    let candidates = move || {
        let chosen = members.with(|m| m.iter().map(|x| x.user_id.clone()).collect::<Vec<_>>());
        users
            .iter()
            .map(|u| (u.id.to_string(), u.full_name.clone(), u.is_active))
            .filter(|(id, _, active)| *active && !chosen.contains(id))
            .map(|(id, name, _)| (id, name))
            .collect::<Vec<_>>()
    };
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
            <h2>"Members"</h2>
            <table class="table members">
                <thead><tr><th>"Member"</th><th>"Active"</th><th>"Priority (weighted)"</th><th>"Assigned so far"</th><th></th></tr></thead>
                <tbody>
                    {move || members.get().into_iter().enumerate().map(|(i, m)| view! {
                        <tr data-member=m.user_id.to_string()>
                            <td>{name_of(&m.user_id)}</td>
                            <td><input type="checkbox" aria-label=format!("{} active", name_of(&m.user_id)) prop:checked=m.is_active
                                on:change=move |_| members.update(|all| if let Some(x) = all.get_mut(i) { x.is_active = !x.is_active; }) /></td>
                            <td><input type="number" min="1" max="100" aria-label=format!("{} priority", name_of(&m.user_id)) prop:value=m.assignment_priority.to_string()
                                on:change=move |e| { let v = event_target_value(&e).parse().unwrap_or(1); members.update(|all| if let Some(x) = all.get_mut(i) { x.assignment_priority = v; }); } /></td>
                            <td>{m.total_assignments}</td>
                            <td><button type="button" class="link" on:click=move |_| members.update(|all| { if i < all.len() { all.remove(i); } })>"Remove"</button></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <div class="add-member">
                <label for="add-member">"Add a member"</label>
                <select id="add-member" on:change=move |e| adding.set(event_target_value(&e))>
                    <option value="" selected=move || adding.get().is_empty()>"Choose a person…"</option>
                    {move || candidates().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
                <button type="button" class="button" disabled=move || adding.get().is_empty() on:click=move |_| {
                    let user_id = adding.get_untracked();
                    members.update(|all| all.push(DepartmentMember { user_id, is_active: true, assignment_priority: 1, last_assigned_utc: None, total_assignments: 0 }));
                    adding.set(String::new());
                }>"Add"</button>
            </div>
            <Said outcome />
            <button type="submit" class="button primary" disabled=move || busy.get()>{if creating { "Create department" } else { "Save department" }}</button>
        </form>
        {(!creating).then(|| view! { <TypesOf department_id=d.id /> })}
    }
}

/// A department's meeting types, each a link to its settings.
#[component]
fn TypesOf(department_id: Uuid) -> impl IntoView {
    let session = expect_context::<Session>();
    let types = LocalResource::new({
        move || {
            let (client, id) = (session.client(), department_id);
            async move {
                match client {
                    Some(client) => client.meeting_types(id).await.unwrap_or_default(),
                    None => Vec::new(),
                }
            }
        }
    });
    view! {
        <section class="settings">
            <div class="list-head">
                <h2>"Meeting types"</h2>
                <a class="button" href=format!("/admin/meeting-types/new?department={department_id}")>"New meeting type"</a>
            </div>
            <ul class="type-list">
                {move || types.get().unwrap_or_default().into_iter().map(|t| view! {
                    <li>
                        <span class="swatch" style=format!("background:{}", t.color)></span>
                        <a href=format!("/admin/meeting-types/{}", t.id)>{t.meeting_name.clone()}</a>
                        <span class="meta">{format!(" · {} min{}{}{}", t.duration,
                            if t.is_public { " · public" } else { "" },
                            if t.is_internal { " · internal" } else { "" },
                            if t.is_active { "" } else { " · inactive" })}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
