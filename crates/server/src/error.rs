//! The HTTP layer's one error type, rendered in the contract's shape with the contract's statuses.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use mm_api_types::{
    ErrorCode,
    error::{ErrorBody, ErrorDetail},
};
use mm_domain::{
    FieldErrors,
    booking::{EditError, MeetingConflicts, RsvpError, Unavailable},
    scheduling::AttendeeConflict,
};
use mm_i18n::{Language, Texts};
use mm_store::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{} invalid", fields_phrase(.0))]
    Validation(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error(
        "authentication required: send Authorization: Bearer <token> from POST /api/v1/auth/login"
    )]
    Unauthorized,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The path exists, but not with this method; `allow` lists those it takes.
    #[error("this endpoint takes {}", .allow.join(", "))]
    MethodNotAllowed { allow: Vec<&'static str> },
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("{0}")]
    InUse(String),
    #[error("{}", slot_phrase(.0))]
    SlotUnavailable(Vec<AttendeeConflict>),
    /// Meetings of a series that do not fit, each with its reasons.
    #[error("{} of the series' meetings cannot be booked", .0.len())]
    SeriesUnavailable(Vec<MeetingConflicts>),
    /// The booking's state does not allow the action; the message names the state.
    #[error("{0}")]
    InvalidTransition(String),
    /// A limit was reached; the client may try again after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// The public booking limit per address and hour was reached.
    #[error("too many bookings from this address in the last hour; try again later")]
    TooManyBookings,
    /// The customer moved the meeting as often as their link allows.
    #[error("{0}")]
    RescheduleLimit(String),
    /// Too much work is waiting (password hashing); the client may try again shortly.
    #[error("the server is busy; try again in a few seconds")]
    Busy,
    /// The database cannot be reached (down or restarting); the client may try again shortly.
    #[error("the database cannot be reached; try again in a few seconds")]
    DatabaseUnreachable,
    #[error("this Idempotency-Key was already used with a different request")]
    IdempotencyKeyReused,
    /// A calendar or video provider refused or failed; nothing was changed.
    #[error("{0}")]
    Upstream(String),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

fn slot_phrase(conflicts: &[AttendeeConflict]) -> String {
    match conflicts.first().map(|c| &c.conflict) {
        None => "this time is no longer available; please choose another".to_owned(),
        Some(first) if conflicts.len() == 1 => format!("not available: {first}"),
        Some(first) => format!("not available: {first} (and {} more)", conflicts.len() - 1),
    }
}

fn fields_phrase(errors: &FieldErrors) -> String {
    match errors.iter().count() {
        1 => "1 field is".to_owned(),
        n => format!("{n} fields are"),
    }
}

impl ApiError {
    /// One failing field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Self::Validation(errors)
    }

    /// The error as the contract's body carries it, its message in `language`.
    pub fn detail(&self, language: Language) -> ErrorDetail {
        ErrorDetail {
            code: self.code(),
            message: self.message(language.texts()),
            details: self.details(),
        }
    }

    /// The message a client reads. Errors whose text comes from below (a store refusal, a
    /// booking's state) keep that text until those layers speak more than English.
    fn message(&self, t: Texts) -> String {
        match self {
            Self::Validation(errors) => {
                t.error_fields_invalid(u64::try_from(errors.iter().count()).unwrap_or(u64::MAX))
            }
            Self::Unauthorized => t.error_unauthorized().to_owned(),
            Self::InvalidCredentials => t.error_invalid_credentials().to_owned(),
            Self::NotFound(what) => t.error_not_found(&what.to_lowercase().replace(' ', "-")),
            Self::MethodNotAllowed { allow } => t.error_method_not_allowed(&allow.join(", ")),
            Self::SlotUnavailable(conflicts) => match conflicts.first() {
                None => t.error_time_taken().to_owned(),
                Some(first) if conflicts.len() == 1 => {
                    t.error_time_unavailable(&first.conflict.to_string())
                }
                Some(first) => t.error_time_unavailable_more(
                    &first.conflict.to_string(),
                    &(conflicts.len() - 1).to_string(),
                ),
            },
            Self::SeriesUnavailable(meetings) => {
                t.error_series_unavailable(u64::try_from(meetings.len()).unwrap_or(u64::MAX))
            }
            Self::Busy => t.error_busy().to_owned(),
            Self::DatabaseUnreachable => t.error_database_unreachable().to_owned(),
            Self::IdempotencyKeyReused => t.error_idempotency_key_reused().to_owned(),
            Self::Internal(_) => t.error_internal().to_owned(),
            Self::TooManyBookings => t.error_too_many_bookings().to_owned(),
            Self::BadRequest(_)
            | Self::Forbidden(_)
            | Self::NotAllowed(_)
            | Self::Conflict { .. }
            | Self::InUse(_)
            | Self::InvalidTransition(_)
            | Self::RateLimited { .. }
            | Self::RescheduleLimit(_)
            | Self::Upstream(_) => self.to_string(),
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Self::Validation(_) => ErrorCode::ValidationFailed,
            Self::BadRequest(_) => ErrorCode::BadRequest,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::Forbidden(_) | Self::NotAllowed(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::InUse(_) => ErrorCode::InUse,
            Self::SlotUnavailable(_) | Self::SeriesUnavailable(_) => ErrorCode::SlotUnavailable,
            Self::InvalidTransition(_) => ErrorCode::InvalidTransition,
            Self::RateLimited { .. } | Self::TooManyBookings => ErrorCode::RateLimited,
            Self::RescheduleLimit(_) => ErrorCode::RescheduleLimitReached,
            Self::Busy | Self::DatabaseUnreachable => ErrorCode::Busy,
            Self::IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            Self::Upstream(_) => ErrorCode::UpstreamUnavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    fn details(&self) -> Option<serde_json::Value> {
        let fields = |errors: &FieldErrors| {
            let map: serde_json::Map<String, serde_json::Value> = errors
                .iter()
                .map(|(k, v)| (k.to_owned(), json!(v)))
                .collect();
            json!({ "fields": map })
        };
        match self {
            Self::Validation(errors) => Some(fields(errors)),
            Self::Conflict { field, message } => Some(json!({ "fields": { field: message } })),
            Self::SlotUnavailable(conflicts) => Some(json!({
                "conflicts": crate::routes::wire::conflicts(conflicts)
            })),
            Self::SeriesUnavailable(meetings) => Some(json!({
                "meetings": crate::routes::wire::series_conflicts(meetings)
            })),
            _ => None,
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<mm_app::AppError> for ApiError {
    fn from(error: mm_app::AppError) -> Self {
        match error {
            mm_app::AppError::NotAllowed(message) => Self::NotAllowed(message),
            mm_app::AppError::Transition(error) => StoreError::Transition(error).into(),
            mm_app::AppError::Rsvp(error @ RsvpError::NotInvited) => {
                Self::NotAllowed(error.to_string())
            }
            mm_app::AppError::Rsvp(error) => Self::InvalidTransition(error.to_string()),
            mm_app::AppError::Edit(
                error @ (EditError::NotStarted { .. } | EditError::HostsClosed),
            ) => Self::InvalidTransition(error.to_string()),
            mm_app::AppError::Edit(error @ EditError::UnknownCoHost(_)) => {
                let mut errors = FieldErrors::new();
                errors.add("co_hosts", error.to_string());
                Self::Validation(errors)
            }
            mm_app::AppError::Edit(error @ EditError::NotACustomerBooking(field)) => {
                let mut errors = FieldErrors::new();
                errors.add(field, error.to_string());
                Self::Validation(errors)
            }
            mm_app::AppError::AlreadyThere(there) => Self::Conflict {
                field: there.field.to_owned(),
                message: there.to_string(),
            },
            mm_app::AppError::Unavailable(Unavailable::NobodyFree) => {
                Self::SlotUnavailable(Vec::new())
            }
            mm_app::AppError::Unavailable(Unavailable::Conflicts(conflicts)) => {
                Self::SlotUnavailable(conflicts)
            }
            mm_app::AppError::Unavailable(Unavailable::Series(meetings)) => {
                Self::SeriesUnavailable(meetings)
            }
            mm_app::AppError::RateLimited => Self::TooManyBookings,
            mm_app::AppError::IdempotencyKeyReused => Self::IdempotencyKeyReused,
            mm_app::AppError::Store(error) => error.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict { field, message } => Self::Conflict { field, message },
            StoreError::InUse(message) => Self::InUse(message),
            StoreError::NotAllowed(message) => Self::NotAllowed(message),
            StoreError::Transition(
                error @ mm_domain::booking::TransitionError::RescheduleLimit { .. },
            ) => Self::RescheduleLimit(error.to_string()),
            StoreError::Transition(error) => Self::InvalidTransition(error.to_string()),
            unreachable if unreachable.is_unreachable() => {
                tracing::warn!(error = %unreachable, "the database cannot be reached");
                Self::DatabaseUnreachable
            }
            other => Self::Internal(anyhow::Error::new(other).context("store")),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::NotAllowed(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. }
            | Self::InUse(_)
            | Self::SlotUnavailable(_)
            | Self::SeriesUnavailable(_)
            | Self::IdempotencyKeyReused => StatusCode::CONFLICT,
            Self::InvalidTransition(_) | Self::RescheduleLimit(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::RateLimited { .. } | Self::TooManyBookings => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy | Self::DatabaseUnreachable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Upstream(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// In English; [`crate::language::localise_errors`] renders it again in the reader's.
    fn error_response(&self) -> HttpResponse {
        self.response_in(Language::En)
    }
}

impl ApiError {
    /// The response, its message in `language`.
    pub fn response_in(&self, language: Language) -> HttpResponse {
        if let Self::Internal(error) = self {
            // The chain goes to the log; the client gets an opaque message.
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let body = ErrorBody {
            error: self.detail(language),
        };
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, Self::Unauthorized | Self::InvalidCredentials) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        match self {
            Self::RateLimited { retry_after, .. } => {
                response.insert_header(("Retry-After", retry_after.to_string()));
            }
            // The limit counts the last hour; a booking leaves it within it.
            Self::TooManyBookings => {
                response.insert_header(("Retry-After", "600"));
            }
            Self::Busy | Self::DatabaseUnreachable => {
                response.insert_header(("Retry-After", "5"));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header(("Allow", allow.join(", ")));
            }
            _ => {}
        }
        response.json(body)
    }
}

/// Renders malformed JSON bodies, query strings and paths in the contract's shape.
pub fn json_error(
    error: actix_web::error::JsonPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid JSON body: {error}")).into()
}

pub fn query_error(
    error: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid query string: {error}")).into()
}

pub fn path_error(_: actix_web::error::PathError, _: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::NotFound("resource").into()
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A limit reached, to be tried again after `wait` (whole seconds, at least one).
    pub fn limited(message: impl Into<String>, wait: chrono::Duration) -> Self {
        let seconds = wait.num_seconds() + i64::from(wait.subsec_nanos() > 0);
        Self::RateLimited {
            message: message.into(),
            retry_after: u64::try_from(seconds.max(1)).unwrap_or(1),
        }
    }
}
