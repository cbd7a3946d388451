//! Meeting Manager's notifications: the emails each booking change causes, rendered as text and
//! HTML, RFC 5545 calendar invites and "add to calendar" links for web calendars.
//!
//! Rendering is pure: it takes the facts of a change (read by the store when the message is
//! sent) and one message of the domain's matrix, and writes its email or text message. Delivery
//! is `smtp` and the SMS sender in `sms`, the only parts that do IO.
//! It must not know HTTP or SQL: the server's worker moves rows from the store to the mailer.

pub mod email;
pub mod ics;
pub mod sms;
pub mod smtp;
pub mod twilio;
pub mod web_calendars;

use mm_domain::notification::{BookingFacts, Message, Outgoing};

/// One message of the matrix ([`mm_domain::notification::messages`]) written for its channel:
/// an email, or a text message for the SMS kinds; `None` when its recipient has no address on
/// that channel.
pub fn write(
    facts: &BookingFacts<'_>,
    context: &email::Context<'_>,
    message: Message<'_>,
) -> Option<Outgoing> {
    if message.kind.is_sms() {
        sms::text(facts, context, message.kind).map(Outgoing::Sms)
    } else {
        email::email(facts, context, message).map(Outgoing::Email)
    }
}
