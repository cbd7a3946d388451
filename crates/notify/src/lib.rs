//! Meeting Manager's notifications: the emails each booking change causes, rendered as text and
//! HTML, RFC 5545 calendar invites and "add to calendar" links for web calendars.
//!
//! Rendering is pure: it takes the facts of a change (read by the store in the change's
//! transaction) and returns emails and text messages for the outbox. Delivery is `smtp` and the
//! SMS sender in `sms`, the only parts that do IO.
//! It must not know HTTP or SQL: the server's worker moves rows from the store to the mailer.

pub mod email;
pub mod ics;
pub mod sms;
pub mod smtp;
pub mod web_calendars;
