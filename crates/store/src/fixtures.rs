//! Bulk loading of existing bookings and synced calendar events, for benchmarks and tests that
//! need a realistic calendar before the booking and sync paths exist to create one. Rows are
//! written as those paths will write them; nothing here runs in the server. Also the audit that
//! load and stress tests run afterwards: does anyone hold two meetings at once?

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{AssignmentMethod, BookingSource, BookingStatus, BookingType},
    external_calendar::{IntegrationKind, SyncDirection, SyncStatus},
    meeting_type::LocationType,
    scheduling::BusyStatus,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use crate::{
    Result, Store,
    changes::Change,
    entity::{
        Word, booking_participants, bookings, calendar_event_syncs, calendar_integrations,
        meeting_types,
    },
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
        self.commit(txn, Change::everything()).await
    }

    /// Every pair of time-holding bookings (pending or confirmed) that one person hosts or
    /// attends and that lie closer than their meeting types' buffers allow: what a double
    /// booking is. Read straight from the rows, independently of the scheduling code it audits;
    /// a meeting type without buffers counts as zero (the host's own rule is not consulted).
    pub async fn double_bookings(&self) -> Result<Vec<DoubleBooking>> {
        let buffers: std::collections::BTreeMap<Uuid, (i64, i64)> = meeting_types::Entity::find()
            .select_only()
            .columns([
                meeting_types::Column::Id,
                meeting_types::Column::BufferBefore,
                meeting_types::Column::BufferAfter,
            ])
            .into_tuple::<(Uuid, Option<i32>, Option<i32>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, before, after)| {
                let minutes = |m: Option<i32>| i64::from(m.unwrap_or(0));
                (id, (minutes(before), minutes(after)))
            })
            .collect();
        let held: Vec<HeldRow> = bookings::Entity::find()
            .select_only()
            .columns([
                bookings::Column::Id,
                bookings::Column::AssignedTo,
                bookings::Column::MeetingTypeId,
                bookings::Column::StartUtc,
                bookings::Column::EndUtc,
            ])
            .filter(
                bookings::Column::Status
                    .is_in([Word(BookingStatus::Pending), Word(BookingStatus::Confirmed)]),
            )
            .into_tuple()
            .all(&self.db)
            .await?;
        let guests: Vec<(Uuid, Option<Uuid>)> = booking_participants::Entity::find()
            .select_only()
            .columns([
                booking_participants::Column::BookingId,
                booking_participants::Column::UserId,
            ])
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut attendees: std::collections::BTreeMap<Uuid, Vec<Uuid>> = Default::default();
        for (booking, user) in guests {
            if let Some(user) = user {
                attendees.entry(booking).or_default().push(user);
            }
        }
        // Each person's time-holding bookings, hosted or attended.
        let mut calendars: std::collections::BTreeMap<Uuid, Vec<Held>> = Default::default();
        for (id, host, meeting_type, start, end) in held {
            let (before, after) = buffers.get(&meeting_type).copied().unwrap_or_default();
            let mut people = vec![host];
            for guest in attendees.get(&id).into_iter().flatten() {
                if !people.contains(guest) {
                    people.push(*guest);
                }
            }
            for person in people {
                calendars.entry(person).or_default().push(Held {
                    booking: id,
                    start,
                    end,
                    before,
                    after,
                });
            }
        }
        let mut doubles = Vec::new();
        for (person, mut held) in calendars {
            held.sort_by_key(|h| h.start);
            for (n, first) in held.iter().enumerate() {
                for second in &held[n + 1..] {
                    let gap = chrono::Duration::minutes(first.after.max(second.before));
                    if second.start >= first.end + gap {
                        // Sorted by start, but a long meeting may still reach a later one.
                        continue;
                    }
                    doubles.push(DoubleBooking {
                        person,
                        first: first.booking,
                        second: second.booking,
                    });
                }
            }
        }
        Ok(doubles)
    }
}

/// A time-holding booking's id, host, meeting type, start and end.
type HeldRow = (Uuid, Uuid, Uuid, DateTime<Utc>, DateTime<Utc>);

/// One booking holding a person's time, with its meeting type's buffers in minutes.
struct Held {
    booking: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    before: i64,
    after: i64,
}

/// Two bookings of one person that overlap, buffers included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoubleBooking {
    pub person: Uuid,
    pub first: Uuid,
    pub second: Uuid,
}
