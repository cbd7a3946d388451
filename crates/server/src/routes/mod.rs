//! The API's routes, wired in one place. Handlers are thin: parse → domain/store → wire type.

mod analytics;
mod api_keys;
mod auth;
mod availability;
mod bookings;
mod calendar;
mod customers;
mod departments;
mod integrations;
mod invitations;
mod meeting_types;
mod oauth;
mod outbox;
mod public;
mod public_bookings;
mod system;
mod users;
mod webhooks;
pub(crate) mod wire;

use actix_web::web;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub use system::{health, ready, refuse_undescribed_methods};

/// Every `/api/v1` route, registered so that utoipa collects their paths.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .configure(auth::routes)
            .configure(api_keys::routes)
            .configure(users::routes)
            .configure(availability::routes)
            .configure(departments::routes)
            .configure(meeting_types::routes)
            .configure(public::routes)
            .configure(public_bookings::routes)
            .configure(bookings::routes)
            .configure(customers::routes)
            .configure(invitations::routes)
            .configure(calendar::routes)
            .configure(integrations::routes)
            .configure(oauth::routes)
            .configure(outbox::routes)
            .configure(analytics::routes)
            .configure(webhooks::routes)
            .default_service(web::to(system::api_not_found)),
    );
}

/// A booking in a webhook's body: as the staff API shows it.
pub fn booking_payload(booking: &mm_domain::booking::Booking) -> serde_json::Value {
    serde_json::to_value(wire::booking(booking)).unwrap_or(serde_json::Value::Null)
}

/// A uuid from a path segment; an id that is not one names nothing, so it is a 404.
fn id(raw: &str, what: &'static str) -> Result<uuid::Uuid, crate::error::ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| crate::error::ApiError::NotFound(what))
}

/// The meeting type a request names in `meeting_type_id`: `None` with the field's error when the id
/// is malformed or names nothing.
async fn named_meeting_type(
    state: &crate::AppState,
    raw: &str,
    errors: &mut mm_domain::FieldErrors,
) -> crate::error::ApiResult<Option<mm_domain::meeting_type::MeetingType>> {
    let Ok(id) = uuid::Uuid::parse_str(raw.trim()) else {
        errors.add("meeting_type_id", "must be a meeting type id");
        return Ok(None);
    };
    match state.store.meeting_type(id).await {
        Ok(t) => Ok(Some(t)),
        Err(mm_store::StoreError::NotFound(_)) => {
            errors.add("meeting_type_id", "no such meeting type");
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// The internal meeting type a request names, which the principal must manage (else 403); a
/// type that cannot serve internal meetings is a field error.
async fn internal_meeting_type(
    state: &crate::AppState,
    principal: &mm_domain::Principal,
    raw: &str,
    errors: &mut mm_domain::FieldErrors,
) -> crate::error::ApiResult<Option<mm_domain::meeting_type::MeetingType>> {
    let Some(t) = named_meeting_type(state, raw, errors).await? else {
        return Ok(None);
    };
    if !principal.can_manage_department(t.department_id) {
        return Err(crate::error::ApiError::Forbidden(
            "only a System Manager or a leader of the meeting type's department may schedule its internal meetings",
        ));
    }
    if let Err(why) = mm_domain::booking::internal_use(&t) {
        errors.add("meeting_type_id", why);
    }
    Ok(Some(t))
}

/// Names in `errors` each of `people` who has no account or an inactive one, under the field
/// `field_of` gives for them; returns the accounts found.
async fn active_people(
    state: &crate::AppState,
    people: &[uuid::Uuid],
    field_of: impl Fn(uuid::Uuid) -> &'static str,
    errors: &mut mm_domain::FieldErrors,
) -> crate::error::ApiResult<Vec<mm_domain::user::StaffUser>> {
    let found = state.store.users(people).await?;
    for id in people {
        match found.iter().find(|u| u.id == *id) {
            None => errors.add(field_of(*id), format!("no user has the id {id}")),
            Some(u) if !u.is_active => {
                errors.add(
                    field_of(*id),
                    format!("{}'s account is not active", u.full_name),
                );
            }
            Some(_) => {}
        }
    }
    Ok(found)
}
