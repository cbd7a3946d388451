//! The benchmark data set: one department of 50 members with office hours, four weeks of
//! calendars holding about six bookings and three external busy events per member per working
//! day, generated from a seed so every run measures the same thing.
//!
//! It builds the engine's input directly (for criterion) or writes the same data through the
//! store (for the HTTP benchmark), beside a second department, `crowd`: ten members with empty
//! calendars, where many customers book at once. It is a measuring tool: the server never
//! links it.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};
use mm_domain::{
    Email, Interval, Minutes, Slug, TimeZone,
    availability_rule::RuleLimits,
    booking::BookingStatus,
    department::{AssignmentAlgorithm, Department, Member},
    meeting_type::MeetingType,
    scheduling::{
        BusyStatus, Commitment, EventTime, ExternalEvent, MeetingSpec, MemberCalendar, Schedule,
    },
    user::StaffUser,
    working_hours::WorkingWeek,
};
use mm_store::{
    NewUser, Store,
    fixtures::{FixtureBooking, FixtureEvent},
};
use rand::{SeedableRng, rngs::StdRng, seq::SliceRandom};
use uuid::Uuid;

/// Half-hour cells between 09:00 and 17:00.
const CELLS: u32 = 16;
/// Per member and working day.
pub const BOOKINGS_PER_DAY: usize = 6;
pub const EVENTS_PER_DAY: usize = 3;

/// One member's generated calendar.
#[derive(Debug, Clone)]
pub struct MemberPlan {
    pub user_id: Uuid,
    pub bookings: Vec<Interval>,
    pub busy: Vec<Interval>,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub zone: TimeZone,
    pub first_day: NaiveDate,
    pub days: u32,
    pub members: Vec<MemberPlan>,
}

impl Dataset {
    /// `members` members over `days` days from `first_day`: on each weekday, 9 of the 16
    /// half-hours between 09:00 and 17:00 (local) are taken, 6 by bookings and 3 by busy events.
    pub fn generate(
        zone: TimeZone,
        first_day: NaiveDate,
        members: usize,
        days: u32,
        seed: u64,
    ) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut cells: Vec<u32> = (0..CELLS).collect();
        let members = (0..members)
            .map(|m| {
                let mut plan = MemberPlan {
                    user_id: Uuid::from_u128(0xbe_0000 + m as u128),
                    bookings: Vec::new(),
                    busy: Vec::new(),
                };
                for date in first_day.iter_days().take(days as usize) {
                    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                        continue;
                    }
                    let nine = zone.start_of_day(date) + Duration::hours(9);
                    cells.shuffle(&mut rng);
                    let half_hour = |cell: u32| {
                        Interval::starting_at(
                            nine + Duration::minutes(30 * i64::from(cell)),
                            Minutes::duration(30).unwrap_or(Minutes::ZERO),
                        )
                    };
                    let (booked, busy) =
                        cells[..BOOKINGS_PER_DAY + EVENTS_PER_DAY].split_at(BOOKINGS_PER_DAY);
                    plan.bookings.extend(booked.iter().map(|c| half_hour(*c)));
                    plan.busy.extend(busy.iter().map(|c| half_hour(*c)));
                }
                plan
            })
            .collect();
        Self {
            zone,
            first_day,
            days,
            members,
        }
    }

    /// The 50-member, four-week set the README's figures use.
    pub fn standard(first_day: NaiveDate) -> Self {
        Self::generate(
            TimeZone::parse("Europe/Copenhagen").unwrap_or_default(),
            first_day,
            50,
            28,
            2026,
        )
    }

    /// Monday to Friday, 09:00–17:00.
    pub fn week() -> WorkingWeek {
        WorkingWeek::office_hours()
    }

    /// A 30-minute call on a 30-minute grid.
    pub fn meeting() -> MeetingSpec {
        let thirty = Minutes::duration(30).unwrap_or(Minutes::ZERO);
        MeetingSpec {
            duration: thirty,
            interval: thirty,
            buffer_before: None,
            buffer_after: None,
        }
    }

    pub fn last_day(&self) -> NaiveDate {
        self.first_day + Days::new(u64::from(self.days) - 1)
    }

    /// The engine's input for the first `members` members, as the store would build it.
    pub fn schedule(&self, members: usize) -> Schedule {
        let calendars = self
            .members
            .iter()
            .take(members)
            .map(|plan| {
                let commitments = plan
                    .bookings
                    .iter()
                    .enumerate()
                    .map(|(n, span)| Commitment {
                        booking_id: Uuid::from_u128(n as u128),
                        span: *span,
                        buffer_before: Minutes::ZERO,
                        buffer_after: Minutes::ZERO,
                        status: BookingStatus::Confirmed,
                        hosted: true,
                    })
                    .collect();
                let events: Vec<ExternalEvent> = plan
                    .busy
                    .iter()
                    .map(|span| ExternalEvent {
                        time: EventTime::Timed(*span),
                        status: BusyStatus::Busy,
                    })
                    .collect();
                MemberCalendar::new(
                    plan.user_id,
                    Self::week(),
                    RuleLimits::default(),
                    &[],
                    commitments,
                    &events,
                )
            })
            .collect();
        Schedule::new(self.zone, None, Vec::new(), calendars)
    }

    /// Writes the data set as department `bench` with a public 30-minute meeting type `call`,
    /// and the empty ten-member department `crowd` with the same meeting type.
    pub async fn seed(&self, store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
        let members: Vec<Uuid> = self.members.iter().map(|m| m.user_id).collect();
        let (department, meeting_type) =
            seed_department(store, self.zone, "bench", &members, now).await?;
        let crowd: Vec<Uuid> = (0..10).map(|m| Uuid::from_u128(0xc0_0000 + m)).collect();
        seed_department(store, self.zone, "crowd", &crowd, now).await?;
        let bookings: Vec<FixtureBooking> = self
            .members
            .iter()
            .flat_map(|plan| {
                plan.bookings.iter().map(|span| FixtureBooking {
                    department_id: department.id,
                    meeting_type_id: meeting_type.id,
                    assigned_to: plan.user_id,
                    span: *span,
                    status: BookingStatus::Confirmed,
                })
            })
            .collect();
        let events: Vec<FixtureEvent> = self
            .members
            .iter()
            .flat_map(|plan| {
                plan.busy.iter().map(|span| FixtureEvent {
                    user_id: plan.user_id,
                    span: *span,
                    status: BusyStatus::Busy,
                })
            })
            .collect();
        store.load_fixtures(&bookings, &events, now).await?;
        Ok(())
    }
}

/// Creates the members named `{slug}-member-{n}` (office hours, no sign-in) and their department
/// `slug` with a public 30-minute meeting type `call`, assigned round-robin.
async fn seed_department(
    store: &Store,
    zone: TimeZone,
    slug: &str,
    members: &[Uuid],
    now: DateTime<Utc>,
) -> anyhow::Result<(Department, MeetingType)> {
    for (m, id) in members.iter().enumerate() {
        let user = StaffUser {
            id: *id,
            email: Email::parse(&format!("{slug}-member-{m}@example.com"))?,
            full_name: format!("{slug} member {m}"),
            is_system_manager: false,
            is_active: true,
            timezone: zone,
            bio: None,
            profile_picture_url: None,
            language: None,
        };
        store
            .create_user(
                NewUser {
                    user: &user,
                    // Not a valid hash: benchmark members cannot sign in.
                    password_hash: "!",
                    working_hours: &Dataset::week(),
                },
                now,
            )
            .await?;
    }
    let department = Department {
        id: Uuid::new_v4(),
        name: slug.to_owned(),
        slug: Slug::parse(slug)?,
        description: Some(format!("The benchmark department {slug}")),
        leader: members.first().copied(),
        is_active: true,
        timezone: zone,
        algorithm: AssignmentAlgorithm::RoundRobin,
        notify_leader_on_booking: false,
        notify_admin_on_booking: false,
        max_bookings_per_day: None,
        members: members
            .iter()
            .map(|id| Member {
                user_id: *id,
                is_active: true,
                assignment_priority: 1,
                last_assigned_utc: None,
                total_assignments: 0,
            })
            .collect(),
    };
    store.create_department(&department, now).await?;
    let meeting_type = MeetingType::public_call(
        department.id,
        "Call",
        Slug::parse("call")?,
        Dataset::meeting().duration,
    );
    store.create_meeting_type(&meeting_type, now).await?;
    Ok((department, meeting_type))
}
