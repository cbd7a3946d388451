//! Booking as a customer: create (idempotent, rate limited), then view, cancel, reschedule and
//! download the invite through the links in the confirmation. The host is never named here.
//!
//! Links are guessed at no profit: an unknown link counts against the client's network, and past
//! the limit the answer is 429 before any lookup; nothing is locked for writing until the link
//! has been found. Changes through links are limited per network too, and a booking may be moved
//! with its link only a few times, since every change emails the customer and the staff.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use mm_api_types::{
    bookings::{
        AddToCalendar, PublicBooking, PublicBookingRequest, PublicCancel, PublicMeeting,
        PublicReschedule,
    },
    error::ErrorBody,
};
use mm_app::bookings::{self, Created, NewCustomerBooking, NewCustomerSeries, Offer, RequestGuard};
use mm_domain::{
    FieldErrors, Interval, Slug,
    booking::{
        ActorRole, Booking, BookingSource, Customer, CustomerDraft, HostChoice, StatusChange,
        parse_answers,
    },
    department::Department,
    funnel::FunnelStep,
    limits::CUSTOMER_RESCHEDULES,
    meeting_type::MeetingType,
    recurrence::{Recurrence, SeriesScope},
    scheduling::Slot,
};
use mm_notify::web_calendars;
use mm_store::{Acting, Actor, BookingKey, CustomerDetails, Move, MovePolicy, StoreError};
use sha2::{Digest, Sha256};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    client_ip::{client_ip, client_network, network},
    error::{ApiError, ApiResult},
    links::{self, Purpose},
    notices,
    slot_cache::Availability,
    telemetry::{self, Channel},
    throttle,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_booking)
        .service(view_booking)
        .service(cancel_booking)
        .service(reschedule_booking)
        .service(booking_ics);
}

/// A customer acting through their link: the link is their permission, since the transaction
/// finds the booking by it, live.
const CUSTOMER: Acting<'static> = Acting {
    actor: Actor {
        user_id: None,
        role: ActorRole::Customer,
    },
    permit: &holds_the_link,
};

fn holds_the_link(_: &Booking) -> Result<(), &'static str> {
    Ok(())
}

/// What the customer's calendar entry says, the same in the `.ics` download and the web
/// calendars' links. It names no host.
struct CustomerEntry {
    summary: String,
    description: String,
    /// A join link or an address.
    location: Option<String>,
}

impl CustomerEntry {
    /// `manage_url` goes into the description only of what the customer keeps (the `.ics`), never
    /// into a link that hands the entry to another site.
    fn of(
        booking: &Booking,
        department: &Department,
        meeting_type: &MeetingType,
        manage_url: Option<&str>,
    ) -> Self {
        let reference = format!("Booking reference {}.", booking.reference);
        Self {
            summary: format!("{} with {}", meeting_type.name, department.name),
            description: match manage_url {
                Some(url) => format!("{reference} Manage your booking: {url}"),
                None => format!("{reference} The email we sent has the links to change it."),
            },
            location: booking
                .meeting_link
                .clone()
                .or_else(|| booking.physical_location.clone()),
        }
    }
}

/// The public view of a booking, with the links that still work among those its holder may see:
/// whoever holds only the reschedule link (it is also in the `.ics`, which people forward) does
/// not get the cancel link from it.
async fn public_view(
    state: &AppState,
    booking: &Booking,
    holder: Purpose,
) -> ApiResult<PublicBooking> {
    let department = state.store.department(booking.department_id).await?;
    let meeting_type = state.store.meeting_type(booking.meeting_type_id).await?;
    let series = series_meetings(state, booking).await?;
    Ok(public_view_of(
        state,
        booking,
        &department,
        &meeting_type,
        holder,
        series,
    ))
}

/// The meetings of `booking`'s series that take place, if it is a meeting of one.
async fn series_meetings(state: &AppState, booking: &Booking) -> ApiResult<Vec<PublicMeeting>> {
    let Some(place) = booking.series else {
        return Ok(Vec::new());
    };
    let facts = state.store.series_facts(place.series_id).await?;
    Ok(facts
        .held
        .iter()
        .map(|(index, span)| PublicMeeting {
            series_index: u32::from(*index),
            start_utc: wire::utc(span.start()),
            end_utc: wire::utc(span.end()),
        })
        .collect())
}

/// [`public_view`] with the booking's department, meeting type and series at hand.
fn public_view_of(
    state: &AppState,
    booking: &Booking,
    department: &Department,
    meeting_type: &MeetingType,
    holder: Purpose,
    series_meetings: Vec<PublicMeeting>,
) -> PublicBooking {
    let urls = notices::customer_urls(state, booking.link_subject());
    let open = booking.status.holds_time();
    let customer = booking.customer.as_ref();
    let reschedules_left = booking.customer_reschedules_left();
    let entry = CustomerEntry::of(booking, department, meeting_type, None);
    let web = web_calendars::links(&web_calendars::Entry {
        summary: &entry.summary,
        description: &entry.description,
        location: entry.location.as_deref(),
        span: booking.span,
    });
    PublicBooking {
        booking_reference: booking.reference.to_string(),
        status: booking.status.to_wire(),
        department_name: department.name.clone(),
        department_slug: department.slug.as_str().to_owned(),
        meeting_name: meeting_type.name.clone(),
        meeting_slug: meeting_type.slug.as_str().to_owned(),
        start_utc: wire::utc(booking.span.start()),
        end_utc: wire::utc(booking.span.end()),
        duration: u32::try_from(booking.duration_minutes()).unwrap_or(0),
        department_timezone: booking.timezone.name().to_owned(),
        customer_name: customer.map(|c| c.name.clone()).unwrap_or_default(),
        customer_timezone: customer
            .map_or(booking.timezone, |c| c.timezone)
            .name()
            .to_owned(),
        customer_language: customer
            .and_then(|c| c.language)
            .map(|l| l.code().to_owned()),
        location_type: booking.location_type.to_wire(),
        cancel_url: (open && booking.cancel_link_live && holder == Purpose::Cancel)
            .then_some(urls.cancel),
        reschedule_url: (open && reschedules_left > 0).then_some(urls.reschedule),
        reschedules_left: u32::try_from(reschedules_left).unwrap_or(0),
        ics_url: urls.ics,
        add_to_calendar: AddToCalendar {
            google: web.google,
            outlook_com: web.outlook_com,
            office_365: web.office_365,
        },
        cancellation_reason: booking.cancellation_reason.clone(),
        moved_utc: booking.moved_utc().map(wire::utc),
        series_meetings,
    }
}

fn hash_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `Idempotency-Key` header, hashed, with the hash of the request it came with.
fn idempotency(
    request: &HttpRequest,
    body: &PublicBookingRequest,
) -> ApiResult<Option<(String, String)>> {
    let Some(value) = request.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=255).contains(&k.len()))
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key must be 1 to 255 visible characters".into())
        })?;
    let canonical = serde_json::to_vec(body).map_err(anyhow::Error::from)?;
    Ok(Some((hash_hex(key.as_bytes()), hash_hex(&canonical))))
}

/// The hash of a token from the path; anything that cannot be one names nothing.
fn link_hash(token: &str) -> Option<String> {
    let plausible = (20..=100).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plausible.then(|| links::hash(token))
}

/// A customer's link, found: the booking, and which of its links it is.
struct Found {
    booking: Booking,
    purpose: Purpose,
    hash: String,
}

/// Finds the booking `token` names (either link, or only the link of `only`), reading without
/// a lock; an unknown, used or expired link is a 404 counted against the client's network.
async fn by_link(
    state: &AppState,
    request: &HttpRequest,
    token: &str,
    only: Option<Purpose>,
) -> ApiResult<Found> {
    let network = client_network(request, &state.config.trusted_proxies);
    throttle::refuse_link_guessers(state, &network).await?;
    let now = Utc::now();
    let found = match link_hash(token) {
        None => None,
        Some(hash) => {
            let key = match only {
                None => BookingKey::AnyLink(hash.clone()),
                Some(Purpose::Cancel) => BookingKey::CancelLink(hash.clone()),
                Some(Purpose::Reschedule) => BookingKey::RescheduleLink(hash.clone()),
            };
            match state.store.booking_by_link(&key, now).await {
                Ok(booking) => Some((booking, hash)),
                Err(StoreError::NotFound(_)) => None,
                Err(other) => return Err(other.into()),
            }
        }
    };
    let Some((booking, hash)) = found else {
        throttle::count_unknown_link(state, &network).await?;
        return Err(ApiError::NotFound("booking link"));
    };
    let purpose = if state.links.hashes(booking.link_subject()).cancel == hash {
        Purpose::Cancel
    } else {
        Purpose::Reschedule
    };
    Ok(Found {
        booking,
        purpose,
        hash,
    })
}

#[utoipa::path(
    tag = "public",
    request_body = PublicBookingRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeating a request with the same key and body returns the first booking instead of making another")),
    responses(
        (status = 201, body = PublicBooking),
        (status = 400, description = "Invalid fields, each named", body = ErrorBody),
        (status = 404, description = "Unknown department or meeting type", body = ErrorBody),
        (status = 409, description = "`slot_unavailable`: nobody can take this time (also when another request took it first); `idempotency_key_reused`", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many bookings from this address in the last hour", body = ErrorBody)
    )
)]
#[post("/public/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: crate::json::Json<PublicBookingRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let guard_key = idempotency(&request, &body)?;
    let (department, meeting) = (
        Slug::parse(&body.department_slug).map_err(|_| ApiError::NotFound("department"))?,
        Slug::parse(&body.meeting_slug).map_err(|_| ApiError::NotFound("meeting type"))?,
    );
    let mut errors = FieldErrors::new();
    let start = errors.check("start_utc", wire::parse_instant(&body.start_utc));
    // The department and meeting type come with the start's slot table when the public pages
    // compute its month (the table answers for them as for its slots).
    let table = match start {
        Some(start) => super::public::offer(&state, &department, &meeting, start, now).await?,
        None => None,
    };
    let (department, meeting_type) = match &table {
        Some(table) => (table.department.clone(), table.meeting_type.clone()),
        None => {
            state
                .store
                .public_meeting_type(&department, &meeting)
                .await?
        }
    };

    let customer = Customer::parse(
        CustomerDraft {
            name: &body.customer_name,
            email: &body.customer_email,
            phone: &body.customer_phone,
            timezone: body.customer_timezone.as_deref(),
            notes: body.customer_notes.as_deref(),
            language: body.customer_language.as_deref(),
        },
        department.timezone,
        crate::language::of_request(&request, state.config.default_language),
    )
    .map_err(|e| errors.merge(e))
    .ok();
    let answers = parse_answers(&meeting_type.questions, &wire::answers(&body.answers))
        .map_err(|e| errors.merge(e))
        .ok();
    let recurrence = match &body.recurrence {
        Some(asked) => super::public::customer_recurrence(
            Some(&asked.frequency),
            Some(asked.count),
            &meeting_type,
        )
        .map_err(|_| {
            ApiError::field(
                "recurrence",
                match meeting_type.max_series_count {
                    Some(max) => {
                        format!("must be weekly, biweekly or monthly, with 2 to {max} meetings")
                    }
                    None => "this meeting type is booked one meeting at a time".to_owned(),
                },
            )
        })?,
        None => None,
    };
    let (Some(start), Some(customer), Some(answers)) = (start, customer, answers) else {
        return Err(errors.into());
    };

    let id = Uuid::new_v4();
    let limit = state.config.public_booking_rate_limit;
    let client_ip = client_ip(&request, &state.config.trusted_proxies);
    let new = NewCustomerBooking {
        id,
        department_id: department.id,
        meeting_type: meeting_type.clone(),
        start,
        host: HostChoice::ByAlgorithm,
        source: BookingSource::PublicBookingPage,
        actor: CUSTOMER.actor,
        details: CustomerDetails {
            customer,
            answers,
            links: state.links.hashes(id),
            client_ip: client_ip.map(|ip| ip.to_string()),
            client_network: client_ip.map(network),
        },
        guard: RequestGuard {
            idempotency: guard_key,
            hourly_limit: (limit > 0).then_some(limit),
        },
        // Most losers of a rush for one time are turned away by it, without queueing for the
        // writer.
        offer: table.as_ref().map(|table| Offer {
            free: table.table.free_members_at(start, now),
            settings: table.settings.clone(),
        }),
        co_hosts: Vec::new(),
    };
    if let Some(recurrence) = recurrence {
        return book_series(&state, new, recurrence, table, now).await;
    }
    let created = bookings::create_customer_booking(&state.store, new, now).await;
    telemetry::count_booking(Channel::PublicPage, &created);
    if let Ok(Created::New(_)) = &created {
        state.funnel.count(
            (department.id, department.timezone),
            Some(meeting_type.id),
            FunnelStep::Booked,
            now,
        );
    }
    let booking = created?.booking();
    Ok(HttpResponse::Created().json(public_view_of(
        &state,
        &booking,
        &department,
        &meeting_type,
        Purpose::Cancel,
        Vec::new(),
    )))
}

/// Books a customer's series from `first`: its host is chosen among the members the month
/// tables show free for every meeting (checked again in the transaction).
async fn book_series(
    state: &AppState,
    mut first: NewCustomerBooking,
    recurrence: Recurrence,
    table: Option<Arc<Availability>>,
    now: chrono::DateTime<Utc>,
) -> ApiResult<HttpResponse> {
    let (department, meeting_type) = match &table {
        Some(table) => (table.department.clone(), table.meeting_type.clone()),
        None => return Err(ApiError::SlotUnavailable(Vec::new())),
    };
    let start = first.start;
    let offered = vec![Slot {
        span: Interval::starting_at(start, meeting_type.duration),
        free_members: table
            .as_ref()
            .map(|t| t.table.free_members_at(start, now))
            .unwrap_or_default(),
    }];
    let free = super::public::series_offer(
        state,
        &department.slug,
        &meeting_type.slug,
        department.timezone,
        recurrence,
        offered,
        now,
    )
    .await?
    .pop()
    .map(|slot| slot.free_members)
    .unwrap_or_default();
    if let Some(offer) = &mut first.offer {
        offer.free = free;
    }
    let series_id = Uuid::new_v4();
    first.details.links = state.links.hashes(series_id);
    let meeting_ids = std::iter::once(first.id)
        .chain((1..recurrence.count()).map(|_| Uuid::new_v4()))
        .collect();
    let series = NewCustomerSeries {
        first,
        recurrence,
        skip: Vec::new(),
        series_id,
        meeting_ids,
    };
    let created = bookings::create_customer_series(&state.store, series, now).await;
    telemetry::count_series(Channel::PublicPage, &created);
    let booked = created?;
    // A replayed request answers with its first meeting alone; a series booked now has two or
    // more (customers skip none).
    if booked.len() > 1 {
        state.funnel.count(
            (department.id, department.timezone),
            Some(meeting_type.id),
            FunnelStep::Booked,
            now,
        );
    }
    let first = booked
        .first()
        .ok_or(ApiError::SlotUnavailable(Vec::new()))?;
    let series = series_meetings(state, first).await?;
    Ok(HttpResponse::Created().json(public_view_of(
        state,
        first,
        &department,
        &meeting_type,
        Purpose::Cancel,
        series,
    )))
}

#[utoipa::path(
    tag = "public",
    params(("token" = String, Path, description = "The cancel or reschedule token from the customer's email")),
    responses(
        (status = 200, body = PublicBooking),
        (status = 404, description = "Unknown, used or expired link", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many unknown links from this network; see `Retry-After`", body = ErrorBody)
    )
)]
#[get("/public/bookings/{token}")]
async fn view_booking(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<web::Json<PublicBooking>> {
    let found = by_link(&state, &request, &token, None).await?;
    Ok(web::Json(
        public_view(&state, &found.booking, found.purpose).await?,
    ))
}

#[utoipa::path(
    tag = "public",
    params(("cancel_token" = String, Path)),
    request_body = PublicCancel,
    responses(
        (status = 200, body = PublicBooking),
        (status = 400, description = "A reason too long; a `scope` that is none of `this`, `following`, `series`", body = ErrorBody),
        (status = 404, description = "Unknown, used or expired link; no meeting of that `series_index` in the link's series", body = ErrorBody),
        (status = 422, description = "The booking can no longer be cancelled; a `scope` other than `this`, or a `series_index`, for a single meeting", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many unknown links or changes from this network; see `Retry-After`", body = ErrorBody)
    )
)]
#[post("/public/bookings/{cancel_token}/cancel")]
async fn cancel_booking(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: crate::json::Json<PublicCancel>,
) -> ApiResult<web::Json<PublicBooking>> {
    let now = Utc::now();
    let found = by_link(&state, &request, &token, Some(Purpose::Cancel)).await?;
    let key = BookingKey::CancelLink(found.hash);
    // Counted as sent, as the contract's `maxLength` counts.
    if body
        .reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > 2000)
    {
        return Err(ApiError::field("reason", "must be at most 2000 characters"));
    }
    let reason = body
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    throttle::count_link_change(
        &state,
        &client_network(&request, &state.config.trusted_proxies),
    )
    .await?;
    let scope = super::bookings::series_scope(body.scope.as_deref(), &found.booking)?;
    let from = series_index(body.series_index, &found.booking)?;
    let change = StatusChange::Cancel {
        reason,
        notes: None,
    };
    let booking = if scope == SeriesScope::This && from.is_none() {
        bookings::change_status(&state.store, &key, change, CUSTOMER, None, now).await?
    } else {
        bookings::change_in_series(&state.store, &key, from, scope, change, CUSTOMER, now).await?
    };
    Ok(web::Json(
        public_view(&state, &booking, Purpose::Cancel).await?,
    ))
}

/// The meeting of the link's series a request names by `series_index`: `None` for the link's own
/// meeting.
fn series_index(asked: Option<u32>, booking: &Booking) -> ApiResult<Option<u16>> {
    match (asked, booking.series) {
        (None, _) => Ok(None),
        (Some(index), Some(place)) if index != u32::from(place.index) => u16::try_from(index)
            .map(Some)
            .map_err(|_| ApiError::NotFound("meeting of the series")),
        (Some(_), Some(_)) => Ok(None),
        (Some(_), None) => Err(ApiError::InvalidTransition(
            "series_index applies to meetings of a recurring series only; this booking is a single meeting".into(),
        )),
    }
}

#[utoipa::path(
    tag = "public",
    params(("reschedule_token" = String, Path)),
    request_body = PublicReschedule,
    responses(
        (status = 200, body = PublicBooking),
        (status = 400, description = "A start that is not one; a `scope` that is none of `this`, `following`, `series`", body = ErrorBody),
        (status = 404, description = "Unknown or expired link; no meeting of that `series_index` in the link's series", body = ErrorBody),
        (status = 409, description = "`slot_unavailable` (with a `scope`, `details.meetings` names each meeting that cannot move with it, and nothing moves)", body = ErrorBody),
        (status = 422, description = "The booking can no longer be moved (also: a `scope` other than `this`, or a `series_index`, for a single meeting); `reschedule_limit_reached` once the link has moved it as often as it may", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many unknown links or changes from this network; see `Retry-After`", body = ErrorBody)
    )
)]
#[post("/public/bookings/{reschedule_token}/reschedule")]
async fn reschedule_booking(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: crate::json::Json<PublicReschedule>,
) -> ApiResult<web::Json<PublicBooking>> {
    let now = Utc::now();
    let found = by_link(&state, &request, &token, Some(Purpose::Reschedule)).await?;
    let booking = found.booking;
    let key = BookingKey::RescheduleLink(found.hash);
    let start =
        wire::parse_instant(&body.start_utc).map_err(|e| ApiError::field("start_utc", e))?;
    if booking.customer_may_reschedule().is_err() {
        let department = state.store.department(booking.department_id).await?;
        return Err(ApiError::RescheduleLimit(format!(
            "this meeting has already been moved {CUSTOMER_RESCHEDULES} times with its link; \
             to move it again, please contact {}",
            department.name
        )));
    }
    throttle::count_link_change(
        &state,
        &client_network(&request, &state.config.trusted_proxies),
    )
    .await?;
    let scope = super::bookings::series_scope(body.scope.as_deref(), &booking)?;
    let from = series_index(body.series_index, &booking)?;
    let to = Move {
        start,
        host: None,
        policy: MovePolicy::Customer,
        reason: None,
        dragged: false,
    };
    let links = state.links.hashes(booking.link_subject());
    let booking = if scope == SeriesScope::This && from.is_none() {
        bookings::move_booking(&state.store, &key, to, CUSTOMER, Some(&links), now).await?
    } else {
        let which = bookings::SeriesSelection { from, scope };
        bookings::move_in_series(&state.store, &key, which, to, CUSTOMER, Some(&links), now).await?
    };
    Ok(web::Json(
        public_view(&state, &booking, Purpose::Reschedule).await?,
    ))
}

#[utoipa::path(
    tag = "public",
    params(("token" = String, Path)),
    responses(
        (status = 200, description = "An RFC 5545 invite (`METHOD:CANCEL` once cancelled); it names no host", content_type = "text/calendar"),
        (status = 404, body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many unknown links from this network", body = ErrorBody)
    )
)]
#[get("/public/bookings/{token}/booking.ics")]
async fn booking_ics(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let booking = by_link(&state, &request, &token, None).await?.booking;
    let department = state.store.department(booking.department_id).await?;
    let meeting_type = state.store.meeting_type(booking.meeting_type_id).await?;
    let manage = notices::customer_urls(&state, booking.link_subject()).reschedule;
    let entry = CustomerEntry::of(&booking, &department, &meeting_type, Some(&manage));
    let attendees: Vec<mm_notify::ics::Person<'_>> = booking
        .customer
        .iter()
        .map(|c| mm_notify::ics::Person {
            name: &c.name,
            email: c.email.as_str(),
        })
        .collect();
    let ics = mm_notify::ics::render(&mm_notify::ics::Invite {
        event: mm_notify::ics::InviteEvent::of(&booking),
        summary: &entry.summary,
        description: &entry.description,
        location: entry.location.as_deref(),
        organizer: None,
        attendees,
        uid_domain: &state.uid_domain,
        stamp: now,
    });
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.ics\"", booking.reference),
        ))
        .body(ics))
}
