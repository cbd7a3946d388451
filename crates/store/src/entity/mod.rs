//! SeaORM entities, one per table of the migrations. Relations are expressed as explicit
//! filters in the repository functions; entities never leave this crate.

pub mod api_keys;
pub mod availability_rules;
pub mod booking_assignment_history;
pub mod booking_history;
pub mod booking_participants;
pub mod booking_reminders_sent;
pub mod booking_series;
pub mod bookings;
pub mod calendar_event_syncs;
pub mod calendar_integrations;
pub mod data_audit;
pub mod date_overrides;
pub mod department_members;
pub mod departments;
pub mod email_outbox;
pub mod funnel_counts;
pub mod idempotency_keys;
pub mod meeting_type_questions;
pub mod meeting_type_reminders;
pub mod meeting_types;
pub mod oauth_states;
pub mod rate_limit_hits;
pub mod staff_sessions;
pub mod user_settings;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_subscriptions;
mod word;

pub use word::Word;
