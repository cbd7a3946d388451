//! A department's member list as edited: each member's active flag and priority, removing
//! members and adding active people who are not members yet. Saved with the department.

use std::collections::BTreeMap;

use leptos::prelude::*;
use mm_api_types::{departments::DepartmentMember, users::User};

/// The name of each person by id, for showing member ids; an unknown id shows as itself.
pub(super) fn name_lookup(users: &[User]) -> impl Fn(&str) -> String + Copy + use<> {
    let names = StoredValue::new(
        users
            .iter()
            .map(|u| (u.id.to_string(), u.full_name.clone()))
            .collect::<BTreeMap<_, _>>(),
    );
    move |id: &str| names.with_value(|n| n.get(id).cloned().unwrap_or_else(|| id.to_owned()))
}

#[component]
pub(super) fn MembersEditor(
    members: RwSignal<Vec<DepartmentMember>>,
    users: Vec<User>,
) -> impl IntoView {
    let name_of = name_lookup(&users);
    let adding = RwSignal::new(String::new());
    let candidates = move || {
        let chosen = members.with(|m| m.iter().map(|x| x.user_id.clone()).collect::<Vec<_>>());
        users
            .iter()
            .map(|u| (u.id.to_string(), u.full_name.clone(), u.is_active))
            .filter(|(id, _, active)| *active && !chosen.contains(id))
            .map(|(id, name, _)| (id, name))
            .collect::<Vec<_>>()
    };
    view! {
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
    }
}
