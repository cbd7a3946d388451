//! The typed client of the public booking API: one function per endpoint, the server's own wire
//! types in and out, and one error type for everything that can go wrong on the way.

use std::collections::BTreeMap;

use gloo_net::http::{Request, Response};
use mm_api_types::{
    ErrorCode,
    bookings::{
        Invitation, InvitationAnswer, PublicBooking, PublicBookingRequest, PublicCancel,
        PublicReschedule, SeriesMeetingConflict,
    },
    error::ErrorBody,
    public::{AvailableDates, DaySlots, FunnelReport, PublicDepartment, PublicMeetingType},
};
use mm_domain::recurrence::Recurrence;
use serde::{Serialize, de::DeserializeOwned};

pub(crate) const BASE: &str = "/api/v1";

/// Why a call did not give the answer the page asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("We could not reach the server. Check your connection and try again.")]
    Network,
    /// The server answered with the contract's error shape.
    #[error("{}", .body.error.message)]
    Refused { status: u16, body: ErrorBody },
    #[error("The server sent an answer this page does not understand.")]
    Unreadable,
}

impl ApiError {
    /// The token is missing, expired or revoked: the person must sign in again.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Refused { status: 401, .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Refused { status: 404, .. })
    }

    /// The contract's error code.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Refused { body, .. } => Some(body.error.code),
            _ => None,
        }
    }

    /// The meetings of a series a `slot_unavailable` names as not fitting (none for any other
    /// error).
    pub fn series_misfits(&self) -> Vec<SeriesMeetingConflict> {
        match self {
            Self::Refused { body, .. } if body.error.code == ErrorCode::SlotUnavailable => body
                .error
                .details
                .as_ref()
                .and_then(|d| d.get("meetings"))
                .and_then(|m| serde_json::from_value(m.clone()).ok())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The fields a validation error names, with the server's message for each.
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            Self::Refused { body, .. } => body.fields(),
            _ => BTreeMap::new(),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// An answer as `T`, or the contract's error.
pub(crate) async fn read<T: DeserializeOwned>(
    response: Result<Response, gloo_net::Error>,
) -> ApiResult<T> {
    let response = response.map_err(|_| ApiError::Network)?;
    if response.ok() {
        response.json().await.map_err(|_| ApiError::Unreadable)
    } else {
        let status = response.status();
        let body = response
            .json::<ErrorBody>()
            .await
            .map_err(|_| ApiError::Unreadable)?;
        Err(ApiError::Refused { status, body })
    }
}

async fn get<T: DeserializeOwned>(path: &str, query: &[(&str, &str)]) -> ApiResult<T> {
    let request = Request::get(&format!("{BASE}{path}")).query(query.iter().copied());
    read(request.send().await).await
}

async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> ApiResult<T> {
    let mut builder = Request::post(&format!("{BASE}{path}"));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = builder.json(body).map_err(|_| ApiError::Unreadable)?;
    read(request.send().await).await
}

pub async fn departments() -> ApiResult<Vec<PublicDepartment>> {
    get("/public/departments", &[]).await
}

/// One department, or a 404 when no active department has that slug.
pub async fn department(slug: &str) -> ApiResult<PublicDepartment> {
    departments()
        .await?
        .into_iter()
        .find(|d| d.department_slug == slug)
        .ok_or_else(|| not_found("department"))
}

pub async fn meeting_types(department: &str) -> ApiResult<Vec<PublicMeetingType>> {
    get(
        &format!("/public/departments/{department}/meeting-types"),
        &[],
    )
    .await
}

/// A department and one of its public meeting types: what every step after the second shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub department: PublicDepartment,
    pub meeting_type: PublicMeetingType,
}

pub async fn choice(department: &str, meeting: &str) -> ApiResult<Choice> {
    let (found, types) = futures::join!(self::department(department), meeting_types(department));
    let meeting_type = types?
        .into_iter()
        .find(|t| t.meeting_slug == meeting)
        .ok_or_else(|| not_found("meeting type"))?;
    Ok(Choice {
        department: found?,
        meeting_type,
    })
}

pub async fn available_dates(
    department: &str,
    meeting: &str,
    month: &str,
    timezone: &str,
) -> ApiResult<AvailableDates> {
    get(
        &format!("/public/departments/{department}/meeting-types/{meeting}/available-dates"),
        &[("month", month), ("timezone", timezone)],
    )
    .await
}

/// A day's free times; for a `repeat`, those at which one member is free for every meeting.
pub async fn slots(
    department: &str,
    meeting: &str,
    date: &str,
    timezone: &str,
    repeat: Option<Recurrence>,
) -> ApiResult<DaySlots> {
    let repeat = repeat.map(|r| (r.frequency().to_string(), r.count().to_string()));
    let mut query = vec![("date", date), ("timezone", timezone)];
    if let Some((frequency, count)) = &repeat {
        query.extend([("frequency", frequency.as_str()), ("count", count.as_str())]);
    }
    get(
        &format!("/public/departments/{department}/meeting-types/{meeting}/slots"),
        &query,
    )
    .await
}

/// Books a slot. Repeating a call with the same `idempotency_key` and request returns the first
/// booking, so a retry after a lost answer never books twice.
pub async fn create_booking(
    request: &PublicBookingRequest,
    idempotency_key: &str,
) -> ApiResult<PublicBooking> {
    post(
        "/public/bookings",
        request,
        &[("Idempotency-Key", idempotency_key)],
    )
    .await
}

/// Reports the wizard steps a visit reached. The answer changes nothing for the visitor, so it
/// is not read.
pub async fn report_funnel(report: FunnelReport) {
    if let Ok(request) = Request::post(&format!("{BASE}/public/funnel")).json(&report) {
        let _ = request.send().await;
    }
}

/// The booking a cancel or reschedule token names.
pub async fn booking(token: &str) -> ApiResult<PublicBooking> {
    get(&format!("/public/bookings/{token}"), &[]).await
}

/// Cancels through the link: its meeting, or for a series the meetings `request` picks.
pub async fn cancel(token: &str, request: &PublicCancel) -> ApiResult<PublicBooking> {
    post(&format!("/public/bookings/{token}/cancel"), request, &[]).await
}

/// Moves through the link: its meeting, or for a series the meetings `request` picks.
pub async fn reschedule(token: &str, request: &PublicReschedule) -> ApiResult<PublicBooking> {
    post(
        &format!("/public/bookings/{token}/reschedule"),
        request,
        &[],
    )
    .await
}

/// The internal meeting an invitation link names, with the invited person's answer so far.
pub async fn invitation(token: &str) -> ApiResult<Invitation> {
    get(&format!("/public/invitations/{token}"), &[]).await
}

/// Answers an invitation: `accepted`, `tentative` or `declined`.
pub async fn answer_invitation(token: &str, response: &str) -> ApiResult<Invitation> {
    post(
        &format!("/public/invitations/{token}"),
        &InvitationAnswer {
            response: response.to_owned(),
        },
        &[],
    )
    .await
}

/// The last path segment of a self-service link: its token.
pub fn token_of(url: &str) -> Option<&str> {
    url.rsplit('/').next().filter(|t| !t.is_empty())
}

/// The answer an unknown `what` gets, for addresses the page rejects before asking.
pub fn not_found(what: &str) -> ApiError {
    ApiError::Refused {
        status: 404,
        body: ErrorBody {
            error: mm_api_types::error::ErrorDetail {
                code: ErrorCode::NotFound,
                message: format!("No such {what}."),
                details: None,
            },
        },
    }
}
