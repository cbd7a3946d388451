//! Users and their working hours.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use mm_api_types::{
    Page, PageQuery,
    error::ErrorBody,
    users::{CreateUser, UpdateUser, User, WorkingHours},
};
use mm_domain::{Email, FieldErrors, TimeZone, WorkingWeek, required_text, user::StaffUser};
use mm_i18n::Language;
use mm_store::EndSessions;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{id, wire};
use crate::{
    AppState,
    auth::{SignedIn, Staff, hash_password},
    error::{ApiError, ApiResult},
};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(delete_user)
        .service(get_working_hours)
        .service(put_working_hours);
}

const ONLY_ADMINS: &str = "only a System Manager may do this";

/// All users (System Managers and Department Leaders).
#[utoipa::path(
    tag = "users",
    params(PageQuery),
    responses(
        (status = 200, body = Page<User>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    Staff(me): Staff,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<User>>> {
    if !me.can_list_users() {
        return Err(ApiError::Forbidden(
            "only System Managers and Department Leaders may list users",
        ));
    }
    let page = mm_store::Page {
        page: query.page(),
        per_page: query.per_page(),
    };
    let (users, total) = state.store.list_users(page).await?;
    Ok(web::Json(Page {
        items: users.iter().map(wire::user).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    // Counted as sent, as the contract's `maxLength` counts.
    let too_long = value.as_ref().is_some_and(|v| v.chars().count() > max);
    let value = value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())?;
    if too_long {
        errors.add(field, format!("must be at most {max} characters"));
    }
    Some(value)
}

/// Create a staff user (System Manager). New users work Monday–Friday 09:00–17:00 until changed.
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, body = User),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "Email taken", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    Staff(me): Staff,
    body: crate::json::Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    if !me.can_administer() {
        return Err(ApiError::Forbidden(ONLY_ADMINS));
    }
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(&body.email));
    let full_name = errors.check("full_name", required_text(&body.full_name, 140));
    errors.check("password", mm_domain::user::check_password(&body.password));
    let timezone = errors.check(
        "timezone",
        TimeZone::parse(body.timezone.as_deref().unwrap_or("UTC")),
    );
    let bio = optional_text(&mut errors, "bio", body.bio, 2000);
    let picture = optional_text(
        &mut errors,
        "profile_picture_url",
        body.profile_picture_url,
        500,
    );
    let language = match body.language.as_deref() {
        None => Some(None),
        Some(code) => errors.check("language", code.parse::<Language>()).map(Some),
    };
    let (Some(email), Some(full_name), Some(timezone), Some(language), true) =
        (email, full_name, timezone, language, errors.is_empty())
    else {
        return Err(errors.into());
    };
    let user = StaffUser {
        id: uuid::Uuid::new_v4(),
        email,
        full_name,
        is_system_manager: body.is_system_manager,
        is_active: body.is_active,
        timezone,
        bio,
        profile_picture_url: picture,
        language,
    };
    let hash = hash_password(body.password).await?;
    let new = mm_store::NewUser {
        user: &user,
        password_hash: &hash,
        working_hours: &WorkingWeek::office_hours(),
    };
    state.store.create_user(new, chrono::Utc::now()).await?;
    Ok(HttpResponse::Created().json(wire::user(&user)))
}

/// One user: themself, a System Manager, or a Department Leader.
#[utoipa::path(
    tag = "users",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/users/{user_id}")]
async fn get_user(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<User>> {
    let user_id = id(&path, "user")?;
    let departments = state.store.departments_of(user_id).await?;
    if !me.can_read_user(user_id, &departments) {
        return Err(ApiError::Forbidden("you may only see your own profile"));
    }
    Ok(web::Json(wire::user(&state.store.user(user_id).await?)))
}

/// Change a user. People may change their own name, zone, bio, picture and password (with
/// `current_password`); System Managers may change everything. A password change ends the
/// person's other sessions (all of them when a System Manager set it); a deactivation or a change
/// of System Manager role ends all of them.
#[utoipa::path(
    tag = "users",
    params(("user_id" = Uuid, Path)),
    request_body = UpdateUser,
    responses(
        (status = 200, body = User),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many wrong current passwords", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[patch("/users/{user_id}")]
async fn update_user(
    state: web::Data<AppState>,
    session: SignedIn,
    path: web::Path<String>,
    body: crate::json::Json<UpdateUser>,
) -> ApiResult<web::Json<User>> {
    let me = &session.principal;
    let user_id = id(&path, "user")?;
    let body = body.into_inner();
    let is_self = me.user_id == user_id;
    let admin_fields =
        body.email.is_some() || body.is_system_manager.is_some() || body.is_active.is_some();
    let may_edit = me.can_administer() || (is_self && !admin_fields);
    if !may_edit {
        return Err(ApiError::Forbidden(
            "only a System Manager may change other users, emails, roles or activation",
        ));
    }
    if is_self && (body.is_active == Some(false) || body.is_system_manager == Some(false)) {
        return Err(ApiError::field(
            "is_active",
            "you cannot deactivate or demote yourself",
        ));
    }
    let before = state.store.user(user_id).await?;
    let mut user = before.clone();
    let mut errors = FieldErrors::new();
    if let Some(email) = &body.email
        && let Some(email) = errors.check("email", Email::parse(email))
    {
        user.email = email;
    }
    if let Some(name) = &body.full_name
        && let Some(name) = errors.check("full_name", required_text(name, 140))
    {
        user.full_name = name;
    }
    if let Some(zone) = &body.timezone
        && let Some(zone) = errors.check("timezone", TimeZone::parse(zone))
    {
        user.timezone = zone;
    }
    if let Some(bio) = body.bio {
        user.bio = optional_text(&mut errors, "bio", bio, 2000);
    }
    if let Some(picture) = body.profile_picture_url {
        user.profile_picture_url = optional_text(&mut errors, "profile_picture_url", picture, 500);
    }
    match body.language.as_ref().map(Option::as_deref) {
        None => {}
        Some(None) => user.language = None,
        Some(Some(code)) => {
            if let Some(language) = errors.check("language", code.parse::<Language>()) {
                user.language = Some(language);
            }
        }
    }
    if let Some(password) = &body.password {
        errors.check("password", mm_domain::user::check_password(password));
        if is_self && body.current_password.as_deref().is_none_or(str::is_empty) {
            errors.add("current_password", "is required to change your password");
        }
    }
    user.is_system_manager = body.is_system_manager.unwrap_or(user.is_system_manager);
    user.is_active = body.is_active.unwrap_or(user.is_active);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if let (true, Some(_), Some(current)) = (is_self, &body.password, body.current_password) {
        let right = super::auth::check_own_password(&state, before.email.as_str(), current).await?;
        if !right {
            return Err(ApiError::field(
                "current_password",
                "is not your current password",
            ));
        }
    }
    let sessions = match (&body.password, is_self) {
        _ if user.is_active != before.is_active
            || user.is_system_manager != before.is_system_manager =>
        {
            EndSessions::All
        }
        (Some(_), true) => EndSessions::AllBut(session.session_id),
        (Some(_), false) => EndSessions::All,
        (None, _) => EndSessions::None,
    };
    let hash = match body.password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    state
        .store
        .update_user(&user, hash.as_deref(), sessions, chrono::Utc::now())
        .await?;
    Ok(web::Json(wire::user(&user)))
}

/// Delete a user who hosts no bookings and belongs to no department (System Manager).
/// Otherwise 409: deactivate them instead.
#[utoipa::path(
    tag = "users",
    params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[delete("/users/{user_id}")]
async fn delete_user(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let user_id = id(&path, "user")?;
    if !me.can_administer() {
        return Err(ApiError::Forbidden(ONLY_ADMINS));
    }
    if me.user_id == user_id {
        return Err(ApiError::InUse("you cannot delete yourself".into()));
    }
    state.store.delete_user(user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A user's weekly working hours, local to their departments' zone.
#[utoipa::path(
    tag = "users",
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = WorkingHours), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/users/{user_id}/working-hours")]
async fn get_working_hours(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<WorkingHours>> {
    let user_id = id(&path, "user")?;
    let departments = state.store.departments_of(user_id).await?;
    if !me.can_read_member_settings(user_id, &departments) {
        return Err(ApiError::Forbidden(
            "you may only see your own working hours",
        ));
    }
    Ok(web::Json(wire::working_hours(
        &state.store.working_hours(user_id).await?,
    )))
}

/// Replace a user's working hours (System Manager, or a leader of every department they belong
/// to; never a System Manager's but by a System Manager).
/// Every malformed day, time and break is reported at once.
#[utoipa::path(
    tag = "users",
    params(("user_id" = Uuid, Path)),
    request_body = WorkingHours,
    responses((status = 200, body = WorkingHours), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[put("/users/{user_id}/working-hours")]
async fn put_working_hours(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<WorkingHours>,
) -> ApiResult<web::Json<WorkingHours>> {
    let user_id = id(&path, "user")?;
    if !me.can_change_member_settings(&state.store.standing(user_id).await?) {
        return Err(ApiError::Forbidden(
            "only a System Manager, or a Department Leader of every department the person \
             belongs to, may change their working hours",
        ));
    }
    state.store.user(user_id).await?;
    let week = wire::parse_working_hours(&body)?;
    state
        .store
        .set_working_hours(user_id, &week, chrono::Utc::now())
        .await?;
    Ok(web::Json(wire::working_hours(&week)))
}
