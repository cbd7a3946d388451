//! Meeting types of a department.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use mm_api_types::{
    Page,
    error::ErrorBody,
    meeting_types::{CreateMeetingType, MeetingType, ReminderEntry, UpdateMeetingType},
};
use mm_domain::{
    FieldErrors, Minutes, Slug,
    meeting_type::{
        self, CustomQuestion, FollowUp, LocationType, QuestionDraft, Reminder, VideoPlatform,
    },
    recurrence::Recurrence,
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
    cfg.service(list_all_meeting_types)
        .service(list_meeting_types)
        .service(create_meeting_type)
        .service(get_meeting_type)
        .service(update_meeting_type)
        .service(delete_meeting_type);
}

fn default_reminders() -> Vec<ReminderEntry> {
    [24, 1]
        .map(|hours_before| ReminderEntry {
            hours_before,
            notification_type: "email".into(),
            is_active: true,
        })
        .into()
}

fn parse(
    id: Uuid,
    department_id: Uuid,
    created_by: Option<Uuid>,
    input: &CreateMeetingType,
) -> Result<mm_domain::meeting_type::MeetingType, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.check("meeting_name", required_text(&input.meeting_name, 140));
    let slug = match &input.meeting_slug {
        Some(slug) => errors.check("meeting_slug", Slug::parse(slug)),
        None => errors.check("meeting_slug", Slug::from_name(&input.meeting_name)),
    };
    let duration = errors.check("duration", Minutes::duration(input.duration));
    let place = place(input, &mut errors);
    let is_public = input.is_public.unwrap_or(true);
    errors.check(
        "is_public",
        meeting_type::check_audience(is_public, input.is_internal),
    );
    let color = errors.check(
        "color",
        meeting_type::parse_color(
            input
                .color
                .as_deref()
                .unwrap_or(meeting_type::DEFAULT_COLOR),
        ),
    );
    let grid = grid(input, &mut errors);
    let max_series_count = input.max_series_count.and_then(|count| {
        errors.check(
            "max_series_count",
            u16::try_from(count)
                .ok()
                .filter(|c| (2..=Recurrence::MAX_COUNT).contains(c))
                .ok_or("must be between 2 and 52, or null for single meetings only"),
        )
    });
    let questions = questions(input, &mut errors);
    let reminders = reminders(input, &mut errors);
    let follow_up = follow_up(input, &mut errors);
    match (
        name, slug, duration, place, color, grid, questions, reminders, follow_up,
    ) {
        (
            Some(name),
            Some(slug),
            Some(duration),
            Some((location_type, video_platform)),
            Some(color),
            Some((buffer_before, buffer_after, slot_interval)),
            Some(questions),
            Some(reminders),
            Some(follow_up),
        ) if errors.is_empty() => Ok(mm_domain::meeting_type::MeetingType {
            id,
            department_id,
            name,
            slug,
            description: text(&input.description),
            duration,
            location_type,
            video_platform,
            custom_location: text(&input.custom_location),
            requires_approval: input.requires_approval,
            is_public,
            is_internal: input.is_internal,
            is_active: input.is_active.unwrap_or(true),
            color,
            buffer_before,
            buffer_after,
            slot_interval,
            max_series_count,
            questions,
            reminders,
            follow_up,
            created_by,
        }),
        _ => Err(errors),
    }
}

/// Trimmed text, `None` when empty.
fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Where the meeting happens: its location type (a video call by default) and video platform.
fn place(
    input: &CreateMeetingType,
    errors: &mut FieldErrors,
) -> Option<(LocationType, Option<VideoPlatform>)> {
    let location_type = errors.check(
        "location_type",
        input
            .location_type
            .as_deref()
            .unwrap_or("video_call")
            .parse::<LocationType>()
            .map_err(|_| "must be one of video_call, phone_call, physical_location, custom"),
    );
    let video_platform = match &input.video_platform {
        None => Some(None),
        Some(p) => errors
            .check(
                "video_platform",
                p.parse::<VideoPlatform>()
                    .map_err(|_| "must be one of zoom, google_meet, microsoft_teams, custom"),
            )
            .map(Some),
    };
    Some((location_type?, video_platform?))
}

/// The slot grid: the buffers before and after (each member's own when absent) and the minutes
/// between starts (the length when absent).
fn grid(
    input: &CreateMeetingType,
    errors: &mut FieldErrors,
) -> Option<(Option<Minutes>, Option<Minutes>, Option<Minutes>)> {
    let mut minutes =
        |field: &str,
         value: Option<i64>,
         parse: fn(i64) -> Result<Minutes, mm_domain::time::MinutesOutOfRange>| match value
        {
            None => Some(None),
            Some(v) => errors.check(field, parse(v)).map(Some),
        };
    let before = minutes("buffer_before", input.buffer_before, Minutes::buffer);
    let after = minutes("buffer_after", input.buffer_after, Minutes::buffer);
    let interval = minutes("slot_interval", input.slot_interval, Minutes::duration);
    Some((before?, after?, interval?))
}

fn questions(input: &CreateMeetingType, errors: &mut FieldErrors) -> Option<Vec<CustomQuestion>> {
    let drafts: Vec<QuestionDraft<'_>> = input
        .custom_questions
        .iter()
        .map(|q| QuestionDraft {
            key: &q.key,
            label: &q.label,
            kind: &q.kind,
            required: q.required,
            options: &q.options,
        })
        .collect();
    meeting_type::parse_questions(&drafts)
        .map_err(|e| errors.merge(e))
        .ok()
}

/// The reminder schedule; one email a day ahead when none is given.
fn reminders(input: &CreateMeetingType, errors: &mut FieldErrors) -> Option<Vec<Reminder>> {
    let schedule = input
        .reminder_schedule
        .clone()
        .unwrap_or_else(default_reminders);
    let entries: Vec<(i64, &str, bool)> = schedule
        .iter()
        .map(|r| (r.hours_before, r.notification_type.as_str(), r.is_active))
        .collect();
    meeting_type::parse_reminders(&entries)
        .map_err(|e| errors.merge(e))
        .ok()
}

/// What follows the meeting: the thank-you (whether it is sent, its feedback link and next
/// steps), the no-show follow-up and the automatic no-show mark.
fn follow_up(input: &CreateMeetingType, errors: &mut FieldErrors) -> Option<FollowUp> {
    let feedback_url = match text(&input.feedback_url) {
        None => Some(None),
        Some(url) => errors
            .check("feedback_url", meeting_type::parse_web_link(&url))
            .map(Some),
    };
    if input
        .next_steps
        .as_deref()
        .is_some_and(|t| t.chars().count() > 5000)
    {
        errors.add("next_steps", "must be at most 5000 characters");
    }
    let auto_no_show_after = match input.auto_no_show_minutes {
        None => Some(None),
        Some(minutes) => errors
            .check(
                "auto_no_show_minutes",
                meeting_type::parse_auto_no_show(minutes),
            )
            .map(Some),
    };
    Some(FollowUp {
        enabled: input.thank_you_enabled,
        feedback_url: feedback_url?,
        next_steps: text(&input.next_steps),
        no_show_email: input.no_show_follow_up,
        auto_no_show_after: auto_no_show_after?,
    })
}

/// Every meeting type of every department the signed-in person may see, in one answer (what the
/// booking list's filters offer).
#[utoipa::path(
    tag = "meeting types",
    responses((status = 200, body = Page<MeetingType>), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/meeting-types")]
async fn list_all_meeting_types(
    state: web::Data<AppState>,
    Staff(me): Staff,
) -> ApiResult<web::Json<Page<MeetingType>>> {
    let slugs: std::collections::BTreeMap<Uuid, String> = state
        .store
        .list_departments()
        .await?
        .into_iter()
        .filter(|d| me.can_read_department(d.id))
        .map(|d| (d.id, d.slug.as_str().to_owned()))
        .collect();
    let items: Vec<MeetingType> = state
        .store
        .list_meeting_types(None)
        .await?
        .iter()
        .filter_map(|t| {
            let slug = slugs.get(&t.department_id)?;
            Some(wire::meeting_type(t, slug, &state.public_base_url))
        })
        .collect();
    Ok(web::Json(Page::whole(items)))
}

/// A department's meeting types (anyone who may see the department).
#[utoipa::path(
    tag = "meeting types",
    params(("department_id" = Uuid, Path)),
    responses((status = 200, body = Page<MeetingType>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/departments/{department_id}/meeting-types")]
async fn list_meeting_types(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<Page<MeetingType>>> {
    let department = state.store.department(id(&path, "department")?).await?;
    if !me.can_read_department(department.id) {
        return Err(ApiError::Forbidden(
            "you are not a member of this department",
        ));
    }
    let items: Vec<MeetingType> = state
        .store
        .list_meeting_types(Some(department.id))
        .await?
        .iter()
        .map(|t| wire::meeting_type(t, department.slug.as_str(), &state.public_base_url))
        .collect();
    Ok(web::Json(Page::whole(items)))
}

/// Add a meeting type (System Manager or the department's leader). Without a reminder schedule,
/// email reminders go out 24 hours and 1 hour before.
#[utoipa::path(
    tag = "meeting types",
    params(("department_id" = Uuid, Path)),
    request_body = CreateMeetingType,
    responses((status = 201, body = MeetingType), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[post("/departments/{department_id}/meeting-types")]
async fn create_meeting_type(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<CreateMeetingType>,
) -> ApiResult<HttpResponse> {
    let department = state.store.department(id(&path, "department")?).await?;
    if !me.can_manage_department(department.id) {
        return Err(ApiError::Forbidden(
            "only a System Manager or this department's leader may add meeting types",
        ));
    }
    let meeting_type = parse(Uuid::new_v4(), department.id, Some(me.user_id), &body)?;
    state
        .store
        .create_meeting_type(&meeting_type, chrono::Utc::now())
        .await?;
    Ok(HttpResponse::Created().json(wire::meeting_type(
        &meeting_type,
        department.slug.as_str(),
        &state.public_base_url,
    )))
}

#[utoipa::path(
    tag = "meeting types",
    params(("meeting_type_id" = Uuid, Path)),
    responses((status = 200, body = MeetingType), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
#[get("/meeting-types/{meeting_type_id}")]
async fn get_meeting_type(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<web::Json<MeetingType>> {
    let meeting_type = state.store.meeting_type(id(&path, "meeting type")?).await?;
    if !me.can_read_department(meeting_type.department_id) {
        return Err(ApiError::Forbidden(
            "you are not a member of this department",
        ));
    }
    let department = state.store.department(meeting_type.department_id).await?;
    Ok(web::Json(wire::meeting_type(
        &meeting_type,
        department.slug.as_str(),
        &state.public_base_url,
    )))
}

/// Change a meeting type; absent fields stay, lists replace the old ones.
#[utoipa::path(
    tag = "meeting types",
    params(("meeting_type_id" = Uuid, Path)),
    request_body = UpdateMeetingType,
    responses((status = 200, body = MeetingType), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[patch("/meeting-types/{meeting_type_id}")]
async fn update_meeting_type(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
    body: crate::json::Json<UpdateMeetingType>,
) -> ApiResult<web::Json<MeetingType>> {
    let current = state.store.meeting_type(id(&path, "meeting type")?).await?;
    if !me.can_manage_department(current.department_id) {
        return Err(ApiError::Forbidden(
            "only a System Manager or this department's leader may change meeting types",
        ));
    }
    let department = state.store.department(current.department_id).await?;
    let now = wire::meeting_type(&current, department.slug.as_str(), &state.public_base_url);
    let p = body.into_inner();
    let signed = |v: Option<u32>| v.map(i64::from);
    let merged = CreateMeetingType {
        meeting_name: p.meeting_name.unwrap_or(now.meeting_name),
        meeting_slug: Some(p.meeting_slug.unwrap_or(now.meeting_slug)),
        description: p.description.unwrap_or(now.description),
        duration: p.duration.unwrap_or(i64::from(now.duration)),
        location_type: Some(p.location_type.unwrap_or(now.location_type.to_string())),
        video_platform: p
            .video_platform
            .unwrap_or(now.video_platform.map(|v| v.to_string())),
        custom_location: p.custom_location.unwrap_or(now.custom_location),
        requires_approval: p.requires_approval.unwrap_or(now.requires_approval),
        is_public: Some(p.is_public.unwrap_or(now.is_public)),
        is_internal: p.is_internal.unwrap_or(now.is_internal),
        is_active: Some(p.is_active.unwrap_or(now.is_active)),
        color: Some(p.color.unwrap_or(now.color)),
        buffer_before: p.buffer_before.unwrap_or(signed(now.buffer_before)),
        buffer_after: p.buffer_after.unwrap_or(signed(now.buffer_after)),
        slot_interval: p.slot_interval.unwrap_or(signed(now.slot_interval)),
        max_series_count: p.max_series_count.unwrap_or(signed(now.max_series_count)),
        custom_questions: p.custom_questions.unwrap_or(now.custom_questions),
        reminder_schedule: Some(p.reminder_schedule.unwrap_or(now.reminder_schedule)),
        thank_you_enabled: p.thank_you_enabled.unwrap_or(now.thank_you_enabled),
        feedback_url: p.feedback_url.unwrap_or(now.feedback_url),
        next_steps: p.next_steps.unwrap_or(now.next_steps),
        no_show_follow_up: p.no_show_follow_up.unwrap_or(now.no_show_follow_up),
        auto_no_show_minutes: p
            .auto_no_show_minutes
            .unwrap_or(now.auto_no_show_minutes.map(i64::from)),
    };
    let meeting_type = parse(
        current.id,
        current.department_id,
        current.created_by,
        &merged,
    )?;
    state
        .store
        .update_meeting_type(&meeting_type, chrono::Utc::now())
        .await?;
    Ok(web::Json(wire::meeting_type(
        &meeting_type,
        department.slug.as_str(),
        &state.public_base_url,
    )))
}

/// Delete a meeting type (System Manager or the leader); 409 while bookings refer to it.
#[utoipa::path(
    tag = "meeting types",
    params(("meeting_type_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
#[delete("/meeting-types/{meeting_type_id}")]
async fn delete_meeting_type(
    state: web::Data<AppState>,
    Staff(me): Staff,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let meeting_type = state.store.meeting_type(id(&path, "meeting type")?).await?;
    if !me.can_manage_department(meeting_type.department_id) {
        return Err(ApiError::Forbidden(
            "only a System Manager or this department's leader may delete meeting types",
        ));
    }
    state.store.delete_meeting_type(meeting_type.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
