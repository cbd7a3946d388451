//! Writing queued notices with the server's links, and the URLs customers follow.

use chrono::{DateTime, Utc};
use mm_domain::notification::{MessageKind, Outgoing, Recipient};
use mm_i18n::Language;
use mm_notify::email::{Context, Links};
use mm_store::PendingNotice;
use uuid::Uuid;

use crate::{AppState, links::LinkKeys};

/// The customer's three URLs for a booking.
#[derive(Debug, Clone)]
pub struct CustomerUrls {
    pub cancel: String,
    pub reschedule: String,
    pub ics: String,
}

/// `subject` is what the links are made from ([`mm_domain::booking::Booking::link_subject`]).
pub fn customer_urls(state: &AppState, subject: Uuid) -> CustomerUrls {
    state.notices.customer_urls(subject)
}

/// Writes queued notices' text with the server's links: the customer's working self-service
/// links, the public site and the domain of calendar `UID`s.
#[derive(Clone)]
pub struct Writer {
    links: LinkKeys,
    public_base_url: String,
    uid_domain: String,
    default_language: Language,
}

impl Writer {
    pub fn new(
        links: LinkKeys,
        public_base_url: &str,
        uid_domain: &str,
        default_language: Language,
    ) -> Self {
        Self {
            links,
            public_base_url: public_base_url.to_owned(),
            uid_domain: uid_domain.to_owned(),
            default_language,
        }
    }

    fn customer_urls(&self, subject: Uuid) -> CustomerUrls {
        let tokens = self.links.tokens(subject);
        let base = &self.public_base_url;
        CustomerUrls {
            cancel: format!("{base}/book/cancel/{}", tokens.cancel),
            reschedule: format!("{base}/book/reschedule/{}", tokens.reschedule),
            ics: format!(
                "{base}/api/v1/public/bookings/{}/booking.ics",
                tokens.reschedule
            ),
        }
    }

    /// The message of `pending`, written from the booking as it is now, with the customer's
    /// links while they still work; `None` when its recipient has no address on its channel any
    /// more.
    pub fn write(&self, pending: &PendingNotice, now: DateTime<Utc>) -> Option<Outgoing> {
        let booking = &pending.booking;
        let message = pending.message();
        let mut links = if booking.status.holds_time() && booking.links_expire_utc.is_some() {
            let urls = self.customer_urls(booking.link_subject());
            Links {
                cancel_url: booking.cancel_link_live.then_some(urls.cancel),
                reschedule_url: (booking.customer_reschedules_left() > 0)
                    .then_some(urls.reschedule),
                answer_url: None,
            }
        } else {
            Links::none()
        };
        // An invited colleague answers through their own link; the hosts are assigned.
        if let (MessageKind::InternalInvitation, Recipient::Staff(person)) =
            (message.kind, message.to)
            && !booking.hosts().contains(&person.id)
        {
            links.answer_url = Some(format!(
                "{}/book/invitation/{}",
                self.public_base_url,
                self.links.invitation_token(booking.id, person.id)
            ));
        }
        let context = Context {
            links,
            public_base_url: &self.public_base_url,
            uid_domain: &self.uid_domain,
            now,
            default_language: self.default_language,
        };
        mm_notify::write(&pending.facts(), &context, message)
    }
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
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
