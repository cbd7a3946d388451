//! The public booking pages' reads: no authentication, and never the host's identity.
//!
//! Every visitor's month and day is read from one table per calendar month, which covers that
//! month in every time zone; so whatever zones and dates anonymous clients ask for, a meeting
//! type costs at most one computed table per month, and only for the months from this one to a
//! year ahead: other months are empty without any work.
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use mm_api_types::{
    error::ErrorBody,
    public::{
        AvailableDates, DayQuery, DaySlots, FunnelReport, MonthQuery, PublicDepartment,
        PublicMeetingType, PublicSlot,
    },
};
use mm_domain::{
    FieldErrors, Interval, Slug, TimeZone,
    funnel::FunnelStep,
    meeting_type::MeetingType,
    recurrence::{Frequency, Recurrence},
    scheduling::{Slot, series_slots},
};
use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    client_ip::client_network,
    error::{ApiError, ApiResult},
    funnel::Refused,
    slot_cache::Availability,
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(public_departments)
        .service(public_meeting_types)
        .service(available_dates)
        .service(day_slots)
        .service(report_funnel);
}

/// How far ahead the public pages look, `next_available_utc` included.
const SEARCH_MONTHS: u32 = 12;

/// The first day of the month of `date`.
fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day0(0).unwrap_or(date)
}

/// Whether the month starting `first` is one the public pages compute: from the current month
/// (by UTC, give or take the day the zones disagree on) to a year ahead.
fn month_served(first: NaiveDate, now: chrono::DateTime<Utc>) -> bool {
    let this_month = month_of(now.date_naive() - Days::new(1));
    let last = this_month.checked_add_months(Months::new(SEARCH_MONTHS + 1));
    first >= this_month && last.is_some_and(|last| first <= last)
}

/// The window of the table that serves the month starting `first` to visitors of every zone:
/// from the UTC day before the month to the UTC day after it (no zone is a day from UTC).
fn month_cover(first: NaiveDate) -> ApiResult<Interval> {
    let out_of_range = || ApiError::field("month", "is out of range");
    let next = first
        .checked_add_months(Months::new(1))
        .ok_or_else(out_of_range)?;
    let midnight = |date: Option<NaiveDate>| {
        date.map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
            .ok_or_else(out_of_range)
    };
    Interval::new(
        midnight(first.checked_sub_days(Days::new(1)))?,
        midnight(next.checked_add_days(Days::new(1)))?,
    )
    .map_err(|_| out_of_range())
}

/// The slot table of `start`'s month, exact at `start` as of the latest change when the request
/// came: who is free then is the cheap first answer to a booking, before it queues for the
/// database's writer (which checks again). `None` for a month the public pages do not compute.
pub(crate) async fn offer(
    state: &AppState,
    department: &Slug,
    meeting: &Slug,
    start: chrono::DateTime<Utc>,
    now: chrono::DateTime<Utc>,
) -> ApiResult<Option<Arc<Availability>>> {
    let first = month_of(start.date_naive());
    if !month_served(first, now) {
        return Ok(None);
    }
    let moment = Interval::starting_at(start, mm_domain::Minutes::ONE);
    let month = state
        .slots
        .availability(
            &state.store,
            department,
            meeting,
            month_cover(first)?,
            moment,
        )
        .await?;
    Ok(Some(month))
}

/// The recurring series a public request asks for (`frequency` with `count`), as far as the
/// meeting type lets customers book one; `None` for a single meeting.
pub(crate) fn customer_recurrence(
    frequency: Option<&str>,
    count: Option<i64>,
    meeting_type: &MeetingType,
) -> ApiResult<Option<Recurrence>> {
    let frequency = frequency.map(str::trim).filter(|f| !f.is_empty());
    let (frequency, count) = match (frequency, count) {
        (None, None) => return Ok(None),
        (Some(frequency), Some(count)) => (frequency, count),
        (Some(_), None) => return Err(ApiError::field("count", "is required with frequency")),
        (None, Some(_)) => return Err(ApiError::field("frequency", "is required with count")),
    };
    let frequency = frequency
        .parse::<Frequency>()
        .map_err(|_| ApiError::field("frequency", "must be weekly, biweekly or monthly"))?;
    let Some(max) = meeting_type.max_series_count else {
        return Err(ApiError::field(
            "frequency",
            "this meeting type is booked one meeting at a time",
        ));
    };
    Recurrence::new(frequency, count, max)
        .map(Some)
        .map_err(|e| ApiError::field("count", e.to_string()))
}

/// `first`'s slots (a day's, or one start's) narrowed to the members free for every meeting of
/// a `recurrence` series begun at each, as the month tables say; a meeting in a month the
/// public pages do not compute finds nobody free.
pub(crate) async fn series_offer(
    state: &AppState,
    department: &Slug,
    meeting: &Slug,
    zone: TimeZone,
    recurrence: Recurrence,
    first: Vec<Slot>,
    now: chrono::DateTime<Utc>,
) -> ApiResult<Vec<Slot>> {
    let months: BTreeSet<NaiveDate> = first
        .iter()
        .flat_map(|slot| {
            recurrence
                .starts(zone, slot.span.start())
                .into_iter()
                .skip(1)
        })
        .map(|start| month_of(start.date_naive()))
        .collect();
    let mut tables = HashMap::new();
    for month in months.into_iter().filter(|m| month_served(*m, now)) {
        let cover = month_cover(month)?;
        let table = state
            .slots
            .availability(&state.store, department, meeting, cover, cover)
            .await?;
        tables.insert(month, table);
    }
    Ok(series_slots(first, recurrence, zone, |start| {
        tables
            .get(&month_of(start.date_naive()))
            .map(|month| month.table.free_members_at(start, now))
            .unwrap_or_default()
    }))
}

/// A slug from the path; one that cannot be a slug names nothing.
fn slug(raw: &str, what: &'static str) -> ApiResult<Slug> {
    Slug::parse(raw).map_err(|_| ApiError::NotFound(what))
}

/// The query's date-like field and optional zone, with every failing field named.
fn parse_query<T>(
    field: &str,
    value: Option<T>,
    problem: &str,
    zone: Option<&str>,
) -> ApiResult<(T, Option<TimeZone>)> {
    let mut errors = FieldErrors::new();
    if value.is_none() {
        errors.add(field, problem);
    }
    // A blank optional value is absent, as everywhere in queries.
    let zone = zone
        .filter(|name| !name.trim().is_empty())
        .and_then(|name| errors.check("timezone", TimeZone::parse(name)));
    match value {
        Some(value) if errors.is_empty() => Ok((value, zone)),
        _ => Err(errors.into()),
    }
}

/// The visitor's zone, or the department's when the visitor named none.
async fn zone_or_departments(
    state: &AppState,
    zone: Option<TimeZone>,
    department: &Slug,
    meeting: &Slug,
) -> ApiResult<TimeZone> {
    match zone {
        Some(zone) => Ok(zone),
        None => Ok(state
            .store
            .public_meeting_type(department, meeting)
            .await?
            .0
            .timezone),
    }
}

/// The local calendar month starting on `first`, in `zone`.
fn month_window(zone: TimeZone, first: NaiveDate) -> ApiResult<Interval> {
    let next = first
        .checked_add_months(Months::new(1))
        .ok_or_else(|| ApiError::field("month", "is out of range"))?;
    Interval::new(zone.start_of_day(first), zone.start_of_day(next))
        .map_err(|_| ApiError::field("month", "is out of range"))
}

#[utoipa::path(
    tag = "public",
    responses((status = 200, body = Vec<PublicDepartment>))
)]
#[get("/public/departments")]
async fn public_departments(
    state: web::Data<AppState>,
) -> ApiResult<web::Json<Vec<PublicDepartment>>> {
    let departments = state.store.public_departments().await?;
    Ok(web::Json(
        departments
            .into_iter()
            .map(|(d, count)| PublicDepartment {
                department_slug: d.slug.as_str().to_owned(),
                department_name: d.name,
                description: d.description,
                timezone: d.timezone.name().to_owned(),
                meeting_type_count: count,
            })
            .collect(),
    ))
}

#[utoipa::path(
    tag = "public",
    params(("department_slug" = String, Path)),
    responses((status = 200, body = Vec<PublicMeetingType>), (status = 404, body = ErrorBody))
)]
#[get("/public/departments/{department_slug}/meeting-types")]
async fn public_meeting_types(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<web::Json<Vec<PublicMeetingType>>> {
    let department = slug(&path, "department")?;
    let (_, types) = state.store.public_meeting_types(&department).await?;
    Ok(web::Json(
        types
            .iter()
            .map(|t| PublicMeetingType {
                meeting_slug: t.slug.as_str().to_owned(),
                meeting_name: t.name.clone(),
                description: t.description.clone(),
                duration: t.duration.get(),
                location_type: t.location_type.to_wire(),
                custom_questions: t.questions.iter().map(wire::question).collect(),
                requires_approval: t.requires_approval,
                max_series_count: t.max_series_count.map(u32::from),
            })
            .collect(),
    ))
}

#[utoipa::path(
    tag = "public",
    params(("department_slug" = String, Path), ("meeting_slug" = String, Path), MonthQuery),
    responses(
        (status = 200, body = AvailableDates),
        (status = 400, description = "Malformed month or unknown time zone; `frequency` without `count` or a series the meeting type does not take", body = ErrorBody),
        (status = 404, body = ErrorBody)
    )
)]
#[get("/public/departments/{department_slug}/meeting-types/{meeting_slug}/available-dates")]
async fn available_dates(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<MonthQuery>,
) -> ApiResult<web::Json<AvailableDates>> {
    let (first, zone) = parse_query(
        "month",
        wire::parse_date(&format!("{}-01", query.month)),
        "must be a month YYYY-MM",
        query.timezone.as_deref(),
    )?;
    let (department, meeting) = (slug(&path.0, "department")?, slug(&path.1, "meeting type")?);
    let zone = zone_or_departments(&state, zone, &department, &meeting).await?;

    let now = Utc::now();
    let available_dates = if month_served(first, now) {
        let visitor_month = month_window(zone, first)?;
        let month = state
            .slots
            .availability(
                &state.store,
                &department,
                &meeting,
                month_cover(first)?,
                visitor_month,
            )
            .await?;
        let dates = month.table.available_dates_in(visitor_month, now, zone);
        match customer_recurrence(query.frequency.as_deref(), query.count, &month.meeting_type)? {
            None => dates,
            Some(recurrence) => {
                // The dates on which some start begins a whole series.
                let mut series_dates = Vec::new();
                for date in dates {
                    let first_day = month.table.bookable_in(zone.day(date), now);
                    let zone = month.department.timezone;
                    let offer = series_offer(
                        &state,
                        &department,
                        &meeting,
                        zone,
                        recurrence,
                        first_day,
                        now,
                    )
                    .await?;
                    if !offer.is_empty() {
                        series_dates.push(date);
                    }
                }
                series_dates
            }
        }
    } else {
        // Nothing is offered so far ahead, but a repeat asked for is still checked.
        let (_, meeting_type) = state
            .store
            .public_meeting_type(&department, &meeting)
            .await?;
        customer_recurrence(query.frequency.as_deref(), query.count, &meeting_type)?;
        Vec::new()
    };

    // The first bookable slot is an instant, the same for every visitor: it is searched in the
    // shared month tables, from this month on.
    let mut next_available = None;
    let this_month = month_of(now.date_naive());
    for ahead in 0..SEARCH_MONTHS {
        let Some(start) = this_month.checked_add_months(Months::new(ahead)) else {
            break;
        };
        let cover = month_cover(start)?;
        let found = state
            .slots
            .availability(&state.store, &department, &meeting, cover, cover)
            .await?
            .table
            .first_bookable(now);
        if let Some(slot) = found {
            next_available = Some(wire::utc(slot.start()));
            break;
        }
    }
    Ok(web::Json(AvailableDates {
        month: query.month.clone(),
        timezone: zone.name().to_owned(),
        available_dates,
        next_available_utc: next_available,
    }))
}

#[utoipa::path(
    tag = "public",
    params(("department_slug" = String, Path), ("meeting_slug" = String, Path), DayQuery),
    responses(
        (status = 200, body = DaySlots),
        (status = 400, description = "Malformed date or unknown time zone; `frequency` without `count` or a series the meeting type does not take", body = ErrorBody),
        (status = 404, body = ErrorBody)
    )
)]
#[get("/public/departments/{department_slug}/meeting-types/{meeting_slug}/slots")]
async fn day_slots(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<DayQuery>,
) -> ApiResult<web::Json<DaySlots>> {
    let (date, zone) = parse_query(
        "date",
        wire::parse_date(&query.date),
        "must be a date YYYY-MM-DD",
        query.timezone.as_deref(),
    )?;
    let (department, meeting) = (slug(&path.0, "department")?, slug(&path.1, "meeting type")?);
    let zone = zone_or_departments(&state, zone, &department, &meeting).await?;

    let now = Utc::now();
    let first = month_of(date);
    if !month_served(first, now) {
        let (department, meeting_type) = state
            .store
            .public_meeting_type(&department, &meeting)
            .await?;
        // Nothing is offered so far ahead, but a repeat asked for is still checked.
        customer_recurrence(query.frequency.as_deref(), query.count, &meeting_type)?;
        return Ok(web::Json(DaySlots {
            date,
            timezone: zone.name().to_owned(),
            department_timezone: department.timezone.name().to_owned(),
            duration: meeting_type.duration.get(),
            slots: Vec::new(),
        }));
    }
    let visitor_day = zone.day(date);
    let day = state
        .slots
        .availability(
            &state.store,
            &department,
            &meeting,
            month_cover(first)?,
            visitor_day,
        )
        .await?;
    let slot = |span: Interval, free: usize| PublicSlot {
        start_utc: wire::utc(span.start()),
        end_utc: wire::utc(span.end()),
        start_local: wire::local(zone, span.start()),
        end_local: wire::local(zone, span.end()),
        available_members: u32::try_from(free).unwrap_or(u32::MAX),
    };
    let slots =
        match customer_recurrence(query.frequency.as_deref(), query.count, &day.meeting_type)? {
            None => day
                .table
                .bookable_counts_in(visitor_day, now)
                .map(|(span, free)| slot(span, free))
                .collect(),
            Some(recurrence) => series_offer(
                &state,
                &department,
                &meeting,
                day.department.timezone,
                recurrence,
                day.table.bookable_in(visitor_day, now),
                now,
            )
            .await?
            .into_iter()
            .map(|offered| slot(offered.span, offered.free_members.len()))
            .collect(),
        };
    Ok(web::Json(DaySlots {
        date,
        timezone: zone.name().to_owned(),
        department_timezone: day.department.timezone.name().to_owned(),
        duration: day.meeting_type.duration.get(),
        slots,
    }))
}

/// The steps of one report, checked: one to five distinct steps a visitor may report.
fn reported_steps(steps: &[mm_api_types::FunnelStep]) -> ApiResult<Vec<FunnelStep>> {
    let mut parsed: Vec<FunnelStep> = Vec::with_capacity(steps.len());
    for step in steps {
        let step: FunnelStep = step
            .as_str()
            .parse()
            .map_err(|_| ApiError::field("steps", "names an unknown step"))?;
        if !step.reported_by_visitor() {
            return Err(ApiError::field(
                "steps",
                "`booked` is counted when the booking is made, not reported",
            ));
        }
        if parsed.contains(&step) {
            return Err(ApiError::field("steps", "names a step twice"));
        }
        parsed.push(step);
    }
    if parsed.is_empty() {
        return Err(ApiError::field("steps", "must name at least one step"));
    }
    Ok(parsed)
}

#[utoipa::path(
    tag = "public",
    request_body = FunnelReport,
    responses(
        (status = 204, description = "Counted; nothing about the visitor is kept"),
        (status = 400, description = "No steps, a step twice, `booked`, or a later step without `meeting_slug`", body = ErrorBody),
        (status = 404, description = "Unknown department or meeting type", body = ErrorBody),
        (status = 429, description = "`rate_limited`: this network reported too many steps this minute; see `Retry-After`", body = ErrorBody)
    )
)]
#[post("/public/funnel")]
async fn report_funnel(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: crate::json::Json<FunnelReport>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let network = client_network(&request, &state.config.trusted_proxies);
    state
        .funnel
        .admit(&network, now)
        .map_err(|Refused::TooMany(wait)| {
            ApiError::limited(
                "this network reported too many steps this minute; try again shortly",
                wait,
            )
        })?;
    let steps = reported_steps(&body.steps)?;
    let department_slug = slug(&body.department_slug, "department")?;
    let meeting_slug = body
        .meeting_slug
        .as_deref()
        .map(str::trim)
        .filter(|raw| !raw.is_empty())
        .map(|raw| slug(raw, "meeting type"))
        .transpose()?;
    let (department, meeting_type_id) = match &meeting_slug {
        Some(meeting) => {
            let (department, meeting_type) = state
                .store
                .public_meeting_type(&department_slug, meeting)
                .await?;
            (department, Some(meeting_type.id))
        }
        None if steps.iter().any(|step| step.has_meeting_type()) => {
            return Err(ApiError::field(
                "meeting_slug",
                "is required for every step after `department`",
            ));
        }
        None => {
            let department = state.store.department_by_slug(&department_slug).await?;
            if !department.is_active {
                return Err(ApiError::NotFound("department"));
            }
            (department, None)
        }
    };
    for step in steps {
        let meeting_type_id = meeting_type_id.filter(|_| step.has_meeting_type());
        state.funnel.count(
            (department.id, department.timezone),
            meeting_type_id,
            step,
            now,
        );
    }
    Ok(HttpResponse::NoContent().finish())
}
