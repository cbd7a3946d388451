//! Meeting Manager's notifications: the emails each booking change causes, rendered as text and
//! HTML, and RFC 5545 calendar invites.
//!
//! Rendering is pure: it takes the facts of a change (read by the store in the change's
//! transaction) and returns emails for the outbox. It must not know HTTP, SQL or how mail is
//! delivered.

pub mod email;
pub mod ics;
