//! Wiring the server's links into the notification renderer, and the URLs customers follow.

use chrono::{DateTime, Utc};
use mm_domain::notification::{BookingFacts, Outgoing};
use mm_notify::email::{Context, Links};
use uuid::Uuid;

use crate::AppState;

/// The customer's three URLs for a booking.
#[derive(Debug, Clone)]
pub struct CustomerUrls {
    pub cancel: String,
    pub reschedule: String,
    pub ics: String,
}

pub fn customer_urls(state: &AppState, booking_id: Uuid) -> CustomerUrls {
    let tokens = state.links.tokens(booking_id);
    let base = &state.public_base_url;
    CustomerUrls {
        cancel: format!("{base}/book/cancel/{}", tokens.cancel),
        reschedule: format!("{base}/book/reschedule/{}", tokens.reschedule),
        ics: format!(
            "{base}/api/v1/public/bookings/{}/booking.ics",
            tokens.reschedule
        ),
    }
}

/// Renders a change's emails and text messages with the booking's working links.
pub fn renderer(
    state: &AppState,
    now: DateTime<Utc>,
) -> impl Fn(&BookingFacts<'_>) -> Vec<Outgoing> + Send + Sync + '_ {
    move |facts| {
        let booking = facts.booking;
        let links = if booking.status.holds_time() && booking.links_expire_utc.is_some() {
            let urls = customer_urls(state, booking.id);
            Links {
                cancel_url: booking.cancel_link_live.then_some(urls.cancel),
                reschedule_url: (booking.customer_reschedules_left() > 0)
                    .then_some(urls.reschedule),
            }
        } else {
            Links::none()
        };
        let context = Context {
            links,
            public_base_url: &state.public_base_url,
            uid_domain: &state.uid_domain,
            now,
        };
        let emails = mm_notify::email::render(facts, &context)
            .into_iter()
            .map(Outgoing::Email);
        let texts = mm_notify::sms::render(facts, &context)
            .into_iter()
            .map(Outgoing::Sms);
        emails.chain(texts).collect()
    }
}

/// The host part of a base URL, for calendar `UID`s: `https://book.example.com:8443/x` →
/// `book.example.com`.
pub fn uid_domain(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split('/').next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map_or(host, |h| h.trim_start_matches('['))
    } else {
        host.split(':').next().unwrap_or(host)
    };
    if host.is_empty() {
        "meeting-manager.invalid".to_owned()
    } else {
        host.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uid_domain_is_the_host_of_the_public_url() {
        assert_eq!(
            uid_domain("https://book.example.com:8443/x"),
            "book.example.com"
        );
        assert_eq!(uid_domain("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(uid_domain("http://[::1]:8080"), "::1");
    }
}
