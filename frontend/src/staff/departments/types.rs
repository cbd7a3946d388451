//! A department's meeting types, under its settings.

use leptos::prelude::*;
use uuid::Uuid;

use crate::staff::Session;

/// A department's meeting types, each a link to its settings.
#[component]
pub(super) fn TypesOf(department_id: Uuid) -> impl IntoView {
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
