//! Series over random departments across DST changes: a member a series' slot offers passes the
//! single-booking rule check at every meeting of the series, and (where no date override changes
//! a day's hours, so every meeting lies on its day's grid) every member who passes it is offered.

use std::collections::HashMap;

use chrono::{Days, Duration};
use proptest::prelude::*;

use super::{
    properties::{time, working_day, working_week},
    *,
};
use crate::recurrence::{Frequency, Recurrence};

const ZONES: [&str; 4] = [
    "Europe/Copenhagen",
    "America/New_York",
    "Australia/Lord_Howe",
    "UTC",
];
/// DST change days of the zones above: series begin up to five weeks before one.
const CHANGES: [&str; 6] = [
    "2026-03-08",
    "2026-03-29",
    "2026-04-05",
    "2026-10-04",
    "2026-10-25",
    "2026-11-01",
];

#[derive(Debug, Clone)]
struct SeriesScenario {
    zone: TimeZone,
    first: NaiveDate,
    recurrence: Recurrence,
    spec: MeetingSpec,
    members: Vec<MemberCalendar>,
    /// Whether some member has a date override (which may move a day's grid).
    overridden: bool,
    now: DateTime<Utc>,
}

/// A member whose bookings, busy times and override fall on the series' dates.
fn member(
    zone: TimeZone,
    dates: Vec<NaiveDate>,
    id: u128,
) -> impl Strategy<Value = (MemberCalendar, bool)> {
    let n = dates.len();
    let on_dates = dates.clone();
    let commitment = (
        0..n,
        0i64..(24 * 12),
        1u32..=24,
        0u32..=6,
        0u32..=6,
        0u8..3,
        any::<bool>(),
    )
        .prop_map(move |(k, at5, len, bb, ba, status, hosted)| Commitment {
            booking_id: Uuid::from_u128(id * 10_000 + k as u128 * 1000 + at5 as u128),
            span: Interval::starting_at(
                zone.start_of_day(on_dates[k]) + Duration::minutes(at5 * 5),
                minutes(len * 5),
            ),
            buffer_before: minutes(bb * 5),
            buffer_after: minutes(ba * 5),
            status: [
                BookingStatus::Confirmed,
                BookingStatus::Pending,
                BookingStatus::Cancelled,
            ][status as usize],
            hosted,
        });
    let on_dates = dates.clone();
    let event = (0..n, 0i64..(24 * 4), 1i64..=16, 0u8..3, 0u8..10).prop_map(
        move |(k, at15, len, status, all_day)| ExternalEvent {
            time: if all_day == 0 {
                EventTime::AllDay {
                    first: on_dates[k],
                    until: on_dates[k] + Days::new(1),
                }
            } else {
                let start = zone.start_of_day(on_dates[k]) + Duration::minutes(at15 * 15);
                EventTime::Timed(Interval::new(start, start + Duration::minutes(len * 15)).unwrap())
            },
            status: [BusyStatus::Busy, BusyStatus::Tentative, BusyStatus::Free][status as usize],
        },
    );
    let limits = (
        0u32..=3,
        0u32..=3,
        proptest::option::weighted(0.3, 1u32..=3),
        proptest::option::weighted(0.2, 1u32..=4),
        0u32..=48,
        proptest::option::weighted(0.3, 0u32..=60),
    )
        .prop_map(|(bb, ba, per_day, per_week, notice, advance)| RuleLimits {
            buffer_before: minutes(bb * 10),
            buffer_after: minutes(ba * 10),
            max_bookings_per_day: per_day,
            max_bookings_per_week: per_week.map(|w| w.max(per_day.unwrap_or(0))),
            min_notice_hours: notice,
            max_days_advance: advance,
        });
    let override_ = proptest::option::weighted(0.2, (0..n, any::<bool>(), 0u32..80, 1u32..16));
    (
        proptest::collection::vec(proptest::option::of(working_day()), 7),
        limits,
        override_,
        proptest::collection::vec(commitment, 0..12),
        proptest::collection::vec(event, 0..4),
    )
        .prop_map(move |(days, limits, override_, commitments, events)| {
            let overrides: Vec<DateOverride> = override_
                .map(|(k, off, start, len)| DateOverride {
                    date: dates[k],
                    hours: if off {
                        OverrideHours::DayOff
                    } else {
                        let s = start * 15;
                        let e = (s + len * 15).min(1440);
                        OverrideHours::Custom(TimeRange::new(time(s), time(e)).unwrap())
                    },
                    reason: None,
                })
                .into_iter()
                .collect();
            let calendar = MemberCalendar::new(
                Uuid::from_u128(id),
                working_week(&days),
                limits,
                &overrides,
                commitments,
                &events,
            );
            (calendar, !overrides.is_empty())
        })
}

fn scenario() -> impl Strategy<Value = SeriesScenario> {
    let frequency = prop_oneof![
        Just(Frequency::Weekly),
        Just(Frequency::Biweekly),
        Just(Frequency::Monthly)
    ];
    (
        0..ZONES.len(),
        0..CHANGES.len(),
        0u64..35,
        frequency,
        2i64..=6,
        1usize..=3,
    )
        .prop_flat_map(|(z, c, before, frequency, count, members)| {
            let zone = super::zone(ZONES[z]);
            let first = super::date(CHANGES[c]) - Days::new(before);
            let recurrence = Recurrence::new(frequency, count, Recurrence::MAX_COUNT).unwrap();
            let dates = recurrence.dates(first);
            let spec = (1u32..=8, proptest::option::of(1u32..=8), 0u32..=3, 0u32..=3).prop_map(
                |(len, interval, bb, ba)| MeetingSpec {
                    duration: minutes(len * 15),
                    interval: minutes(interval.unwrap_or(len * 3) * 5),
                    buffer_before: (bb > 0).then(|| minutes(bb * 10)),
                    buffer_after: (ba > 0).then(|| minutes(ba * 10)),
                },
            );
            let members: Vec<_> = (1..=members as u128)
                .map(|id| member(zone, dates.clone(), id))
                .collect();
            let origin = zone.start_of_day(first);
            (spec, members, 0i64..(4 * 24 * 3)).prop_map(move |(spec, members, before15)| {
                SeriesScenario {
                    zone,
                    first,
                    recurrence,
                    spec,
                    overridden: members.iter().any(|(_, o)| *o),
                    members: members.into_iter().map(|(m, _)| m).collect(),
                    now: origin - Duration::minutes(before15 * 15),
                }
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_series_slot_offers_only_members_free_for_every_meeting(s in scenario()) {
        let schedule = Schedule::new(s.zone, None, Vec::new(), s.members.clone());
        let tables: HashMap<NaiveDate, SlotTable> = s
            .recurrence
            .dates(s.first)
            .into_iter()
            .map(|date| (date, schedule.open_slots(&s.spec, s.zone.day(date))))
            .collect();
        let first_day = tables[&s.first].bookable(s.now);
        let offered = series_slots(first_day.clone(), s.recurrence, s.zone, |start| {
            tables[&s.zone.date_of(start)].free_members_at(start, s.now)
        });
        for slot in &offered {
            for id in &slot.free_members {
                let member = schedule.member(*id).unwrap();
                for start in s.recurrence.starts(s.zone, slot.span.start()) {
                    let conflicts = schedule.conflicts(member, &s.spec, start, s.now);
                    prop_assert!(conflicts.is_empty(), "{:?} at {}: {:?}", id, start, conflicts);
                }
            }
        }
        if s.overridden {
            return Ok(());
        }
        for slot in &first_day {
            let first = slot.span.start();
            let local = s.zone.local(first).naive_local().time();
            let starts = s.recurrence.starts(s.zone, first);
            // A meeting moved by a DST gap is off its day's grid: offered only if it lands on it.
            let exact = starts
                .iter()
                .all(|start| s.zone.instant(s.zone.date_of(*start).and_time(local)) == Some(*start));
            for id in &slot.free_members {
                let member = schedule.member(*id).unwrap();
                let free_throughout = starts
                    .iter()
                    .all(|start| schedule.conflicts(member, &s.spec, *start, s.now).is_empty());
                if exact && free_throughout {
                    prop_assert!(
                        offered
                            .iter()
                            .any(|o| o.span == slot.span && o.free_members.contains(id)),
                        "{:?} is free for the series from {} but not offered",
                        id,
                        first
                    );
                }
            }
        }
    }
}
