//! The schema of Meeting Manager as a sequence of sea-orm-migration steps that run unchanged on
//! SQLite and PostgreSQL at server start.
//!
//! Migrations name tables and columns as strings and never import the store's entities, so a
//! change to an entity can never rewrite history. Released migrations are never edited.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_initial_schema;
mod m20261123_000001_reminder_outcome;
mod m20261123_000002_outbox_channel;
mod m20261124_000001_calendar_sync_claim;
mod m20261125_000001_oauth_connections;
mod m20261125_000002_calendar_write_back;
mod m20261125_000003_zoom_meetings;
mod m20261129_000001_security;
mod m20261129_000002_outbox_notices;
mod m20261130_000001_booking_record;
mod m20261130_000002_no_show_follow_up;
mod m20261130_000003_booking_buffers;
mod m20261130_000004_co_hosts;
mod m20261130_000005_api_keys;
mod m20261130_000006_webhooks;
mod m20261201_000001_booking_funnel;
mod m20261201_000002_booking_series;
mod m20261201_000003_meeting_type_series;
mod m20261201_000004_series_links;
mod m20261201_000005_series_calendar_events;
mod m20261202_000001_languages;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial_schema::Migration),
            Box::new(m20261123_000001_reminder_outcome::Migration),
            Box::new(m20261123_000002_outbox_channel::Migration),
            Box::new(m20261124_000001_calendar_sync_claim::Migration),
            Box::new(m20261125_000001_oauth_connections::Migration),
            Box::new(m20261125_000002_calendar_write_back::Migration),
            Box::new(m20261125_000003_zoom_meetings::Migration),
            Box::new(m20261129_000001_security::Migration),
            Box::new(m20261129_000002_outbox_notices::Migration),
            Box::new(m20261130_000001_booking_record::Migration),
            Box::new(m20261130_000002_no_show_follow_up::Migration),
            Box::new(m20261130_000003_booking_buffers::Migration),
            Box::new(m20261130_000004_co_hosts::Migration),
            Box::new(m20261130_000005_api_keys::Migration),
            Box::new(m20261130_000006_webhooks::Migration),
            Box::new(m20261201_000001_booking_funnel::Migration),
            Box::new(m20261201_000002_booking_series::Migration),
            Box::new(m20261201_000003_meeting_type_series::Migration),
            Box::new(m20261201_000004_series_links::Migration),
            Box::new(m20261201_000005_series_calendar_events::Migration),
            Box::new(m20261202_000001_languages::Migration),
        ]
    }
}
