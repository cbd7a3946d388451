//! The span each request is logged in. Paths of customers' links carry the link's secret token,
//! and the OAuth callback's query carries an authorization code: logs are read by more people
//! than may cancel other people's meetings, so they get the path with tokens redacted and no
//! query string (which also keeps the booking list's searches for customers' names out of them).

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

/// Paths whose next segment is a secret.
const SECRET_BEFORE: &[&str] = &[
    "/api/v1/public/bookings/",
    "/book/cancel/",
    "/book/reschedule/",
    "/embed/cancel/",
    "/embed/reschedule/",
];

/// A path as it may be logged: the secret segment of a customer link replaced.
pub fn loggable_path(path: &str) -> String {
    for prefix in SECRET_BEFORE {
        if let Some(rest) = path.strip_prefix(prefix) {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}[redacted]{after}");
        }
    }
    path.to_owned()
}

#[derive(Debug)]
pub struct RedactedSpans;

impl RootSpanBuilder for RedactedSpans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %loggable_path(request.path()),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            user_id = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        // One line per request, in the request's span: the access log.
        span.in_scope(|| tracing::info!(status = status.as_u16(), "answered"));
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_link_tokens_never_reach_the_log() {
        let token = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
        for (path, logged) in [
            (
                format!("/api/v1/public/bookings/{token}"),
                "/api/v1/public/bookings/[redacted]",
            ),
            (
                format!("/api/v1/public/bookings/{token}/cancel"),
                "/api/v1/public/bookings/[redacted]/cancel",
            ),
            (
                format!("/api/v1/public/bookings/{token}/booking.ics"),
                "/api/v1/public/bookings/[redacted]/booking.ics",
            ),
            (
                format!("/book/reschedule/{token}"),
                "/book/reschedule/[redacted]",
            ),
            (format!("/embed/cancel/{token}"), "/embed/cancel/[redacted]"),
        ] {
            assert_eq!(loggable_path(&path), logged);
        }
        assert_eq!(loggable_path("/api/v1/bookings"), "/api/v1/bookings");
    }
}
