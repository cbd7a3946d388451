//! The staff dashboard's figures, over the bookings the reader may see: System Managers all,
//! leaders their departments', members their own.

use actix_web::{get, web};
use chrono::{Datelike, Days, NaiveDate, Utc};
use mm_api_types::{
    analytics::{
        AssignmentDistribution, Count, DayCount, Headline, MemberShare, Summary, SummaryQuery,
    },
    error::ErrorBody,
};
use mm_domain::{
    FieldErrors, TimeZone,
    analytics::{self, Period, Roster},
    department::Department,
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
    let mut errors = FieldErrors::new();
    let department_id = query
        .department_id
        .as_deref()
        .map(str::trim)
        .filter(|raw| !raw.is_empty())
        .and_then(|raw| {
            errors.check(
                "department_id",
                Uuid::parse_str(raw).map_err(|_| "must be a department id"),
            )
        });
    let zone_asked = query
        .timezone
        .as_deref()
        .map(str::trim)
        .filter(|raw| !raw.is_empty())
        .and_then(|raw| errors.check("timezone", TimeZone::parse(raw)));
    let departments = state.store.list_departments().await?;
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
    let to = query
        .to
        .as_deref()
        .filter(|raw| !raw.trim().is_empty())
        .map(|raw| errors.check("to", day(raw, zone)))
        .unwrap_or(Some(zone.date_of(now)));
    let from = match (
        query.from.as_deref().filter(|raw| !raw.trim().is_empty()),
        to,
    ) {
        (Some(raw), _) => errors.check("from", day(raw, zone)),
        (None, Some(to)) => Some(to - Days::new(29)),
        (None, None) => None,
    };
    let period = match (from, to) {
        (Some(from), Some(to)) => errors.check("to", Period::new(from, to, zone)),
        _ => None,
    };
    let period = match (errors.finish(()), period) {
        (Ok(()), Some(period)) => period,
        (Err(errors), _) => return Err(errors.into()),
        (Ok(()), None) => unreachable!("a missing day is a field error"),
    };

    // The headline counts read today, the next 7 days and this month, wherever the period is.
    let today = zone.date_of(now);
    let month = today.with_day(1).unwrap_or(today);
    let next_month = month
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(month);
    let (period_start, period_end) = period.instants();
    let filter = BookingFilter {
        department_ids: department_id.into_iter().collect(),
        from: Some(period_start.min(zone.start_of_day(month))),
        to: Some(
            period_end
                .max(zone.start_of_day(today + Days::new(8)))
                .max(zone.start_of_day(next_month)),
        ),
        visible_to: (!principal.is_system_manager)
            .then(|| (principal.leads.iter().copied().collect(), principal.user_id)),
        ..BookingFilter::default()
    };
    let facts = state.store.booking_facts(&filter).await?;

    // Fairness is shown for the departments the reader runs.
    let rosters: Vec<&Department> = departments
        .iter()
        .filter(|d| department_id.is_none_or(|id| d.id == id))
        .filter(|d| principal.can_manage_department(d.id))
        .collect();
    let summary = analytics::summarize(
        &facts,
        period,
        now,
        &rosters
            .iter()
            .map(|d| Roster {
                department_id: d.id,
                algorithm: d.algorithm,
                members: d
                    .members
                    .iter()
                    .filter(|m| m.is_active)
                    .map(|m| (m.user_id, m.assignment_priority))
                    .collect(),
            })
            .collect::<Vec<_>>(),
    );

    let mut people: Vec<Uuid> = summary.by_member.keys().copied().collect();
    people.extend(
        summary
            .distribution
            .iter()
            .flat_map(|d| d.members.iter().map(|m| m.user_id)),
    );
    people.sort();
    people.dedup();
    let names: std::collections::BTreeMap<Uuid, String> = state
        .store
        .users(&people)
        .await?
        .into_iter()
        .map(|u| (u.id, u.full_name))
        .collect();
    let meeting_types: std::collections::BTreeMap<Uuid, String> = state
        .store
        .list_meeting_types(department_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let counts = |items: &std::collections::BTreeMap<Uuid, u64>,
                  name: &std::collections::BTreeMap<Uuid, String>| {
        let mut list: Vec<Count> = items
            .iter()
            .map(|(id, count)| Count {
                id: *id,
                name: name.get(id).cloned().unwrap_or_default(),
                count: *count,
            })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        list
    };
    Ok(web::Json(Summary {
        from: period.from,
        to: period.to,
        timezone: zone.name().to_owned(),
        total: summary.total,
        by_status: summary
            .by_status
            .iter()
            .map(|(status, count)| (status.to_wire(), *count))
            .collect(),
        by_meeting_type: counts(&summary.by_meeting_type, &meeting_types),
        by_member: counts(&summary.by_member, &names),
        by_day: summary
            .by_day
            .iter()
            .map(|(date, count)| DayCount {
                date: *date,
                count: *count,
            })
            .collect(),
        heatmap: summary.heatmap.iter().map(|row| row.to_vec()).collect(),
        no_show_rate: summary.no_show_rate,
        headline: Headline {
            today: summary.headline.today,
            next_7_days: summary.headline.next_7_days,
            this_month: summary.headline.this_month,
        },
        assignment_distribution: summary
            .distribution
            .iter()
            .zip(&rosters)
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
    }))
}
