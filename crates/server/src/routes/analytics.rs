//! The staff dashboard's figures, over the bookings the reader may see: System Managers all,
//! leaders their departments', members their own.

use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{DateTime, Days, NaiveDate, Utc};
use mm_api_types::{
    analytics::{
        AssignmentDistribution, Count, DayCount, Funnel, FunnelStepCount, Headline,
        MeetingTypeFunnel, MemberShare, Summary, SummaryQuery,
    },
    error::ErrorBody,
};
use mm_domain::{
    FieldErrors, Principal, TimeZone,
    analytics::{self, Period, Roster},
    department::Department,
    funnel,
};
use mm_store::BookingFilter;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::wire::{self, ToWire as _};
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(summary);
}

/// A day given as `YYYY-MM-DD`, or as an instant whose day in `zone` counts.
fn day(raw: &str, zone: TimeZone) -> Result<NaiveDate, &'static str> {
    let raw = raw.trim();
    raw.parse::<NaiveDate>()
        .ok()
        .or_else(|| wire::parse_instant(raw).ok().map(|i| zone.date_of(i)))
        .ok_or("must be a date (YYYY-MM-DD) or an RFC 3339 instant")
}

#[utoipa::path(
    tag = "analytics",
    params(SummaryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Summary),
        (status = 400, description = "A malformed or unknown field, or a period longer than 366 days", body = ErrorBody),
        (status = 403, description = "A department the reader neither leads nor belongs to", body = ErrorBody),
        (status = 404, description = "No such department", body = ErrorBody)
    )
)]
#[get("/analytics/summary")]
async fn summary(
    state: web::Data<AppState>,
    Staff(principal): Staff,
    query: web::Query<SummaryQuery>,
) -> ApiResult<web::Json<Summary>> {
    let now = Utc::now();
    let departments = state.store.list_departments().await?;
    let asked = asked(&state, &principal, &query, &departments, now).await?;
    let (from, to) = asked.period.reading_window(now);
    let filter = BookingFilter {
        department_ids: asked.department_id.into_iter().collect(),
        from: Some(from),
        to: Some(to),
        visible_to: (!principal.is_system_manager)
            .then(|| (principal.leads.iter().copied().collect(), principal.user_id)),
        ..BookingFilter::default()
    };
    let facts = state.store.booking_facts(&filter).await?;
    // Fairness is shown for the departments the reader runs.
    let rosters: Vec<&Department> = departments
        .iter()
        .filter(|d| asked.department_id.is_none_or(|id| d.id == id))
        .filter(|d| principal.can_manage_department(d.id))
        .collect();
    let summary = analytics::summarize(
        &facts,
        asked.period,
        now,
        &rosters.iter().map(|d| roster(d)).collect::<Vec<_>>(),
    );
    let funnel = match rosters.is_empty() {
        true => None,
        false => Some(funnel(&state, &rosters, asked.period).await?),
    };
    Ok(web::Json(
        wire_summary(&state, &asked, &summary, &rosters, funnel.as_ref()).await?,
    ))
}

/// The wizard's funnel of `departments` over the period's dates (each department's days). This
/// process's counts not yet written are written first, so the reader sees them.
async fn funnel(
    state: &AppState,
    departments: &[&Department],
    period: Period,
) -> ApiResult<funnel::Funnel> {
    if let Err(error) = state.funnel.flush(&state.store).await {
        tracing::warn!(%error, "writing the booking funnel's counts before a read failed");
    }
    let ids: Vec<Uuid> = departments.iter().map(|d| d.id).collect();
    let tallies = state
        .store
        .funnel_tallies(&ids, period.from, period.to)
        .await?;
    Ok(funnel::funnel(&tallies))
}

/// What a summary request asks for, checked: a department the reader may see (or all they may),
/// the zone its days are read in, and the period.
struct Asked {
    department_id: Option<Uuid>,
    zone: TimeZone,
    period: Period,
}

/// Reads the query: the department (404 when unknown, 403 when the reader may not see it), the
/// zone (asked, else the department's, else the reader's), and the period (the 30 days up to
/// `to`, by default today), naming every malformed field.
async fn asked(
    state: &AppState,
    principal: &Principal,
    query: &SummaryQuery,
    departments: &[Department],
    now: DateTime<Utc>,
) -> ApiResult<Asked> {
    let mut errors = FieldErrors::new();
    let given = |raw: &Option<String>| {
        raw.as_deref()
            .map(str::trim)
            .filter(|raw| !raw.is_empty())
            .map(str::to_owned)
    };
    let department_id = given(&query.department_id).and_then(|raw| {
        errors.check(
            "department_id",
            Uuid::parse_str(&raw).map_err(|_| "must be a department id"),
        )
    });
    let zone_asked =
        given(&query.timezone).and_then(|raw| errors.check("timezone", TimeZone::parse(&raw)));
    let department = match department_id {
        Some(id) => Some(
            departments
                .iter()
                .find(|d| d.id == id)
                .ok_or(ApiError::NotFound("department"))?,
        ),
        None => None,
    };
    if let Some(department) = department
        && !principal.can_read_department(department.id)
    {
        return Err(ApiError::Forbidden(
            "only the department's members, its leader and System Managers see its figures",
        ));
    }
    let zone = match (zone_asked, department) {
        (Some(zone), _) => zone,
        (None, Some(department)) => department.timezone,
        (None, None) => state.store.user(principal.user_id).await?.timezone,
    };
    let to = match given(&query.to) {
        Some(raw) => errors.check("to", day(&raw, zone)),
        None => Some(zone.date_of(now)),
    };
    let from = match (given(&query.from), to) {
        (Some(raw), _) => errors.check("from", day(&raw, zone)),
        (None, Some(to)) => Some(to - Days::new(29)),
        (None, None) => None,
    };
    let period = match (from, to) {
        (Some(from), Some(to)) => errors.check("to", Period::new(from, to, zone)),
        _ => None,
    };
    match (errors.finish(()), period) {
        (Ok(()), Some(period)) => Ok(Asked {
            department_id,
            zone,
            period,
        }),
        (Err(errors), _) => Err(errors.into()),
        (Ok(()), None) => unreachable!("a missing day is a field error"),
    }
}

/// A department's active members as automatic assignment weighs them.
fn roster(department: &Department) -> Roster {
    Roster {
        department_id: department.id,
        algorithm: department.algorithm,
        members: department
            .members
            .iter()
            .filter(|m| m.is_active)
            .map(|m| (m.user_id, m.assignment_priority))
            .collect(),
    }
}

/// The summary on the wire, with the names of the members and meeting types it counts.
async fn wire_summary(
    state: &AppState,
    asked: &Asked,
    figures: &analytics::Summary,
    rosters: &[&Department],
    funnel: Option<&funnel::Funnel>,
) -> ApiResult<Summary> {
    let mut people: Vec<Uuid> = figures.by_member.keys().copied().collect();
    people.extend(
        figures
            .distribution
            .iter()
            .flat_map(|d| d.members.iter().map(|m| m.user_id)),
    );
    people.sort();
    people.dedup();
    let names: BTreeMap<Uuid, String> = state
        .store
        .users(&people)
        .await?
        .into_iter()
        .map(|u| (u.id, u.full_name))
        .collect();
    let meeting_types: BTreeMap<Uuid, String> = state
        .store
        .list_meeting_types(asked.department_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(Summary {
        from: asked.period.from,
        to: asked.period.to,
        timezone: asked.zone.name().to_owned(),
        total: figures.total,
        by_status: figures
            .by_status
            .iter()
            .map(|(status, count)| (status.to_wire(), *count))
            .collect(),
        by_meeting_type: counts(&figures.by_meeting_type, &meeting_types),
        by_member: counts(&figures.by_member, &names),
        by_day: figures
            .by_day
            .iter()
            .map(|(date, count)| DayCount {
                date: *date,
                count: *count,
            })
            .collect(),
        heatmap: figures.heatmap.iter().map(|row| row.to_vec()).collect(),
        no_show_rate: figures.no_show_rate,
        headline: Headline {
            today: figures.headline.today,
            next_7_days: figures.headline.next_7_days,
            this_month: figures.headline.this_month,
        },
        assignment_distribution: figures
            .distribution
            .iter()
            .zip(rosters)
            .map(|(distribution, department)| AssignmentDistribution {
                department_id: department.id,
                department_name: department.name.clone(),
                assignment_algorithm: distribution.algorithm.to_wire(),
                assignments: distribution.assignments,
                members: distribution
                    .members
                    .iter()
                    .map(|share| MemberShare {
                        user_id: share.user_id,
                        full_name: names.get(&share.user_id).cloned().unwrap_or_default(),
                        assignments: share.assignments,
                        share: share.share,
                        expected_share: share.expected_share,
                    })
                    .collect(),
            })
            .collect(),
        average_lead_time_hours: figures
            .average_lead_time
            .map(|lead| lead.num_seconds() as f64 / 3600.0),
        funnel: funnel.map(|funnel| wire_funnel(funnel, &meeting_types)),
    })
}

fn wire_steps(steps: &[funnel::StepCount]) -> Vec<FunnelStepCount> {
    steps
        .iter()
        .map(|s| FunnelStepCount {
            step: s.step.to_wire(),
            count: s.count,
            rate: s.rate,
        })
        .collect()
}

fn wire_funnel(funnel: &funnel::Funnel, names: &BTreeMap<Uuid, String>) -> Funnel {
    Funnel {
        steps: wire_steps(&funnel.steps),
        conversion: funnel.conversion,
        by_meeting_type: funnel
            .by_meeting_type
            .iter()
            .map(|t| MeetingTypeFunnel {
                meeting_type_id: t.meeting_type_id,
                name: names.get(&t.meeting_type_id).cloned().unwrap_or_default(),
                steps: wire_steps(&t.steps),
                conversion: t.conversion,
            })
            .collect(),
    }
}

/// Counts by id, named, most first (ties by name).
fn counts(items: &BTreeMap<Uuid, u64>, names: &BTreeMap<Uuid, String>) -> Vec<Count> {
    let mut list: Vec<Count> = items
        .iter()
        .map(|(id, count)| Count {
            id: *id,
            name: names.get(id).cloned().unwrap_or_default(),
            count: *count,
        })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list
}
