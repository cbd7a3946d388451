//! The API's routes, wired in one place. Handlers are thin: parse → domain/store → wire type.

mod auth;
mod availability;
mod bookings;
mod calendar;
mod departments;
mod meeting_types;
mod outbox;
mod public;
mod public_bookings;
mod system;
mod users;
pub(crate) mod wire;

use actix_web::web;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub use system::{health, ready};

/// Every `/api/v1` route, registered so that utoipa collects their paths.
pub fn api(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .configure(auth::routes)
            .configure(users::routes)
            .configure(availability::routes)
            .configure(departments::routes)
            .configure(meeting_types::routes)
            .configure(public::routes)
            .configure(public_bookings::routes)
            .configure(bookings::routes)
            .configure(calendar::routes)
            .configure(outbox::routes)
            .default_service(web::to(system::api_not_found)),
    );
}

/// A uuid from a path segment; an id that is not one names nothing, so it is a 404.
fn id(raw: &str, what: &'static str) -> Result<uuid::Uuid, crate::error::ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| crate::error::ApiError::NotFound(what))
}
