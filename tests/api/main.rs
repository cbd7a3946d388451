//! Black-box tests of the API: one binary, one module per area. Every scenario that touches the
//! database runs twice, against a fresh SQLite file and a fresh PostgreSQL database.

mod analytics;
mod api_keys;
mod auth;
mod backup;
mod booking_record;
mod bookings;
mod calendars;
mod co_hosts;
mod crashes;
mod demo;
mod departments;
mod funnel;
mod google;
mod internal;
mod invitations;
mod languages;
mod meeting_types;
mod metrics;
mod no_shows;
mod notifications;
mod outbox;
mod outlook;
mod permissions;
mod privacy;
mod public;
mod security;
mod series;
mod series_calendars;
mod slot_cache;
mod stress;
mod system;
mod users;
mod webhooks;
mod zoom;
