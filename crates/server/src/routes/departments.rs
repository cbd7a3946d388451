//! Departments and their members.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use mm_api_types::{
    Page,
    departments::{
        CreateDepartment, Department, DepartmentMember, EmbeddingSettings, UpdateDepartment,
    },
    error::ErrorBody,
};
use mm_domain::{
    FieldErrors, Slug, TimeZone,
    department::{self, AssignmentAlgorithm, Member, MemberEntry},
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
    cfg.service(embedding)
        .service(list_departments)
        .service(create_department)
        .service(get_department)
        .service(update_department)
        .service(delete_department)
        .service(put_members);
}

/// The websites that may embed the booking pages: what the Share box needs to say whether the
/// snippet will show anything.
#[utoipa::path(
    tag = "departments",
    responses((status = 200, body = EmbeddingSettings), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/embedding")]
async fn embedding(state: web::Data<AppState>, Staff(_me): Staff) -> web::Json<EmbeddingSettings> {
    web::Json(EmbeddingSettings {
        allowed_origins: state.config.allowed_origins.clone(),
    })
}

/// Checks a whole department as submitted; `existing` keeps counters of members who stay.
async fn parse(
    state: &AppState,
    id: Uuid,
    input: &CreateDepartment,
    existing: &[Member],
) -> ApiResult<mm_domain::department::Department> {
    let mut errors = FieldErrors::new();
    let name = errors.check(
        "department_name",
        required_text(&input.department_name, 140),
    );
    let slug = match &input.department_slug {
        Some(slug) => errors.check("department_slug", Slug::parse(slug)),
        None => errors.check("department_slug", Slug::from_name(&input.department_name)),
    }
    .and_then(|slug| {
        errors.check(
            "department_slug",
            mm_domain::department::department_slug(slug),
        )
    });
    let timezone = errors.check("timezone", TimeZone::parse(&input.timezone));
    let algorithm = errors.check(
        "assignment_algorithm",
        input
            .assignment_algorithm
            .as_deref()
            .unwrap_or("round_robin")
            .parse::<AssignmentAlgorithm>()
            .map_err(|_| "must be one of round_robin, least_busy, weighted"),
    );
    let leader = match &input.department_leader {
        Some(raw) => errors.check(
            "department_leader",
            Uuid::parse_str(raw).map_err(|_| "must be a user id"),
        ),
        None => None,
    };
    let max_per_day = match input.max_bookings_per_day {
        None => Some(None),
        Some(v) => errors
            .check(
                "max_bookings_per_day",
                u32::try_from(v)
                    .ok()
                    .filter(|v| (1..=10_000).contains(v))
                    .ok_or("must be between 1 and 10000"),
            )
            .map(Some),
    };
    let members = roster(state, input, leader, &mut errors).await?;
    let description = input
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    match (name, slug, timezone, algorithm, max_per_day) {
        (Some(name), Some(slug), Some(timezone), Some(algorithm), Some(max_bookings_per_day))
            if errors.is_empty() =>
        {
            Ok(mm_domain::department::Department {
                id,
                name,
                slug,
                description,
                leader,
                is_active: input.is_active.unwrap_or(true),
                timezone,
                algorithm,
                notify_leader_on_booking: input.notify_leader_on_booking,
                notify_admin_on_booking: input.notify_admin_on_booking,
                max_bookings_per_day,
                members: keep_counters(members, existing),
            })
        }
        _ => Err(errors.into()),
    }
}

/// The members as entered, each a known user, with the roster's rules checked (a leader among
/// the active members, nobody twice); what is wrong is named field by field.
async fn roster(
    state: &AppState,
    input: &CreateDepartment,
    leader: Option<Uuid>,
    errors: &mut FieldErrors,
) -> ApiResult<Vec<MemberEntry>> {
    let mut members = Vec::with_capacity(input.members.len());
    for (i, m) in input.members.iter().enumerate() {
        if let Some(user_id) = errors.check(
            &format!("members[{i}].user_id"),
            Uuid::parse_str(&m.user_id).map_err(|_| "must be a user id"),
        ) {
            members.push(MemberEntry {
                user_id,
                is_active: m.is_active,
                assignment_priority: m.assignment_priority,
            });
        }
    }
    let unknown = state
        .store
        .unknown_users(&members.iter().map(|m| m.user_id).collect::<Vec<_>>())
        .await?;
    for (i, m) in members.iter().enumerate() {
        if unknown.contains(&m.user_id) {
            errors.add(format!("members[{i}].user_id"), "no such user");
        }
    }
    if input.members.len() == members.len() {
        errors.merge(department::check_roster(leader, &members));
    } else {
        // Some members are already named as malformed: the rest of the roster cannot be judged,
        // but a leader missing from the members that parsed still is.
        department::check_leader(leader, &members, errors);
    }
    Ok(members)
}

/// The members as saved: a member who stays keeps their assignment counters, a new one starts
/// at zero.
fn keep_counters(members: Vec<MemberEntry>, existing: &[Member]) -> Vec<Member> {
    members
        .into_iter()
        .map(|m| {
            let kept = existing.iter().find(|e| e.user_id == m.user_id);
            Member {
                user_id: m.user_id,
                is_active: m.is_active,
                assignment_priority: m.assignment_priority,
                last_assigned_utc: kept.and_then(|k| k.last_assigned_utc),
                total_assignments: kept.map_or(0, |k| k.total_assignments),
            }
        })
        .collect()
}

fn as_input(d: &Department) -> CreateDepartment {
    CreateDepartment {
        department_name: d.department_name.clone(),
        department_slug: Some(d.department_slug.clone()),
        description: d.description.clone(),
        department_leader: d.department_leader.map(|l| l.to_string()),
        is_active: Some(d.is_active),
        timezone: d.timezone.clone(),
        assignment_algorithm: Some(d.assignment_algorithm.to_string()),
        notify_leader_on_booking: d.notify_leader_on_booking,
        notify_admin_on_booking: d.notify_admin_on_booking,
        max_bookings_per_day: d.max_bookings_per_day.map(i64::from),
        members: d.members.clone(),
    }
}

/// The departments the caller may see: all for System Managers, else those they lead or belong to.
#[utoipa::path(
    tag = "departments",
    responses((status = 200, body = Page<Department>), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/departments")]
async fn list_departments(
    state: web::Data<AppState>,
    Staff(me): Staff,
) -> ApiResult<web::Json<Page<Department>>> {
    let items: Vec<Department> = state
        .store
        .list_departments()
        .await?
        .iter()
        .filter(|d| me.can_read_department(d.id))
        .map(|d| wire::department(d, &state.public_base_url))
        .collect();
    Ok(web::Json(Page::whole(items)))
}

/// Create a department with its members (System Manager).
///
/// The leader must be an active member; at least one member must be active; the slug (derived
/// from the name when omitted) must be unique and URL-safe; the zone must be an IANA name.
#[utoipa::path(
    tag = "departments",
    request_body = CreateDepartment,
    responses((status = 201, body = Department), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/departments")]
async fn create_department(
    state: web::Data<AppState>,
    Staff(me): Staff,
    body: crate::json::Json<CreateDepartment>,
) -> ApiResult<HttpResponse> {
    if !me.can_administer() {
        return Err(ApiError::Forbidden(
            "only a System Manager may create departments",
        ));
    }
    let department = parse(&state, Uuid::new_v4(), &body, &[]).await?;
    state
        .store
        .create_department(&department, chrono::Utc::now())
        .await?;
    Ok(HttpResponse::Created().json(wire::department(&department, &state.public_base_url)))
}

#[utoipa::path(
    tag = "departments",
    params(("department_id" = Uuid, Path)),
    responses((status = 200, body = Department), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/departments/{department_id}")]
async fn get_department(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<Department>> {
    let department = state.store.department(id(&path, "department")?).await?;
    if !me.can_read_department(department.id) {
        return Err(ApiError::Forbidden(
            "you are not a member of this department",
        ));
    }
    Ok(web::Json(wire::department(
        &department,
        &state.public_base_url,
    )))
}

/// Change a department (System Manager or its leader). The result is checked as a whole.
#[utoipa::path(
    tag = "departments",
    params(("department_id" = Uuid, Path)),
    request_body = UpdateDepartment,
    responses((status = 200, body = Department), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[patch("/departments/{department_id}")]
async fn update_department(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<UpdateDepartment>,
) -> ApiResult<web::Json<Department>> {
    let current = state.store.department(id(&path, "department")?).await?;
    if !me.can_manage_department(current.id) {
        return Err(ApiError::Forbidden(
            "only a System Manager or this department's leader may change it",
        ));
    }
    let patch = body.into_inner();
    let mut input = as_input(&wire::department(&current, &state.public_base_url));
    input.department_name = patch.department_name.unwrap_or(input.department_name);
    input.department_slug = patch.department_slug.or(input.department_slug);
    input.description = patch.description.unwrap_or(input.description);
    input.department_leader = patch.department_leader.unwrap_or(input.department_leader);
    input.is_active = patch.is_active.or(input.is_active);
    input.timezone = patch.timezone.unwrap_or(input.timezone);
    input.assignment_algorithm = patch.assignment_algorithm.or(input.assignment_algorithm);
    input.notify_leader_on_booking = patch
        .notify_leader_on_booking
        .unwrap_or(input.notify_leader_on_booking);
    input.notify_admin_on_booking = patch
        .notify_admin_on_booking
        .unwrap_or(input.notify_admin_on_booking);
    input.max_bookings_per_day = patch
        .max_bookings_per_day
        .unwrap_or(input.max_bookings_per_day);
    input.members = patch.members.unwrap_or(input.members);
    let department = parse(&state, current.id, &input, &current.members).await?;
    state
        .store
        .update_department(
            &department,
            &|person| me.can_add_member(current.id, person),
            chrono::Utc::now(),
        )
        .await?;
    Ok(web::Json(wire::department(
        &state.store.department(current.id).await?,
        &state.public_base_url,
    )))
}

/// Replace the member list (System Manager or the leader); assignment counters of members who
/// stay are kept.
#[utoipa::path(
    tag = "departments",
    params(("department_id" = Uuid, Path)),
    request_body = Vec<DepartmentMember>,
    responses((status = 200, body = Department), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[put("/departments/{department_id}/members")]
async fn put_members(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<Vec<DepartmentMember>>,
) -> ApiResult<web::Json<Department>> {
    let current = state.store.department(id(&path, "department")?).await?;
    if !me.can_manage_department(current.id) {
        return Err(ApiError::Forbidden(
            "only a System Manager or this department's leader may change its members",
        ));
    }
    let mut input = as_input(&wire::department(&current, &state.public_base_url));
    input.members = body.into_inner();
    let department = parse(&state, current.id, &input, &current.members).await?;
    state
        .store
        .update_department(
            &department,
            &|person| me.can_add_member(current.id, person),
            chrono::Utc::now(),
        )
        .await?;
    Ok(web::Json(wire::department(
        &state.store.department(current.id).await?,
        &state.public_base_url,
    )))
}

/// Delete a department and its meeting types (System Manager); 409 while bookings refer to it.
#[utoipa::path(
    tag = "departments",
    params(("department_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[delete("/departments/{department_id}")]
async fn delete_department(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let department_id = id(&path, "department")?;
    if !me.can_administer() {
        return Err(ApiError::Forbidden(
            "only a System Manager may delete departments",
        ));
    }
    state.store.delete_department(department_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
