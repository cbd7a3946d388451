//! Availability rules with date overrides.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use mm_api_types::{
    Page,
    availability::{AvailabilityRule, CreateAvailabilityRule, UpdateAvailabilityRule},
    error::ErrorBody,
};
use mm_domain::{
    FieldErrors, Principal,
    availability_rule::{self, OverrideDraft, RuleLimits, RuleLimitsDraft},
    required_text,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{id, wire};
use crate::{
    AppState,
    auth::Staff,
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_rules)
        .service(create_rule)
        .service(get_rule)
        .service(update_rule)
        .service(delete_rule);
}

async fn authorize(state: &AppState, me: &Principal, user_id: Uuid, write: bool) -> ApiResult<()> {
    let allowed = if write {
        me.can_change_member_settings(&state.store.standing(user_id).await?)
    } else {
        me.can_read_member_settings(user_id, &state.store.departments_of(user_id).await?)
    };
    if allowed {
        Ok(())
    } else if write {
        Err(ApiError::Forbidden(
            "only a System Manager, or a Department Leader of every department the person \
             belongs to, may change their availability rules",
        ))
    } else {
        Err(ApiError::Forbidden(
            "you may only see your own availability rules",
        ))
    }
}

fn parse(
    id: Uuid,
    user_id: Uuid,
    input: &CreateAvailabilityRule,
) -> Result<mm_domain::availability_rule::AvailabilityRule, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.check("rule_name", required_text(&input.rule_name, 140));
    let limits = RuleLimits::parse(RuleLimitsDraft {
        buffer_before: input.buffer_time_before,
        buffer_after: input.buffer_time_after,
        max_bookings_per_day: input.max_bookings_per_day,
        max_bookings_per_week: input.max_bookings_per_week,
        min_notice_hours: input.min_notice_hours,
        max_days_advance: input.max_days_advance,
    });
    let drafts: Vec<OverrideDraft<'_>> = input
        .date_overrides
        .iter()
        .map(|o| OverrideDraft {
            date: &o.date,
            available: o.available,
            custom_hours_start: o.custom_hours_start.as_deref(),
            custom_hours_end: o.custom_hours_end.as_deref(),
            reason: o.reason.as_deref(),
        })
        .collect();
    let overrides = availability_rule::parse_overrides(&drafts);
    let limits = limits.map_err(|e| errors.merge(e)).ok();
    let overrides = overrides.map_err(|e| errors.merge(e)).ok();
    match (name, limits, overrides) {
        (Some(name), Some(limits), Some(overrides)) if errors.is_empty() => {
            Ok(mm_domain::availability_rule::AvailabilityRule {
                id,
                user_id,
                name,
                is_default: input.is_default,
                limits,
                overrides,
            })
        }
        _ => Err(errors),
    }
}

/// A user's availability rules, the default first.
#[utoipa::path(
    tag = "availability",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = Page<AvailabilityRule>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/users/{user_id}/availability-rules")]
async fn list_rules(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<Page<AvailabilityRule>>> {
    let user_id = id(&path, "user")?;
    authorize(&state, &me, user_id, false).await?;
    state.store.user(user_id).await?;
    let rules: Vec<_> = state
        .store
        .list_rules(user_id)
        .await?
        .iter()
        .map(wire::rule)
        .collect();
    Ok(web::Json(Page::whole(rules)))
}

/// Add a rule; a user's first rule becomes the default, and a new default replaces the old.
#[utoipa::path(
    tag = "availability",
    params(("user_id" = Uuid, Path)),
    request_body = CreateAvailabilityRule,
    responses((status = 201, body = AvailabilityRule), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/users/{user_id}/availability-rules")]
async fn create_rule(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<CreateAvailabilityRule>,
) -> ApiResult<HttpResponse> {
    let user_id = id(&path, "user")?;
    authorize(&state, &me, user_id, true).await?;
    state.store.user(user_id).await?;
    let rule = parse(Uuid::new_v4(), user_id, &body)?;
    let rule = state.store.create_rule(&rule, chrono::Utc::now()).await?;
    Ok(HttpResponse::Created().json(wire::rule(&rule)))
}

#[utoipa::path(
    tag = "availability",
    params(("rule_id" = Uuid, Path)),
    responses((status = 200, body = AvailabilityRule), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/availability-rules/{rule_id}")]
async fn get_rule(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<AvailabilityRule>> {
    let rule = state.store.rule(id(&path, "availability rule")?).await?;
    authorize(&state, &me, rule.user_id, false).await?;
    Ok(web::Json(wire::rule(&rule)))
}

/// Change a rule; absent fields stay, `null` caps become unlimited, `date_overrides` replaces the list.
#[utoipa::path(
    tag = "availability",
    params(("rule_id" = Uuid, Path)),
    request_body = UpdateAvailabilityRule,
    responses((status = 200, body = AvailabilityRule), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[patch("/availability-rules/{rule_id}")]
async fn update_rule(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<UpdateAvailabilityRule>,
) -> ApiResult<web::Json<AvailabilityRule>> {
    let current = state.store.rule(id(&path, "availability rule")?).await?;
    authorize(&state, &me, current.user_id, true).await?;
    let patch = body.into_inner();
    let now = wire::rule(&current);
    let signed = |v: Option<u32>| v.map(i64::from);
    let merged = CreateAvailabilityRule {
        rule_name: patch.rule_name.unwrap_or(now.rule_name),
        is_default: patch.is_default.unwrap_or(now.is_default),
        buffer_time_before: patch
            .buffer_time_before
            .unwrap_or(i64::from(now.buffer_time_before)),
        buffer_time_after: patch
            .buffer_time_after
            .unwrap_or(i64::from(now.buffer_time_after)),
        max_bookings_per_day: patch
            .max_bookings_per_day
            .unwrap_or(signed(now.max_bookings_per_day)),
        max_bookings_per_week: patch
            .max_bookings_per_week
            .unwrap_or(signed(now.max_bookings_per_week)),
        min_notice_hours: patch
            .min_notice_hours
            .unwrap_or(i64::from(now.min_notice_hours)),
        max_days_advance: patch
            .max_days_advance
            .unwrap_or(signed(now.max_days_advance)),
        date_overrides: patch.date_overrides.unwrap_or(now.date_overrides),
    };
    let rule = parse(current.id, current.user_id, &merged)?;
    state.store.update_rule(&rule, chrono::Utc::now()).await?;
    Ok(web::Json(wire::rule(&rule)))
}

/// Delete a rule; the default can go only when it is the user's last.
#[utoipa::path(
    tag = "availability",
    params(("rule_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[delete("/availability-rules/{rule_id}")]
async fn delete_rule(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let rule = state.store.rule(id(&path, "availability rule")?).await?;
    authorize(&state, &me, rule.user_id, true).await?;
    state.store.delete_rule(rule.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
