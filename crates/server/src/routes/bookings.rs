//! Staff work on bookings: read one with both histories, book a customer for a member, edit a
//! booking's own fields, and every change of state, time or host. System Managers act on all bookings, leaders on their
//! departments', members on their own; a booking someone may not see is a 404.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use mm_api_types::{
    bookings::{
        Booking as WireBooking, BookingListQuery, BookingMessage, BookingUpdate, BulkCancelRequest,
        BulkCancelResult, BulkFailure, CancelRequest, CheckMoveRequest, CheckMoveResult,
        InternalMeetingRequest, ReassignRequest, RecurrenceRequest, RejectRequest,
        RescheduleRequest, StaffBookingRequest,
    },
    error::ErrorBody,
};
use mm_app::bookings::{
    self, InternalSeries, NewCustomerBooking, NewCustomerSeries, NewInternalMeeting, RequestGuard,
};
use mm_domain::{
    FieldErrors, Principal,
    booking::{
        Attendees, Booking, BookingEdit, BookingEditDraft, BookingSource, CoHosts, Customer,
        CustomerDraft, HostChoice, Patch, StatusChange, parse_answers,
    },
    recurrence::{Frequency, Recurrence, SeriesScope},
};
use mm_store::{Acting, Actor, BookingFilter, BookingKey, CustomerDetails, Move, MovePolicy};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{
    active_people, id, internal_meeting_type, named_meeting_type,
    wire::{self, ToWire as _},
};
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
    telemetry::{self, Channel},
};

pub fn routes(cfg: &mut ServiceConfig) {
    // `export.csv` and `bulk-cancel` before `{booking_id}`, which would match them too.
    cfg.service(list_bookings)
        .service(export_csv)
        .service(bulk_cancel)
        .service(create_booking)
        .service(create_internal_meeting)
        .service(get_booking)
        .service(update_booking)
        .service(delete_booking)
        .service(booking_messages)
        .service(cancel)
        .service(approve)
        .service(reject)
        .service(complete)
        .service(no_show)
        .service(check_move)
        .service(reassign)
        .service(reschedule);
}

/// How the actor appears in the history of a booking in `department_id`.
fn actor(principal: &Principal, department_id: Uuid) -> Actor {
    Actor {
        user_id: Some(principal.user_id),
        role: principal.role_in(department_id),
    }
}

/// The booking, if the principal may see it; otherwise it does not exist for them.
pub(super) async fn visible(
    state: &AppState,
    principal: &Principal,
    raw_id: &str,
) -> ApiResult<Booking> {
    let booking = state.store.booking(id(raw_id, "booking")?).await?;
    let participants: Vec<Uuid> = booking
        .participants
        .iter()
        .filter_map(|p| p.user_id)
        .collect();
    if principal.can_read_booking(booking.department_id, booking.assigned_to, &participants) {
        Ok(booking)
    } else {
        Err(ApiError::NotFound("booking"))
    }
}

const ONLY_THOSE_WHO_ACT: &str =
    "only the host, a leader of the department or a System Manager may change this booking";
const ONLY_THOSE_WHO_MANAGE: &str =
    "only a leader of the department or a System Manager may do this";

/// Who may make a change of a booking, as the change's transaction judges it on the row it
/// locked.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// The host, a leader of the department, a System Manager.
    Act,
    /// A leader of the department, a System Manager.
    Manage,
    /// As [`Rule::Act`] in time; as [`Rule::Manage`] to another host.
    MoveTo(Option<Uuid>),
}

impl Rule {
    fn judge(self, principal: &Principal, booking: &Booking) -> Result<(), &'static str> {
        let (allowed, why) = match self {
            Self::Act => (
                principal.can_act_on_booking(booking.department_id, &booking.hosts()),
                ONLY_THOSE_WHO_ACT,
            ),
            Self::Manage => (
                principal.can_manage_department(booking.department_id),
                ONLY_THOSE_WHO_MANAGE,
            ),
            Self::MoveTo(host) => (
                principal.can_move_booking(booking.department_id, &booking.hosts(), host),
                if host.is_some_and(|h| h != booking.assigned_to) {
                    ONLY_THOSE_WHO_MANAGE
                } else {
                    ONLY_THOSE_WHO_ACT
                },
            ),
        };
        if allowed { Ok(()) } else { Err(why) }
    }

    /// The same judgement before any lock, to answer at once when the booking as read already
    /// says no (the transaction judges again).
    fn check(self, principal: &Principal, booking: &Booking) -> ApiResult<()> {
        self.judge(principal, booking).map_err(ApiError::Forbidden)
    }
}

fn optional_text(value: Option<&str>, field: &str, max: usize) -> ApiResult<Option<String>> {
    // Counted as sent, as the contract's `maxLength` counts.
    if value.is_some_and(|v| v.chars().count() > max) {
        return Err(ApiError::field(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned))
}

/// The `co_hosts` of a request as user ids, each once and at most ten; `None` after an error.
fn co_hosts(raw: &[String], errors: &mut FieldErrors) -> Option<CoHosts> {
    let ids: Vec<Uuid> = raw
        .iter()
        .filter_map(|id| {
            errors.check(
                "co_hosts",
                Uuid::parse_str(id.trim()).map_err(|_| "must be user ids"),
            )
        })
        .collect();
    if ids.len() < raw.len() {
        return None;
    }
    errors.check("co_hosts", CoHosts::new(&ids).map_err(|e| e.to_string()))
}

fn user_id(raw: &str, field: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| ApiError::field(field, "must be a user id"))
}

fn instant(raw: &str) -> ApiResult<DateTime<Utc>> {
    wire::parse_instant(raw).map_err(|e| ApiError::field("start_utc", e))
}

/// Comma-separated ids of one kind; a malformed one is named.
fn ids(raw: Option<&str>, field: &str, errors: &mut FieldErrors) -> Vec<Uuid> {
    raw.into_iter()
        .flat_map(|r| r.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .filter_map(|s| {
            errors.check(
                field,
                Uuid::parse_str(s).map_err(|_| "must be ids separated by commas"),
            )
        })
        .collect()
}

/// The list filter of a query, limited to what the principal may see.
pub(super) fn filter(query: &BookingListQuery, principal: &Principal) -> ApiResult<BookingFilter> {
    let mut errors = FieldErrors::new();
    let statuses = query
        .status
        .iter()
        .flat_map(|r| r.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .filter_map(|s| {
            errors.check(
                "status",
                s.parse::<mm_domain::booking::BookingStatus>().map_err(
                    |_| "must be statuses among pending, confirmed, cancelled, completed, no_show",
                ),
            )
        })
        .collect();
    let instant = |raw: &Option<String>, field: &str, errors: &mut FieldErrors| {
        raw.as_deref()
            .filter(|r| !r.trim().is_empty())
            .and_then(|r| errors.check(field, wire::parse_instant(r)))
    };
    let from = instant(&query.from, "from", &mut errors);
    let to = instant(&query.to, "to", &mut errors);
    let filter = BookingFilter {
        statuses,
        department_ids: ids(query.department_id.as_deref(), "department_id", &mut errors),
        assigned_to: ids(query.assigned_to.as_deref(), "assigned_to", &mut errors),
        meeting_type_ids: ids(
            query.meeting_type_id.as_deref(),
            "meeting_type_id",
            &mut errors,
        ),
        from,
        to,
        search: query.q.clone(),
        series_id: query
            .series_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| {
                errors.check(
                    "series_id",
                    Uuid::parse_str(s).map_err(|_| "must be a series id"),
                )
            }),
        visible_to: (!principal.is_system_manager)
            .then(|| (principal.leads.iter().copied().collect(), principal.user_id)),
    };
    errors.finish(filter).map_err(Into::into)
}

#[utoipa::path(
    tag = "bookings",
    params(BookingListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Bookings the caller may see, by start time", body = mm_api_types::Page<WireBooking>),
        (status = 400, body = ErrorBody)
    )
)]
#[get("/bookings")]
async fn list_bookings(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<BookingListQuery>,
) -> ApiResult<web::Json<mm_api_types::Page<WireBooking>>> {
    let filter = filter(&query, &principal)?;
    let paging = mm_api_types::PageQuery {
        page: query.page,
        per_page: query.per_page,
    };
    let page = mm_store::Page {
        page: paging.page(),
        per_page: paging.per_page(),
    };
    let (bookings, total) = state.store.list_bookings(&filter, page).await?;
    Ok(web::Json(mm_api_types::Page {
        items: bookings.iter().map(wire::booking).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Most rows one export holds; narrow the filter for more.
const EXPORT_LIMIT: u64 = 10_000;

#[utoipa::path(
    tag = "bookings",
    params(BookingListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The bookings the list would show (all pages, up to 10 000), with a header row", content_type = "text/csv"),
        (status = 400, body = ErrorBody)
    )
)]
#[get("/bookings/export.csv")]
async fn export_csv(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<BookingListQuery>,
) -> ApiResult<HttpResponse> {
    let filter = filter(&query, &principal)?;
    let page = mm_store::Page {
        page: 1,
        per_page: EXPORT_LIMIT,
    };
    let (bookings, _) = state.store.list_bookings(&filter, page).await?;
    let departments = state.store.list_departments().await?;
    let meeting_types = state.store.list_meeting_types(None).await?;
    let mut hosts: Vec<Uuid> = bookings.iter().map(|b| b.assigned_to).collect();
    hosts.sort();
    hosts.dedup();
    let people: std::collections::BTreeMap<Uuid, String> = state
        .store
        .users(&hosts)
        .await?
        .into_iter()
        .map(|u| (u.id, u.full_name))
        .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "booking_reference",
        "status",
        "booking_type",
        "department",
        "meeting_type",
        "host",
        "start_utc",
        "end_utc",
        "duration",
        "timezone",
        "customer_name",
        "customer_email",
        "customer_phone",
        "customer_timezone",
        "customer_notes",
        "approval_status",
        "assignment_method",
        "reassignment_count",
        "cancellation_reason",
        "created_utc",
        "id",
    ];
    out.write_record(header).map_err(anyhow::Error::from)?;
    for b in &bookings {
        let w = wire::booking(b);
        let department = departments
            .iter()
            .find(|d| d.id == b.department_id)
            .map(|d| d.name.clone());
        let meeting_type = meeting_types
            .iter()
            .find(|t| t.id == b.meeting_type_id)
            .map(|t| t.name.clone());
        let record = [
            Some(w.booking_reference),
            Some(w.status.to_string()),
            Some(w.booking_type.to_string()),
            department,
            meeting_type,
            people.get(&b.assigned_to).cloned(),
            Some(wire::utc_text(w.start_utc)),
            Some(wire::utc_text(w.end_utc)),
            Some(w.duration.to_string()),
            Some(w.timezone),
            w.customer_name,
            w.customer_email,
            w.customer_phone,
            w.customer_timezone,
            w.customer_notes,
            w.approval_status.map(|a| a.to_string()),
            Some(w.assignment_method.to_string()),
            Some(w.reassignment_count.to_string()),
            w.cancellation_reason,
            Some(wire::utc_text(w.created_utc)),
            Some(w.id.to_string()),
        ]
        .map(|field| spreadsheet_safe(field.unwrap_or_default()));
        out.write_record(record).map_err(anyhow::Error::from)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing CSV: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"bookings.csv\"",
        ))
        .body(body))
}

/// Customers type the names and notes: a leading `=`, `+`, `-` or `@` would make a spreadsheet
/// run them as a formula, so such a cell is prefixed with an apostrophe.
fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[utoipa::path(
    tag = "bookings",
    request_body = BulkCancelRequest,
    security(("bearer" = [])),
    responses((status = 200, description = "Which were cancelled, and why each other one was not", body = BulkCancelResult))
)]
#[post("/bookings/bulk-cancel")]
async fn bulk_cancel(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    request: actix_web::HttpRequest,
    body: crate::json::Json<BulkCancelRequest>,
) -> ApiResult<web::Json<BulkCancelResult>> {
    let language = crate::language::of_request(&request, state.config.default_language);
    if body.ids.len() > 500 {
        return Err(ApiError::field("ids", "at most 500 bookings at once"));
    }
    let reason = optional_text(body.reason.as_deref(), "reason", 2000)?;
    let mut result = BulkCancelResult {
        cancelled: Vec::new(),
        failed: Vec::new(),
    };
    for id in &body.ids {
        let raw = id.to_string();
        let outcome = async {
            let booking = visible(&state, &principal, &raw).await?;
            let change = StatusChange::Cancel {
                reason: reason.clone(),
                notes: None,
            };
            apply(&state, &principal, &booking, change, Rule::Act).await
        }
        .await;
        match outcome {
            Ok(_) => result.cancelled.push(raw.clone()),
            Err(error) => result.failed.push(BulkFailure {
                id: raw.clone(),
                error: error.detail(language),
            }),
        }
    }
    Ok(web::Json(result))
}

#[utoipa::path(
    tag = "bookings",
    request_body = StaffBookingRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = WireBooking),
        (status = 400, body = ErrorBody),
        (status = 403, description = "A member may book only for themself; a leader only in their departments", body = ErrorBody),
        (status = 409, description = "`slot_unavailable` with the conflicts", body = ErrorBody)
    )
)]
#[post("/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    request: HttpRequest,
    Staff(principal): Staff,
    body: crate::json::Json<StaffBookingRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let mut errors = FieldErrors::new();
    let host = errors.check(
        "assigned_to",
        Uuid::parse_str(body.assigned_to.trim()).map_err(|_| "must be a user id"),
    );
    let start = errors.check("start_utc", wire::parse_instant(&body.start_utc));
    let co_hosts = co_hosts(&body.co_hosts, &mut errors);
    let meeting_type = match named_meeting_type(&state, &body.meeting_type_id, &mut errors).await? {
        Some(t) if !t.is_active => {
            errors.add("meeting_type_id", "is not active");
            None
        }
        Some(t) if !t.is_public => {
            errors.add("meeting_type_id", "is for internal meetings only");
            None
        }
        found => found,
    };
    let department = match &meeting_type {
        Some(t) => Some(state.store.department(t.department_id).await?),
        None => None,
    };
    if let (Some(host), Some(department)) = (host, &department) {
        if host != principal.user_id && !principal.can_manage_department(department.id) {
            return Err(ApiError::Forbidden(
                "a member may create customer meetings only for themself",
            ));
        }
        if !department
            .members
            .iter()
            .any(|m| m.user_id == host && m.is_active)
        {
            errors.add(
                "assigned_to",
                "is not an active member of the meeting type's department",
            );
        }
        if co_hosts
            .as_ref()
            .is_some_and(|c| !c.besides(host).is_empty())
            && !principal.can_manage_department(department.id)
        {
            return Err(ApiError::Forbidden(
                "only leaders and System Managers assign co-hosts",
            ));
        }
    }
    let co_hosts = match (&co_hosts, host) {
        (Some(c), Some(host)) => {
            let ids = c.besides(host);
            active_people(&state, &ids, |_| "co_hosts", &mut errors).await?;
            ids
        }
        _ => Vec::new(),
    };
    let zone = department.as_ref().map(|d| d.timezone).unwrap_or_default();
    let (recurrence, skip_dates) = series_request(
        body.recurrence.as_ref(),
        &body.skip_dates,
        start,
        zone,
        &mut errors,
    );
    let customer = Customer::parse(
        CustomerDraft {
            name: &body.customer_name,
            email: &body.customer_email,
            phone: &body.customer_phone,
            timezone: body.customer_timezone.as_deref(),
            notes: body.customer_notes.as_deref(),
            language: body.customer_language.as_deref(),
        },
        zone,
        state.config.default_language,
    )
    .map_err(|e| errors.merge(e))
    .ok();
    let answers = meeting_type.as_ref().and_then(|t| {
        parse_answers(&t.questions, &wire::answers(&body.answers))
            .map_err(|e| errors.merge(e))
            .ok()
    });
    let (
        Some(meeting_type),
        Some(department),
        Some(host),
        Some(start),
        Some(customer),
        Some(answers),
    ) = (meeting_type, department, host, start, customer, answers)
    else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }

    let id = Uuid::new_v4();
    let new = NewCustomerBooking {
        id,
        department_id: department.id,
        meeting_type,
        start,
        host: HostChoice::Member(host),
        source: BookingSource::ManualEntry,
        actor: actor(&principal, department.id),
        details: CustomerDetails {
            customer,
            answers,
            links: state.links.hashes(id),
            client_ip: None,
            client_network: None,
        },
        guard: RequestGuard::default(),
        offer: None,
        co_hosts,
    };
    if let Some(recurrence) = recurrence {
        let series_id = Uuid::new_v4();
        let mut first = new;
        first.details.links = state.links.hashes(series_id);
        let meeting_ids = std::iter::once(id)
            .chain((1..recurrence.count()).map(|_| Uuid::new_v4()))
            .collect();
        let series = NewCustomerSeries {
            first,
            recurrence,
            skip: skip_dates,
            series_id,
            meeting_ids,
        };
        let created = bookings::create_customer_series(&state.store, series, now).await;
        telemetry::count_series(Channel::of_staff(&request), &created);
        let first = created?.swap_remove(0);
        return Ok(HttpResponse::Created().json(wire::booking(&first)));
    }
    let created = bookings::create_customer_booking(&state.store, new, now).await;
    telemetry::count_booking(Channel::of_staff(&request), &created);
    let booking = created?.booking();
    Ok(HttpResponse::Created().json(wire::booking(&booking)))
}

/// A request's `recurrence` and `skip_dates`: a series' rule, and dates of its meetings (in
/// the department's `zone`, from the first meeting at `start`) to leave out; each date must be
/// one of its meetings', and at least one meeting must stay.
fn series_request(
    recurrence: Option<&RecurrenceRequest>,
    skip_dates: &[String],
    start: Option<DateTime<Utc>>,
    zone: mm_domain::TimeZone,
    errors: &mut FieldErrors,
) -> (Option<Recurrence>, Vec<NaiveDate>) {
    let Some(asked) = recurrence else {
        if !skip_dates.is_empty() {
            errors.add("skip_dates", "are taken with a recurrence only");
        }
        return (None, Vec::new());
    };
    let frequency = errors.check(
        "recurrence.frequency",
        asked
            .frequency
            .parse::<Frequency>()
            .map_err(|_| "must be weekly, biweekly or monthly"),
    );
    let rule = frequency.and_then(|frequency| {
        errors.check(
            "recurrence.count",
            Recurrence::new(frequency, asked.count, Recurrence::MAX_COUNT),
        )
    });
    let skip: Vec<NaiveDate> = skip_dates
        .iter()
        .filter_map(|raw| {
            errors.check(
                "skip_dates",
                NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| "must be dates"),
            )
        })
        .collect();
    if let (Some(rule), Some(start)) = (rule, start) {
        let dates = rule.dates(zone.date_of(start));
        if skip.iter().any(|d| !dates.contains(d)) {
            errors.add("skip_dates", "must be dates of the series' meetings");
        } else if dates.iter().all(|d| skip.contains(d)) {
            errors.add("skip_dates", "must leave at least one meeting");
        }
    }
    (rule, skip)
}

#[utoipa::path(
    tag = "bookings",
    request_body = InternalMeetingRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The confirmed meeting (the first of a series); every participant is invited, once", body = WireBooking),
        (status = 400, description = "A malformed field, a public-only meeting type, a duplicate or unknown participant", body = ErrorBody),
        (status = 403, description = "Only System Managers and leaders of the meeting type's department", body = ErrorBody),
        (status = 409, description = "`slot_unavailable`: each person's conflicts, with their `user_id`; for a series, `details.meetings` lists each meeting that does not fit and why", body = ErrorBody)
    )
)]
#[post("/bookings/internal")]
async fn create_internal_meeting(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    body: crate::json::Json<InternalMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let mut errors = FieldErrors::new();
    let host = errors.check(
        "host",
        Uuid::parse_str(body.host.trim()).map_err(|_| "must be a user id"),
    );
    let participants: Vec<Uuid> = body
        .participants
        .iter()
        .filter_map(|raw| {
            errors.check(
                "participants",
                Uuid::parse_str(raw.trim()).map_err(|_| "must be user ids"),
            )
        })
        .collect();
    let start = errors.check("start_utc", wire::parse_instant(&body.start_utc));
    let agenda = optional_text(body.meeting_agenda.as_deref(), "meeting_agenda", 10_000)?;
    let location = optional_text(body.physical_location.as_deref(), "physical_location", 500)?;
    let meeting_type =
        internal_meeting_type(&state, &principal, &body.meeting_type_id, &mut errors).await?;
    let co_hosts = co_hosts(&body.co_hosts, &mut errors);
    let attendees = host.zip(co_hosts).and_then(|(host, co_hosts)| {
        Attendees::hosted(host, &co_hosts, &participants)
            .map_err(|e| errors.add("participants", e.to_string()))
            .ok()
    });
    if let Some(attendees) = &attendees {
        let host = attendees.host();
        let field_of = |id| match id {
            id if id == host => "host",
            id if attendees.co_hosts().contains(&id) => "co_hosts",
            _ => "participants",
        };
        active_people(&state, &attendees.everyone(), field_of, &mut errors).await?;
    }
    // A series keeps the wall-clock time of the meeting type's department.
    let zone = match &meeting_type {
        Some(meeting_type) if body.recurrence.is_some() => {
            state
                .store
                .department(meeting_type.department_id)
                .await?
                .timezone
        }
        _ => mm_domain::TimeZone::UTC,
    };
    let (recurrence, skip) = series_request(
        body.recurrence.as_ref(),
        &body.skip_dates,
        start,
        zone,
        &mut errors,
    );
    let (Some(meeting_type), Some(attendees), Some(start), true) =
        (meeting_type, attendees, start, errors.is_empty())
    else {
        return Err(errors.into());
    };
    let department_id = meeting_type.department_id;
    let new = NewInternalMeeting {
        id: Uuid::new_v4(),
        meeting_type,
        attendees,
        start,
        agenda,
        physical_location: location,
        actor: actor(&principal, department_id),
        repeat: recurrence.map(|recurrence| InternalSeries { recurrence, skip }),
    };
    let created = bookings::create_internal_meeting(&state.store, new, now).await;
    telemetry::count_internal_meeting(&created);
    let booking = created?;
    Ok(HttpResponse::Created().json(wire::booking(&booking)))
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = WireBooking), (status = 404, body = ErrorBody))
)]
#[get("/bookings/{booking_id}")]
async fn get_booking(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    Ok(web::Json(wire::booking(&booking)))
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = BookingUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The booking as it now is (unchanged when nothing differed)", body = WireBooking),
        (status = 400, description = "Every invalid field named; customer fields on an internal meeting", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`slot_unavailable`: the new buffers reach into another meeting or busy time, each conflict named", body = ErrorBody),
        (status = 422, description = "Minutes or action items before the meeting starts", body = ErrorBody)
    )
)]
#[patch("/bookings/{booking_id}")]
async fn update_booking(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<BookingUpdate>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    // Assigning people is for those who manage the department, as reassigning is.
    let rule = if body.co_hosts.is_some() {
        Rule::Manage
    } else {
        Rule::Act
    };
    rule.check(&principal, &booking)?;
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let co_hosts = match &body.co_hosts {
        Some(raw) => co_hosts(raw, &mut errors),
        None => None,
    };
    let edit = BookingEdit::parse(BookingEditDraft {
        title: patch(&body.title),
        meeting_notes: patch(&body.meeting_notes),
        meeting_description: patch(&body.meeting_description),
        physical_location: patch(&body.physical_location),
        meeting_link: patch(&body.meeting_link),
        customer_name: patch(&body.customer_name),
        customer_email: patch(&body.customer_email),
        customer_phone: patch(&body.customer_phone),
        customer_notes: patch(&body.customer_notes),
        meeting_minutes: patch(&body.meeting_minutes),
        action_items: patch(&body.action_items),
        buffer_before: Patch::from_wire(body.buffer_before),
        buffer_after: Patch::from_wire(body.buffer_after),
    })
    .map_err(|e| errors.merge(e))
    .ok();
    let Some(mut edit) = edit.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    edit.co_hosts = co_hosts;
    let edited = bookings::edit_booking(
        &state.store,
        &BookingKey::Id(booking.id),
        edit,
        Acting {
            actor: actor(&principal, booking.department_id),
            permit: &|locked| rule.judge(&principal, locked),
        },
        Utc::now(),
    )
    .await?;
    Ok(web::Json(wire::booking(&edited)))
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The emails and text messages queued about the booking, oldest first", body = Vec<BookingMessage>),
        (status = 404, body = ErrorBody)
    )
)]
#[get("/bookings/{booking_id}/messages")]
async fn booking_messages(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<Vec<BookingMessage>>> {
    let booking = visible(&state, &principal, &path).await?;
    let messages = state.store.messages_of_booking(booking.id).await?;
    messages
        .into_iter()
        .map(|m| {
            Ok(BookingMessage {
                id: m.id,
                channel: wire::stored_word(&m.channel)?,
                to: m.to_address,
                kind: m.kind.to_wire(),
                status: wire::stored_word(&m.status)?,
                attempts: m.attempts,
                last_error: m.last_error,
                has_ics: m.ics.is_some(),
                created_utc: wire::utc(m.created_utc),
                sent_utc: m.sent_utc.map(wire::utc),
            })
        })
        .collect::<ApiResult<_>>()
        .map(web::Json)
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted with its rows and its event in the host's calendar; audited"),
        (status = 403, description = "System Managers only", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 502, description = "The host's calendar or the video provider did not let its event go; nothing was deleted", body = ErrorBody)
    )
)]
#[delete("/bookings/{booking_id}")]
async fn delete_booking(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let booking = visible(&state, &principal, &path).await?;
    if !principal.can_administer() {
        return Err(ApiError::Forbidden("only System Managers delete bookings"));
    }
    crate::calendar_push::remove_outside(&state, booking.id)
        .await
        .map_err(|e| {
            ApiError::Upstream(format!(
                "the booking's event could not be removed from the calendar it is in ({e}); \
                 nothing was deleted, try again"
            ))
        })?;
    // A System Manager may delete any booking; the role came with the session just checked.
    let any_booking = |_: &Booking| -> Result<(), &'static str> { Ok(()) };
    mm_app::privacy::delete_booking(
        &state.store,
        &BookingKey::Id(booking.id),
        Acting {
            actor: actor(&principal, booking.department_id),
            permit: &any_booking,
        },
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A patched field as the domain reads it.
fn patch(value: &Option<Option<String>>) -> Patch<&str> {
    Patch::from_wire(value.as_ref().map(Option::as_deref))
}

/// Applies a status change that `rule` allows, judged on the booking as it is locked.
async fn apply(
    state: &AppState,
    principal: &Principal,
    booking: &Booking,
    change: StatusChange,
    rule: Rule,
) -> ApiResult<web::Json<WireBooking>> {
    rule.check(principal, booking)?;
    let now = Utc::now();
    let links = state.links.hashes(booking.link_subject());
    let changed = bookings::change_status(
        &state.store,
        &BookingKey::Id(booking.id),
        change,
        Acting {
            actor: actor(principal, booking.department_id),
            permit: &|locked| rule.judge(principal, locked),
        },
        Some(&links),
        now,
    )
    .await?;
    Ok(web::Json(wire::booking(&changed)))
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = CancelRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting asked of, as it now is (with `scope`, every meeting in scope is cancelled too)", body = WireBooking),
        (status = 400, description = "A reason or notes too long; a `scope` that is none of `this`, `following`, `series`", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Already cancelled, completed or over; a `scope` other than `this` for a single meeting", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/cancel")]
async fn cancel(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::OptionalJson<CancelRequest>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    let body = body.0.unwrap_or_default();
    let change = StatusChange::Cancel {
        reason: optional_text(body.reason.as_deref(), "reason", 2000)?,
        notes: optional_text(body.notes.as_deref(), "notes", 5000)?,
    };
    match series_scope(body.scope.as_deref(), &booking)? {
        SeriesScope::This => apply(&state, &principal, &booking, change, Rule::Act).await,
        scope => apply_in_series(&state, &principal, &booking, change, scope, Rule::Act).await,
    }
}

/// [`apply`] to the meetings of `booking`'s series that `scope` covers, in one transaction.
async fn apply_in_series(
    state: &AppState,
    principal: &Principal,
    booking: &Booking,
    change: StatusChange,
    scope: SeriesScope,
    rule: Rule,
) -> ApiResult<web::Json<WireBooking>> {
    rule.check(principal, booking)?;
    let changed = bookings::change_in_series(
        &state.store,
        &BookingKey::Id(booking.id),
        None,
        scope,
        change,
        Acting {
            actor: actor(principal, booking.department_id),
            permit: &|locked| rule.judge(principal, locked),
        },
        Utc::now(),
    )
    .await?;
    Ok(web::Json(wire::booking(&changed)))
}

/// Approves or rejects `booking`, or, for a meeting of a series, the whole series as one.
async fn decide(
    state: &AppState,
    principal: &Principal,
    booking: &Booking,
    change: StatusChange,
) -> ApiResult<web::Json<WireBooking>> {
    if booking.series.is_some() {
        apply_in_series(
            state,
            principal,
            booking,
            change,
            SeriesScope::Series,
            Rule::Manage,
        )
        .await
    } else {
        apply(state, principal, booking, change, Rule::Manage).await
    }
}

/// A request's `scope`: `this` when absent; `following` and `series` only for a meeting of a
/// series (a well-formed request the booking cannot take: 422).
pub(super) fn series_scope(raw: Option<&str>, booking: &Booking) -> ApiResult<SeriesScope> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(SeriesScope::This);
    };
    let scope = raw
        .parse::<SeriesScope>()
        .map_err(|_| ApiError::field("scope", "must be this, following or series"))?;
    if scope != SeriesScope::This && booking.series.is_none() {
        return Err(ApiError::InvalidTransition(format!(
            "the scope {scope} applies to meetings of a recurring series only; this booking is a single meeting"
        )));
    }
    Ok(scope)
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved; for a meeting of a series, every meeting of it waiting for approval, with one email", body = WireBooking),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Not waiting for approval", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/approve")]
async fn approve(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    decide(&state, &principal, &booking, StatusChange::Approve).await
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = RejectRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected; for a meeting of a series, every meeting of it waiting for approval, with one email", body = WireBooking),
        (status = 400, description = "The reason is required", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "Not waiting for approval", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/reject")]
async fn reject(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<RejectRequest>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    Rule::Manage.check(&principal, &booking)?;
    let reason = optional_text(Some(&body.reason), "reason", 2000)?
        .ok_or_else(|| ApiError::field("reason", "is required when rejecting a booking"))?;
    let change = StatusChange::Reject { reason };
    decide(&state, &principal, &booking, change).await
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, body = WireBooking),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The meeting has not started yet, or is not confirmed", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/complete")]
async fn complete(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    apply(
        &state,
        &principal,
        &booking,
        StatusChange::Complete,
        Rule::Act,
    )
    .await
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, body = WireBooking),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The meeting has not started yet, or is not confirmed", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/no-show")]
async fn no_show(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    apply(
        &state,
        &principal,
        &booking,
        StatusChange::MarkNoShow,
        Rule::Act,
    )
    .await
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = CheckMoveRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Whether the move would succeed, and every reason it would not", body = CheckMoveResult),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The booking can no longer be moved", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/check-move")]
async fn check_move(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<CheckMoveRequest>,
) -> ApiResult<web::Json<CheckMoveResult>> {
    let booking = visible(&state, &principal, &path).await?;
    let host = user_id(&body.assigned_to, "assigned_to")?;
    Rule::MoveTo(Some(host)).check(&principal, &booking)?;
    let start = instant(&body.start_utc)?;
    let conflicts = state
        .store
        .check_move(booking.id, host, start, Utc::now())
        .await?;
    Ok(web::Json(CheckMoveResult {
        ok: conflicts.is_empty(),
        conflicts: wire::conflicts(&conflicts),
    }))
}

/// Moves a booking as [`Rule::MoveTo`] allows (another host needs a leader or System
/// Manager), and the meetings of its series that `scope` covers with it.
async fn move_to(
    state: &AppState,
    principal: &Principal,
    booking: &Booking,
    to: Move,
    scope: SeriesScope,
) -> ApiResult<web::Json<WireBooking>> {
    let rule = Rule::MoveTo(to.host);
    rule.check(principal, booking)?;
    let now = Utc::now();
    let links = state.links.hashes(booking.link_subject());
    let key = BookingKey::Id(booking.id);
    let by = Acting {
        actor: actor(principal, booking.department_id),
        permit: &|locked| rule.judge(principal, locked),
    };
    let moved = match scope {
        SeriesScope::This => {
            bookings::move_booking(&state.store, &key, to, by, Some(&links), now).await?
        }
        scope => {
            let which = bookings::SeriesSelection { from: None, scope };
            bookings::move_in_series(&state.store, &key, which, to, by, Some(&links), now).await?
        }
    };
    Ok(web::Json(wire::booking(&moved)))
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = ReassignRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = WireBooking),
        (status = 400, description = "A reason too long; a `scope` that is none of `this`, `following`, `series`", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`slot_unavailable` with the conflicts: the new host is not free or not an active member (with a `scope`, `details.meetings` names each meeting that does not fit, and nothing moves)", body = ErrorBody),
        (status = 422, description = "The booking can no longer be moved; a `scope` other than `this` for a single meeting", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/reassign")]
async fn reassign(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<ReassignRequest>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    Rule::Manage.check(&principal, &booking)?;
    let host = user_id(&body.assigned_to, "assigned_to")?;
    let reason = optional_text(body.reason.as_deref(), "reason", 2000)?;
    let scope = series_scope(body.scope.as_deref(), &booking)?;
    let to = Move {
        start: booking.span.start(),
        host: Some(host),
        policy: MovePolicy::Staff,
        reason,
        dragged: false,
    };
    move_to(&state, &principal, &booking, to, scope).await
}

#[utoipa::path(
    tag = "bookings",
    params(("booking_id" = Uuid, Path)),
    request_body = RescheduleRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = WireBooking),
        (status = 400, description = "A start or host that is not one; a `scope` that is none of `this`, `following`, `series`", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`slot_unavailable` with the conflicts (with a `scope`, `details.meetings` names each meeting that does not fit, and nothing moves)", body = ErrorBody),
        (status = 422, description = "The booking can no longer be moved; a `scope` other than `this` for a single meeting", body = ErrorBody)
    )
)]
#[post("/bookings/{booking_id}/reschedule")]
async fn reschedule(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    path: web::Path<String>,
    body: crate::json::Json<RescheduleRequest>,
) -> ApiResult<web::Json<WireBooking>> {
    let booking = visible(&state, &principal, &path).await?;
    let start = instant(&body.start_utc)?;
    let host = body
        .assigned_to
        .as_deref()
        .map(|raw| user_id(raw, "assigned_to"))
        .transpose()?;
    let reason = optional_text(body.reason.as_deref(), "reason", 2000)?;
    let scope = series_scope(body.scope.as_deref(), &booking)?;
    let to = Move {
        start,
        host,
        policy: MovePolicy::Staff,
        reason,
        dragged: host.is_some(),
    };
    move_to(&state, &principal, &booking, to, scope).await
}
