//! The staff API client. Only signing in makes one, so no page can call a protected endpoint
//! without a token; the token lives in the browser's local storage until it expires or the
//! person signs out.

use chrono::{DateTime, NaiveDate, Utc};
use gloo_net::http::Request;
use mm_api_types::{
    Page, SeriesScope,
    analytics::Summary,
    availability::{AvailabilityRule, CreateAvailabilityRule, UpdateAvailabilityRule},
    bookings::{
        Booking, BookingMessage, BookingUpdate, BulkCancelRequest, BulkCancelResult, CancelRequest,
        CheckMoveRequest, CheckMoveResult, InternalMeetingRequest, InvitationAnswer,
        ReassignRequest, RejectRequest, RescheduleRequest, StaffBookingRequest,
    },
    calendar::{CalendarFeed, CalendarResource, CommonAvailability},
    customers::{CustomerExport, EraseRequest, Erasure},
    departments::{CreateDepartment, Department, EmbeddingSettings, UpdateDepartment},
    error::ErrorBody,
    integrations::{
        CalendarIntegration, CalendarIntegrationChanges, CalendarProviders, NewCalendarIntegration,
        OAuthStart, SyncResult,
    },
    meeting_types::{CreateMeetingType, MeetingType, UpdateMeetingType},
    outbox::OutboxEmail,
    users::{CreateUser, LoginRequest, LoginResponse, Me, UpdateUser, User, WorkingHours},
    webhooks::{Webhook, WebhookDelivery, WebhookRequest, WebhookUpdate},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

use crate::api::{ApiError, ApiResult, BASE, read};

const SESSION: &str = "mm.staff.session";

/// A signed-in person's token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffClient {
    token: String,
    /// Milliseconds since the epoch, as the browser counts.
    expires_at_ms: f64,
}

impl StaffClient {
    /// Signs in; the client is kept for the next visit.
    pub async fn login(email: &str, password: &str) -> ApiResult<(Self, Me)> {
        let body = LoginRequest {
            email: email.trim().to_owned(),
            password: password.to_owned(),
        };
        let request = Request::post(&format!("{BASE}/auth/login"))
            .json(&body)
            .map_err(|_| ApiError::Unreadable)?;
        let answer: LoginResponse = read(request.send().await).await?;
        let client = Self {
            token: answer.access_token,
            expires_at_ms: js_sys::Date::now() + answer.expires_in as f64 * 1000.0,
        };
        let me = client.me().await?;
        client.keep();
        Ok((client, me))
    }

    /// The client kept from an earlier sign-in, unless its token has expired.
    pub fn restore() -> Option<Self> {
        let kept: Self = serde_json::from_str(&local()?.get_item(SESSION).ok()??).ok()?;
        (kept.expires_at_ms > js_sys::Date::now()).then_some(kept)
    }

    fn keep(&self) {
        if let (Some(storage), Ok(text)) = (local(), serde_json::to_string(self)) {
            let _ = storage.set_item(SESSION, &text);
        }
    }

    /// Signs out: the server ends the session (the token stops working everywhere), then this
    /// browser forgets it.
    pub async fn sign_out(&self) {
        // Whatever the server says, the browser forgets the token.
        let _ = Request::post(&format!("{BASE}/auth/logout"))
            .header("Authorization", &self.bearer())
            .send()
            .await;
        Self::forget();
    }

    /// Forgets the session in this browser.
    pub fn forget() {
        if let Some(storage) = local() {
            let _ = storage.remove_item(SESSION);
        }
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> ApiResult<T> {
        let request = Request::get(&format!("{BASE}{path}"))
            .header("Authorization", &self.bearer())
            .query(query.iter().copied());
        read(request.send().await).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> ApiResult<T> {
        let request = Request::post(&format!("{BASE}{path}"))
            .header("Authorization", &self.bearer())
            .json(body)
            .map_err(|_| ApiError::Unreadable)?;
        read(request.send().await).await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: gloo_net::http::Method,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let request = gloo_net::http::RequestBuilder::new(&format!("{BASE}{path}"))
            .method(method)
            .header("Authorization", &self.bearer())
            .json(body)
            .map_err(|_| ApiError::Unreadable)?;
        read(request.send().await).await
    }

    /// A `DELETE`, which answers `204 No Content`.
    async fn delete(&self, path: &str) -> ApiResult<()> {
        let response = Request::delete(&format!("{BASE}{path}"))
            .header("Authorization", &self.bearer())
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        if response.ok() {
            return Ok(());
        }
        let status = response.status();
        let body = response
            .json::<ErrorBody>()
            .await
            .map_err(|_| ApiError::Unreadable)?;
        Err(ApiError::Refused { status, body })
    }

    /// A booking action that takes no body (`approve`, `complete`, `no-show`).
    async fn act(&self, id: Uuid, action: &str) -> ApiResult<Booking> {
        self.post(&format!("/bookings/{id}/{action}"), &serde_json::json!({}))
            .await
    }

    pub async fn me(&self) -> ApiResult<Me> {
        self.get("/auth/me", &[]).await
    }

    /// The websites that may embed the booking pages.
    pub async fn embedding(&self) -> ApiResult<EmbeddingSettings> {
        self.get("/embedding", &[]).await
    }

    pub async fn departments(&self) -> ApiResult<Vec<Department>> {
        let page: Page<Department> = self.get("/departments", &[]).await?;
        Ok(page.items)
    }

    /// The accounts (the first 200, by name; System Managers and Department Leaders may list them).
    pub async fn users(&self) -> ApiResult<Vec<User>> {
        let page: Page<User> = self.get("/users", &[("per_page", "200")]).await?;
        Ok(page.items)
    }

    pub async fn create_user(&self, user: &CreateUser) -> ApiResult<User> {
        self.post("/users", user).await
    }

    pub async fn update_user(&self, id: Uuid, change: &UpdateUser) -> ApiResult<User> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/users/{id}"),
            change,
        )
        .await
    }

    pub async fn department(&self, id: Uuid) -> ApiResult<Department> {
        self.get(&format!("/departments/{id}"), &[]).await
    }

    pub async fn create_department(&self, department: &CreateDepartment) -> ApiResult<Department> {
        self.post("/departments", department).await
    }

    /// One `PATCH`: the fields and the member list change together or not at all.
    pub async fn update_department(
        &self,
        id: Uuid,
        change: &UpdateDepartment,
    ) -> ApiResult<Department> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/departments/{id}"),
            change,
        )
        .await
    }

    /// `GET /analytics/summary` for one department or everything the person may see.
    pub async fn summary(&self, department_id: Option<Uuid>) -> ApiResult<Summary> {
        let department_id = department_id.map(|id| id.to_string());
        let query: Vec<(&str, &str)> = department_id
            .as_deref()
            .map(|id| ("department_id", id))
            .into_iter()
            .collect();
        self.get("/analytics/summary", &query).await
    }

    pub async fn working_hours(&self, user_id: Uuid) -> ApiResult<WorkingHours> {
        self.get(&format!("/users/{user_id}/working-hours"), &[])
            .await
    }

    pub async fn set_working_hours(
        &self,
        user_id: Uuid,
        hours: &WorkingHours,
    ) -> ApiResult<WorkingHours> {
        self.send(
            gloo_net::http::Method::PUT,
            &format!("/users/{user_id}/working-hours"),
            hours,
        )
        .await
    }

    pub async fn availability_rules(&self, user_id: Uuid) -> ApiResult<Vec<AvailabilityRule>> {
        let page: Page<AvailabilityRule> = self
            .get(&format!("/users/{user_id}/availability-rules"), &[])
            .await?;
        Ok(page.items)
    }

    pub async fn create_rule(
        &self,
        user_id: Uuid,
        rule: &CreateAvailabilityRule,
    ) -> ApiResult<AvailabilityRule> {
        self.post(&format!("/users/{user_id}/availability-rules"), rule)
            .await
    }

    pub async fn update_rule(
        &self,
        rule_id: Uuid,
        rule: &UpdateAvailabilityRule,
    ) -> ApiResult<AvailabilityRule> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/availability-rules/{rule_id}"),
            rule,
        )
        .await
    }

    /// `GET /users/{id}/calendar-integrations`: a person's connected calendars.
    pub async fn calendar_integrations(
        &self,
        user_id: Uuid,
    ) -> ApiResult<Vec<CalendarIntegration>> {
        let page: Page<CalendarIntegration> = self
            .get(&format!("/users/{user_id}/calendar-integrations"), &[])
            .await?;
        Ok(page.items)
    }

    pub async fn connect_calendar(
        &self,
        user_id: Uuid,
        new: &NewCalendarIntegration,
    ) -> ApiResult<CalendarIntegration> {
        self.post(&format!("/users/{user_id}/calendar-integrations"), new)
            .await
    }

    /// `GET /oauth/providers`: which providers this server can connect.
    pub async fn calendar_providers(&self) -> ApiResult<CalendarProviders> {
        self.get("/oauth/providers", &[]).await
    }

    /// Where to send the person to consent to connecting their `provider` calendar. Asked for as
    /// JSON: the token travels in a header, which a plain navigation could not carry.
    pub async fn oauth_start(&self, provider: &str) -> ApiResult<OAuthStart> {
        let request = Request::get(&format!("{BASE}/oauth/{provider}/start"))
            .header("Authorization", &self.bearer())
            .header("Accept", "application/json");
        read(request.send().await).await
    }

    pub async fn sync_calendar(&self, id: Uuid) -> ApiResult<SyncResult> {
        self.post(
            &format!("/calendar-integrations/{id}/sync"),
            &serde_json::json!({}),
        )
        .await
    }

    /// `PATCH /calendar-integrations/{id}`: its name, or whether bookings are written to it.
    pub async fn change_calendar(
        &self,
        id: Uuid,
        changes: &CalendarIntegrationChanges,
    ) -> ApiResult<CalendarIntegration> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/calendar-integrations/{id}"),
            changes,
        )
        .await
    }

    pub async fn disconnect_calendar(&self, id: Uuid) -> ApiResult<()> {
        self.delete(&format!("/calendar-integrations/{id}")).await
    }

    pub async fn outbox(&self, page: u64, per_page: u64, to: &str) -> ApiResult<Page<OutboxEmail>> {
        let (page, per_page) = (page.to_string(), per_page.to_string());
        let mut query = vec![("page", page.as_str()), ("per_page", per_page.as_str())];
        if !to.trim().is_empty() {
            query.push(("to", to.trim()));
        }
        self.get("/outbox", &query).await
    }

    /// `GET /calendar` for a window, one department or all the person may see.
    pub async fn calendar(
        &self,
        from_utc: &str,
        to_utc: &str,
        department_id: Option<Uuid>,
    ) -> ApiResult<CalendarFeed> {
        let department_id = department_id.map(|id| id.to_string());
        let mut query = vec![("from", from_utc), ("to", to_utc)];
        query.extend(department_id.as_deref().map(|id| ("department_id", id)));
        self.get("/calendar", &query).await
    }

    /// The staff the person may see (the calendar's columns), with names and departments.
    pub async fn people(&self) -> ApiResult<Vec<CalendarResource>> {
        let now = js_sys::Date::now();
        let feed = self
            .calendar(
                &crate::zone::rfc3339(now),
                &crate::zone::rfc3339(now + 60_000.0),
                None,
            )
            .await?;
        Ok(feed.resources)
    }

    /// Every meeting type of the departments this person may see.
    pub async fn all_meeting_types(&self) -> ApiResult<Vec<MeetingType>> {
        let page: Page<MeetingType> = self.get("/meeting-types", &[]).await?;
        Ok(page.items)
    }

    pub async fn meeting_types(&self, department_id: Uuid) -> ApiResult<Vec<MeetingType>> {
        let page: Page<MeetingType> = self
            .get(&format!("/departments/{department_id}/meeting-types"), &[])
            .await?;
        Ok(page.items)
    }

    /// Times on `date` (a day of `zone`) at which all of `people` are free for a meeting of
    /// `duration` minutes, or of the internal meeting type's length and buffers.
    pub async fn common_availability(
        &self,
        people: &[Uuid],
        date: NaiveDate,
        duration: Option<u32>,
        internal_type: Option<Uuid>,
        zone: &str,
    ) -> ApiResult<CommonAvailability> {
        let ids = people
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let (date, minutes) = (date.to_string(), duration.map(|d| d.to_string()));
        let internal_type = internal_type.map(|t| t.to_string());
        let mut query = vec![
            ("user_ids", ids.as_str()),
            ("date", date.as_str()),
            ("timezone", zone),
        ];
        query.extend(minutes.as_deref().map(|m| ("duration", m)));
        query.extend(internal_type.as_deref().map(|t| ("meeting_type_id", t)));
        self.get("/scheduling/common-availability", &query).await
    }

    /// `POST /bookings`: a customer meeting hosted by a named member.
    pub async fn create_booking(&self, request: &StaffBookingRequest) -> ApiResult<Booking> {
        self.post("/bookings", request).await
    }

    /// `POST /bookings/internal`.
    pub async fn create_internal(&self, request: &InternalMeetingRequest) -> ApiResult<Booking> {
        self.post("/bookings/internal", request).await
    }

    pub async fn meeting_type(&self, id: Uuid) -> ApiResult<MeetingType> {
        self.get(&format!("/meeting-types/{id}"), &[]).await
    }

    pub async fn create_meeting_type(
        &self,
        department_id: Uuid,
        meeting_type: &CreateMeetingType,
    ) -> ApiResult<MeetingType> {
        self.post(
            &format!("/departments/{department_id}/meeting-types"),
            meeting_type,
        )
        .await
    }

    pub async fn update_meeting_type(
        &self,
        id: Uuid,
        change: &UpdateMeetingType,
    ) -> ApiResult<MeetingType> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/meeting-types/{id}"),
            change,
        )
        .await
    }

    pub async fn booking(&self, id: Uuid) -> ApiResult<Booking> {
        self.get(&format!("/bookings/{id}"), &[]).await
    }

    /// `PATCH /bookings/{id}`: the fields that changed.
    pub async fn update_booking(&self, id: Uuid, update: &BookingUpdate) -> ApiResult<Booking> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/bookings/{id}"),
            update,
        )
        .await
    }

    /// The signed-in participant's answer to an internal meeting's invitation.
    pub async fn answer_invitation(&self, id: Uuid, response: &str) -> ApiResult<Booking> {
        let body = InvitationAnswer {
            response: response.to_owned(),
        };
        self.post(&format!("/bookings/{id}/rsvp"), &body).await
    }

    /// Queues a message that failed for good once more.
    pub async fn retry_message(&self, id: Uuid) -> ApiResult<OutboxEmail> {
        self.post(&format!("/outbox/{id}/retry"), &serde_json::json!({}))
            .await
    }

    /// The signed-in person's API keys.
    pub async fn api_keys(&self) -> ApiResult<Vec<mm_api_types::api_keys::ApiKey>> {
        self.get("/api-keys", &[]).await
    }

    /// Makes an API key; the answer holds the key, this once.
    pub async fn create_api_key(
        &self,
        request: &mm_api_types::api_keys::ApiKeyRequest,
    ) -> ApiResult<mm_api_types::api_keys::ApiKey> {
        self.post("/api-keys", request).await
    }

    pub async fn revoke_api_key(&self, id: Uuid) -> ApiResult<()> {
        self.delete(&format!("/api-keys/{id}")).await
    }

    /// The webhook subscriptions the signed-in person manages.
    pub async fn webhooks(&self) -> ApiResult<Vec<Webhook>> {
        self.get("/webhooks", &[]).await
    }

    /// Subscribes; the answer holds the signing secret, this once.
    pub async fn create_webhook(&self, request: &WebhookRequest) -> ApiResult<Webhook> {
        self.post("/webhooks", request).await
    }

    pub async fn update_webhook(&self, id: Uuid, update: &WebhookUpdate) -> ApiResult<Webhook> {
        self.send(
            gloo_net::http::Method::PATCH,
            &format!("/webhooks/{id}"),
            update,
        )
        .await
    }

    pub async fn delete_webhook(&self, id: Uuid) -> ApiResult<()> {
        self.delete(&format!("/webhooks/{id}")).await
    }

    /// A subscription's latest deliveries, newest first.
    pub async fn webhook_deliveries(&self, id: Uuid) -> ApiResult<Page<WebhookDelivery>> {
        self.get(&format!("/webhooks/{id}/deliveries"), &[("per_page", "50")])
            .await
    }

    /// Sends a delivery again, as it was.
    pub async fn retry_webhook_delivery(
        &self,
        id: Uuid,
        delivery: Uuid,
    ) -> ApiResult<WebhookDelivery> {
        self.post(
            &format!("/webhooks/{id}/deliveries/{delivery}/retry"),
            &serde_json::json!({}),
        )
        .await
    }

    /// Queues a `webhook.test` delivery.
    pub async fn test_webhook(&self, id: Uuid) -> ApiResult<WebhookDelivery> {
        self.post(&format!("/webhooks/{id}/test"), &serde_json::json!({}))
            .await
    }

    /// `DELETE /bookings/{id}` (System Managers).
    pub async fn delete_booking(&self, id: Uuid) -> ApiResult<()> {
        self.delete(&format!("/bookings/{id}")).await
    }

    /// Everything held about a customer's address (System Managers).
    pub async fn export_customer(&self, email: &str) -> ApiResult<CustomerExport> {
        self.get("/customers/export", &[("email", email)]).await
    }

    /// Erases a customer from every booking (System Managers).
    pub async fn erase_customer(&self, email: &str) -> ApiResult<Erasure> {
        let body = EraseRequest {
            email: email.to_owned(),
        };
        self.post("/customers/erase", &body).await
    }

    /// The emails and text messages queued about a booking, oldest first.
    pub async fn booking_messages(&self, id: Uuid) -> ApiResult<Vec<BookingMessage>> {
        self.get(&format!("/bookings/{id}/messages"), &[]).await
    }

    /// `GET /bookings` with the list's filters as query pairs.
    pub async fn bookings(&self, filters: &[(String, String)]) -> ApiResult<Page<Booking>> {
        let query: Vec<(&str, &str)> = filters
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.get("/bookings", &query).await
    }

    /// `GET /bookings/export.csv` with the same filters: the file's text.
    pub async fn export_csv(&self, filters: &[(String, String)]) -> ApiResult<String> {
        let request = Request::get(&format!("{BASE}/bookings/export.csv"))
            .header("Authorization", &self.bearer())
            .query(filters.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if response.ok() {
            response.text().await.map_err(|_| ApiError::Unreadable)
        } else {
            read::<String>(Ok(response)).await
        }
    }

    /// Whether `assigned_to` could host the booking from `start_utc`, changing nothing.
    pub async fn check_move(
        &self,
        id: Uuid,
        assigned_to: Uuid,
        start_utc: DateTime<Utc>,
    ) -> ApiResult<CheckMoveResult> {
        let body = CheckMoveRequest {
            assigned_to: assigned_to.to_string(),
            start_utc: crate::zone::wire(start_utc),
        };
        self.post(&format!("/bookings/{id}/check-move"), &body)
            .await
    }

    pub async fn reassign(
        &self,
        id: Uuid,
        assigned_to: Uuid,
        reason: Option<String>,
        scope: Option<SeriesScope>,
    ) -> ApiResult<Booking> {
        let body = ReassignRequest {
            assigned_to: assigned_to.to_string(),
            reason,
            scope: scope.map(|s| s.as_str().to_owned()),
        };
        self.post(&format!("/bookings/{id}/reassign"), &body).await
    }

    pub async fn reschedule(
        &self,
        id: Uuid,
        start_utc: DateTime<Utc>,
        assigned_to: Option<Uuid>,
        scope: Option<SeriesScope>,
    ) -> ApiResult<Booking> {
        let body = RescheduleRequest {
            start_utc: crate::zone::wire(start_utc),
            assigned_to: assigned_to.map(|a| a.to_string()),
            reason: None,
            scope: scope.map(|s| s.as_str().to_owned()),
        };
        self.post(&format!("/bookings/{id}/reschedule"), &body)
            .await
    }

    /// Cancels booking `id`; for a meeting of a series, `scope` (`this`, `following`,
    /// `series`) says which of its meetings.
    pub async fn cancel(
        &self,
        id: Uuid,
        reason: Option<String>,
        scope: Option<SeriesScope>,
    ) -> ApiResult<Booking> {
        let body = CancelRequest {
            reason,
            notes: None,
            scope: scope.map(|s| s.as_str().to_owned()),
        };
        self.post(&format!("/bookings/{id}/cancel"), &body).await
    }

    pub async fn bulk_cancel(
        &self,
        ids: &[Uuid],
        reason: Option<String>,
    ) -> ApiResult<BulkCancelResult> {
        let ids = ids.to_vec();
        self.post("/bookings/bulk-cancel", &BulkCancelRequest { ids, reason })
            .await
    }

    pub async fn approve(&self, id: Uuid) -> ApiResult<Booking> {
        self.act(id, "approve").await
    }

    pub async fn reject(&self, id: Uuid, reason: String) -> ApiResult<Booking> {
        self.post(&format!("/bookings/{id}/reject"), &RejectRequest { reason })
            .await
    }

    pub async fn complete(&self, id: Uuid) -> ApiResult<Booking> {
        self.act(id, "complete").await
    }

    pub async fn no_show(&self, id: Uuid) -> ApiResult<Booking> {
        self.act(id, "no-show").await
    }
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
