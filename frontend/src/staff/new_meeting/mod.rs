//! `/admin/meetings/new`: staff create meetings at times the people are free. A customer meeting
//! for a chosen member (System Managers and leaders choose anyone in the department; a member
//! books for themself), or an internal meeting of several staff at a time they all have free.
//! The times offered come from the server's common availability; the server checks again when
//! the meeting is created, so a time taken meanwhile is refused with the reason.

mod customer;
mod internal;
mod parts;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mm_api_types::ErrorCode;

use super::Session;
use crate::{api::ApiError, components::set_title};
use customer::CustomerForm;
use internal::InternalForm;

pub(super) fn text_or_none(value: String) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

#[component]
pub fn NewMeeting() -> impl IntoView {
    set_title("New meeting");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let plans = session
        .me()
        .is_some_and(|me| me.user.is_system_manager || !me.leads_department_ids.is_empty());
    let internal = move || plans && query.read().get("kind").as_deref() == Some("internal");
    view! {
        <h1>"New meeting"</h1>
        <nav class="tabs" aria-label="Kind of meeting">
            <a href="/admin/meetings/new" class:active=move || !internal() aria-current=move || (!internal()).then_some("page")>"With a customer"</a>
            {plans.then(|| view! {
                <a href="/admin/meetings/new?kind=internal" class:active=internal aria-current=move || internal().then_some("page")>"Internal"</a>
            })}
        </nav>
        {move || if internal() { view! { <InternalForm /> }.into_any() } else { view! { <CustomerForm /> }.into_any() }}
    }
}

/// A refusal made here, before asking the server, in the server's shape.
pub(super) fn field_error(field: &str, why: &str) -> ApiError {
    ApiError::Refused {
        status: 400,
        body: mm_api_types::error::ErrorBody {
            error: mm_api_types::error::ErrorDetail {
                code: ErrorCode::ValidationFailed,
                message: "Some details are missing.".to_owned(),
                details: Some(serde_json::json!({ "fields": { field: why } })),
            },
        },
    }
}
