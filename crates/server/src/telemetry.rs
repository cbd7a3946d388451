//! What operators watch: counts and durations of requests, bookings, slot tables, outgoing
//! messages, calendar syncs, webhook deliveries and refused sign-ins, written in the Prometheus
//! text format at `GET /metrics` (behind `MM_METRICS_TOKEN`, or on the separate
//! `MM_METRICS_BIND` address).
//!
//! Code anywhere records through the `metrics` facade; this process's one recorder keeps the
//! figures in memory. Every label value comes from a closed set (route patterns, status classes,
//! channels, providers), never from what a client sends, so the number of series stays bounded
//! whatever arrives. The outbox's depth and age are read from the database at each scrape, so
//! every process of a deployment reports the same backlog.

use std::{
    net::{SocketAddr, TcpListener},
    sync::OnceLock,
    time::{Duration, Instant},
};

use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    body::MessageBody,
    dev::{ServerHandle, ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web,
};
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use mm_app::{AppError, AppResult, bookings::Created};
use mm_domain::{
    api_key::ApiKeyToken,
    booking::{Booking, BookingStatus},
};

use crate::{AppState, error::ApiError};

/// Upper bounds of every duration histogram, in seconds: from a cached slot read to a slow
/// calendar provider.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's recorder, installed on first use (tests and benchmarks start several servers
/// in one process; they share it).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // `set_buckets` refuses only an empty list.
        let recorder = PrometheusBuilder::new()
            .set_buckets(SECONDS)
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first: /metrics stays empty");
        }
        describe();
        handle
    })
}

/// The names, units and meanings that `/metrics` lists as `# HELP`.
fn describe() {
    describe_counter!(
        "mm_http_requests_total",
        "HTTP requests answered, by method, route pattern and status class"
    );
    describe_histogram!(
        "mm_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by method, route pattern and status class"
    );
    describe_counter!(
        "mm_rate_limited_requests_total",
        "Requests refused with 429 by a rate limit, by route pattern"
    );
    describe_counter!(
        "mm_sign_ins_failed_total",
        "Sign-ins refused for a wrong email or password, or a disabled account"
    );
    describe_counter!(
        "mm_bookings_created_total",
        "Attempts to create a booking, by channel (public_page, staff, api, internal) and \
         result (confirmed, pending_approval, replayed, unavailable, rate_limited, refused, error)"
    );
    describe_counter!(
        "mm_booking_rechecks_refused_total",
        "Bookings refused by the recheck under the lock although the slot looked free before it"
    );
    describe_counter!(
        "mm_slot_table_reads_total",
        "Slot table reads, by result: hit (served as cached) or miss (waited for a computation)"
    );
    describe_histogram!(
        "mm_slot_table_compute_seconds",
        Unit::Seconds,
        "Time to compute a slot table, by kind: whole, part (a day alone) or splice (the days a \
         change reached)"
    );
    describe_gauge!(
        "mm_outbox_depth",
        "Messages waiting to be sent, by channel (email, sms, webhook)"
    );
    describe_gauge!(
        "mm_outbox_oldest_age_seconds",
        Unit::Seconds,
        "Age of the oldest message waiting to be sent, by channel; 0 when none waits"
    );
    describe_counter!(
        "mm_outbox_attempts_total",
        "Attempts to send an email or text message, by channel and result: sent, retry or refused"
    );
    describe_histogram!(
        "mm_calendar_sync_duration_seconds",
        Unit::Seconds,
        "Time to sync one calendar, by provider (google, outlook, ical)"
    );
    describe_counter!(
        "mm_calendar_sync_errors_total",
        "Calendar syncs that failed, by provider"
    );
    describe_counter!(
        "mm_webhook_deliveries_total",
        "Webhook delivery attempts, by result: delivered, retry, failed (retries spent) or gone (410: subscription disabled)"
    );
}

/// Counts and times every request by its route's pattern (`/api/v1/bookings/{id}`), never its
/// path, so that scanning random URLs adds no series.
pub async fn record_request(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let began = Instant::now();
    let method = method_label(request.method());
    let answered = next.call(request).await;
    let (status, route) = match &answered {
        Ok(response) => (
            response.status(),
            route_label(response.request().match_pattern()),
        ),
        Err(error) => (error.as_response_error().status_code(), "unmatched".into()),
    };
    let class = match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    let labels = [
        ("method", method.to_owned()),
        ("route", route.clone()),
        ("status", class.to_owned()),
    ];
    counter!("mm_http_requests_total", &labels).increment(1);
    histogram!("mm_http_request_duration_seconds", &labels).record(began.elapsed().as_secs_f64());
    if status == actix_web::http::StatusCode::TOO_MANY_REQUESTS {
        counter!("mm_rate_limited_requests_total", "route" => route).increment(1);
    }
    answered
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The matched route's pattern; requests no route matched (the web app's files, unknown paths)
/// share one label.
fn route_label(pattern: Option<String>) -> String {
    pattern.unwrap_or_else(|| "unmatched".to_owned())
}

/// Where a booking was asked for: the `channel` label of `mm_bookings_created_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The public booking page (or anyone calling its API).
    PublicPage,
    /// Staff signed in to the staff app.
    Staff,
    /// An integration with an API key.
    Api,
    /// Internal meetings, from either.
    Internal,
}

impl Channel {
    /// Staff or an API key, as the request's credentials say.
    pub fn of_staff(request: &HttpRequest) -> Self {
        if crate::auth::bearer(request).is_some_and(|token| ApiKeyToken::looks_like(&token)) {
            Self::Api
        } else {
            Self::Staff
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::PublicPage => "public_page",
            Self::Staff => "staff",
            Self::Api => "api",
            Self::Internal => "internal",
        }
    }
}

/// Counts an attempt to create a customer booking by what came of it.
pub fn count_booking(channel: Channel, created: &AppResult<Created>) {
    let result = match created {
        Ok(Created::New(booking)) => status_label(booking),
        Ok(Created::Replayed(_)) => "replayed",
        Err(error) => error_label(error),
    };
    booking_counted(channel, result);
}

/// Counts an attempt to book a series by what came of it: each meeting booked, or the refusal.
pub fn count_series(channel: Channel, created: &AppResult<Vec<Booking>>) {
    match created {
        Ok(meetings) => {
            for meeting in meetings {
                booking_counted(channel, status_label(meeting));
            }
        }
        Err(error) => booking_counted(channel, error_label(error)),
    }
}

/// Counts an attempt to create an internal meeting by what came of it.
pub fn count_internal_meeting(created: &AppResult<Booking>) {
    let result = match created {
        Ok(booking) => status_label(booking),
        Err(error) => error_label(error),
    };
    booking_counted(Channel::Internal, result);
}

fn status_label(booking: &Booking) -> &'static str {
    match booking.status {
        BookingStatus::Pending => "pending_approval",
        _ => "confirmed",
    }
}

fn error_label(error: &AppError) -> &'static str {
    match error {
        AppError::Unavailable(_) => "unavailable",
        AppError::RateLimited => "rate_limited",
        AppError::Store(_) => "error",
        _ => "refused",
    }
}

fn booking_counted(channel: Channel, result: &'static str) {
    counter!("mm_bookings_created_total", "channel" => channel.label(), "result" => result)
        .increment(1);
}

/// Where `/metrics` is served and who may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// On the API's address, to a bearer of `MM_METRICS_TOKEN`.
    Token,
    /// On the `MM_METRICS_BIND` address, which only the operator's network reaches: to anyone
    /// there.
    Open,
}

/// `GET /metrics`: the figures in the Prometheus text format.
pub async fn scrape(
    state: web::Data<AppState>,
    access: web::Data<Access>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if **access == Access::Token {
        let Some(expected) = &state.config.metrics_token else {
            // Not served on this address.
            return Err(ApiError::NotFound("page"));
        };
        let offered = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if !offered.is_some_and(|offered| crate::auth::same_secret(offered, expected.expose())) {
            return Err(ApiError::Unauthorized);
        }
    }
    record_backlog(&state).await;
    let handle = recorder();
    handle.run_upkeep();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(handle.render()))
}

/// Sets the outbox gauges from the database; a database that does not answer leaves them as
/// they were (and `/ready` says so).
async fn record_backlog(state: &AppState) {
    match state.store.outbox_backlog(chrono::Utc::now()).await {
        Ok(backlog) => {
            for channel in backlog {
                gauge!("mm_outbox_depth", "channel" => channel.channel).set(channel.waiting as f64);
                gauge!("mm_outbox_oldest_age_seconds", "channel" => channel.channel)
                    .set(channel.oldest_age.num_milliseconds().max(0) as f64 / 1000.0);
            }
        }
        Err(error) => tracing::warn!(%error, "reading the outbox backlog for /metrics failed"),
    }
}

/// Serves `/metrics` alone, to anyone, on `bind` (the operator's network), beside the API; the
/// address it listens on, and the server's handle to stop it by (it ignores signals itself).
pub fn serve_apart(
    bind: &str,
    state: web::Data<AppState>,
) -> anyhow::Result<(SocketAddr, ServerHandle)> {
    use anyhow::Context as _;
    let listener =
        TcpListener::bind(bind).with_context(|| format!("binding MM_METRICS_BIND {bind}"))?;
    let address = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::Data::new(Access::Open))
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok((address, handle))
}

/// Drains the histograms' buckets now and then, so that memory stays flat when nobody scrapes.
pub async fn keep_up() {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        recorder().run_upkeep();
    }
}
