//! `/admin/departments`: the departments a person runs, and each one's settings — name,
//! description, time zone, leader, assignment algorithm, notification flags, daily cap and the
//! members with their priority. System Managers see and create all; leaders edit theirs. A save
//! is one request, so the settings and the member list change together or not at all.

mod form;
mod members;
mod types;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{Session, on_unauthorized, status};
use crate::{
    api::{self, ApiError},
    components::{Loading, Problem, set_title},
    zone,
};
use form::DepartmentForm;

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
