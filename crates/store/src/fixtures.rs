//! Bulk loading of existing bookings and synced calendar events, for benchmarks and tests that
//! need a realistic calendar before the booking and sync paths exist to create one. Rows are
//! written as those paths will write them; nothing here runs in the server.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{AssignmentMethod, BookingSource, BookingStatus, BookingType},
    external_calendar::{IntegrationKind, SyncDirection, SyncStatus},
    meeting_type::LocationType,
    scheduling::BusyStatus,
};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use crate::{
    Result, Store,
    entity::{Word, bookings, calendar_event_syncs, calendar_integrations},
};

/// A customer booking already in a member's calendar.
#[derive(Debug, Clone)]
pub struct FixtureBooking {
    pub department_id: Uuid,
    pub meeting_type_id: Uuid,
    pub assigned_to: Uuid,
    pub span: Interval,
    pub status: BookingStatus,
}

/// A timed event in a member's external calendar.
#[derive(Debug, Clone)]
pub struct FixtureEvent {
    pub user_id: Uuid,
    pub span: Interval,
    pub status: BusyStatus,
}

impl Store {
    /// Inserts bookings, and events under one iCal integration per member, in one transaction.
    pub async fn load_fixtures(
        &self,
        bookings: &[FixtureBooking],
        events: &[FixtureEvent],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        for (n, b) in bookings.iter().enumerate() {
            let minutes = (b.span.length().num_minutes()).clamp(0, i64::from(i32::MAX)) as i32;
            bookings::ActiveModel {
                id: Set(Uuid::new_v4()),
                booking_reference: Set(format!("BK-F{n:07}")),
                booking_type: Set(Word(BookingType::Customer)),
                booking_source: Set(Word(BookingSource::ApiIntegration)),
                status: Set(Word(b.status)),
                department_id: Set(b.department_id),
                meeting_type_id: Set(b.meeting_type_id),
                assigned_to: Set(b.assigned_to),
                assignment_method: Set(Word(AssignmentMethod::RoundRobin)),
                reassignment_count: Set(0),
                start_utc: Set(b.span.start()),
                end_utc: Set(b.span.end()),
                duration: Set(minutes),
                timezone: Set("UTC".into()),
                customer_name: Set(Some(format!("Customer {n}"))),
                customer_email: Set(Some(format!("customer{n}@example.com"))),
                answers: Set(serde_json::json!({})),
                meeting_title: Set("Fixture".into()),
                location_type: Set(Word(LocationType::VideoCall)),
                requires_approval: Set(false),
                ics_sequence: Set(0),
                created_utc: Set(now),
                updated_utc: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        let mut integrations = std::collections::BTreeMap::new();
        for (n, e) in events.iter().enumerate() {
            let integration = match integrations.get(&e.user_id) {
                Some(id) => *id,
                None => {
                    let id = Uuid::new_v4();
                    calendar_integrations::ActiveModel {
                        id: Set(id),
                        user_id: Set(e.user_id),
                        integration_type: Set(Word(IntegrationKind::Ical)),
                        integration_name: Set("Fixture calendar".into()),
                        is_active: Set(true),
                        ical_url: Set(Some("https://calendar.example.com/fixture.ics".into())),
                        sync_direction: Set(Word(SyncDirection::ReadOnly)),
                        sync_status: Set(Word(SyncStatus::Success)),
                        created_utc: Set(now),
                        updated_utc: Set(now),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                    integrations.insert(e.user_id, id);
                    id
                }
            };
            calendar_event_syncs::ActiveModel {
                id: Set(Uuid::new_v4()),
                user_id: Set(e.user_id),
                integration_id: Set(integration),
                external_event_id: Set(format!("fixture-{n}")),
                event_summary: Set(Some("Busy".into())),
                event_start_utc: Set(e.span.start()),
                event_end_utc: Set(e.span.end()),
                event_status: Set(Word(e.status)),
                is_all_day: Set(false),
                last_synced_utc: Set(now),
                sync_hash: Set(format!("{n}")),
            }
            .insert(&txn)
            .await?;
        }
        self.commit(txn).await
    }
}
