//! Invited colleagues answer an internal meeting's invitation — accept, maybe, decline — through
//! the link in their invitation email (no sign-in: the link names the meeting and the person and
//! proves itself), or signed in, on the booking. Unknown links count against the client's
//! network like customers' links.

use actix_web::{HttpRequest, get, post, web};
use chrono::Utc;
use mm_api_types::{
    bookings::{Booking as WireBooking, Invitation, InvitationAnswer},
    error::ErrorBody,
};
use mm_domain::booking::{Booking, Rsvp};
use mm_store::StoreError;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    auth::Staff,
    client_ip::client_network,
    error::{ApiError, ApiResult},
    throttle,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(view_invitation)
        .service(answer_invitation)
        .service(answer_signed_in);
}

fn rsvp(answer: &InvitationAnswer) -> ApiResult<Rsvp> {
    answer
        .response
        .trim()
        .parse()
        .map_err(|_| ApiError::field("response", "must be one of accepted, tentative or declined"))
}

/// The meeting and person an invitation link names; an unknown link, or one of a meeting gone
/// or a person no longer in it, is a 404 counted against the client's network.
async fn by_invitation(
    state: &AppState,
    request: &HttpRequest,
    token: &str,
) -> ApiResult<(Booking, Uuid)> {
    let network = client_network(request, &state.config.trusted_proxies);
    throttle::refuse_link_guessers(state, &network).await?;
    let found = match state.links.read_invitation(token) {
        Some((booking_id, user_id)) => match state.store.booking(booking_id).await {
            Ok(booking)
                if booking
                    .participants
                    .iter()
                    .any(|p| p.user_id == Some(user_id)) =>
            {
                Some((booking, user_id))
            }
            Ok(_) | Err(StoreError::NotFound(_)) => None,
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    match found {
        Some(found) => Ok(found),
        None => {
            throttle::count_unknown_link(state, &network).await?;
            Err(ApiError::NotFound("invitation"))
        }
    }
}

async fn invitation(state: &AppState, booking: &Booking, user: Uuid) -> ApiResult<Invitation> {
    let organiser = state.store.user(booking.assigned_to).await?;
    let participant = booking
        .participants
        .iter()
        .find(|p| p.user_id == Some(user))
        .ok_or(ApiError::NotFound("invitation"))?;
    Ok(Invitation {
        title: booking.title.clone(),
        start_utc: wire::utc(booking.span.start()),
        end_utc: wire::utc(booking.span.end()),
        timezone: booking.timezone.name().to_owned(),
        organiser_name: organiser.full_name,
        participant_name: participant.name.clone(),
        response: participant.attendance.to_wire(),
        response_utc: participant.response_utc.map(wire::utc),
        physical_location: booking.physical_location.clone(),
        meeting_link: booking.meeting_link.clone(),
        meeting_agenda: booking.meeting_agenda.clone(),
        open: booking.status.holds_time() && Utc::now() < booking.span.start(),
    })
}

#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "From the invitation email")),
    responses(
        (status = 200, body = Invitation),
        (status = 404, description = "Unknown link, or a meeting the person is no longer in", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many unknown links from this network", body = ErrorBody)
    )
)]
#[get("/public/invitations/{token}")]
async fn view_invitation(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<web::Json<Invitation>> {
    let (booking, user) = by_invitation(&state, &request, &token).await?;
    Ok(web::Json(invitation(&state, &booking, user).await?))
}

#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "From the invitation email")),
    request_body = InvitationAnswer,
    responses(
        (status = 200, description = "The answer is recorded (a decline tells the organiser and frees the time)", body = Invitation),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The meeting was cancelled or has started", body = ErrorBody),
        (status = 429, body = ErrorBody)
    )
)]
#[post("/public/invitations/{token}")]
async fn answer_invitation(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: crate::json::Json<InvitationAnswer>,
) -> ApiResult<web::Json<Invitation>> {
    let answer = rsvp(&body)?;
    let (booking, user) = by_invitation(&state, &request, &token).await?;
    let answered =
        mm_app::bookings::answer_invitation(&state.store, booking.id, user, answer, Utc::now())
            .await?;
    Ok(web::Json(invitation(&state, &answered, user).await?))
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = InvitationAnswer,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in participant's answer is recorded", body = WireBooking),
        (status = 400, body = ErrorBody),
        (status = 403, description = "Only an invited participant answers", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The meeting was cancelled or has started", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/rsvp")]
async fn answer_signed_in(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<InvitationAnswer>,
) -> ApiResult<web::Json<WireBooking>> {
    let answer = rsvp(&body)?;
    let booking = super::bookings::visible(&state, &principal, &path).await?;
    let answered = mm_app::bookings::answer_invitation(
        &state.store,
        booking.id,
        principal.user_id,
        answer,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(wire::booking(&answered)))
}
