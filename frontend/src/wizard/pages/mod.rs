//! One component per page: the wizard's six steps, and the self-service pages the customer's
//! emails link to.

mod confirmation;
mod details;
mod invitation;
mod self_service;
mod steps;

pub use confirmation::Confirmation;
pub use details::DetailsStep;
pub use invitation::InvitationAnswer;
pub use self_service::{RescheduleDate, RescheduleTime, SelfServiceCancel};
pub use steps::{DateStep, Departments, MeetingTypes, TimeStep};

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use mm_api_types::LocationType;

/// A route parameter, or the empty string (which no request can match, so it reads as "not found").
pub fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

/// `30 min`, `90 min`: how booking pages everywhere state a meeting's length.
pub fn duration_label(minutes: u32) -> String {
    format!("{minutes} min")
}

/// How the meeting happens, in words.
pub fn location_label(location_type: LocationType) -> &'static str {
    match location_type {
        LocationType::VideoCall => "Video call",
        LocationType::PhoneCall => "Phone call",
        LocationType::PhysicalLocation => "In person",
        LocationType::Custom => "Details in your confirmation",
    }
}
