//! Properties over random departments around DST changes: the fast slot table and the rule-by-rule
//! check agree, and every offered slot obeys every rule.

use chrono::{Days, Duration, NaiveTime};
use proptest::prelude::*;

use super::*;

const ZONES: [&str; 5] = [
    "Europe/Copenhagen",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Tokyo",
    "UTC",
];
/// DST change days of the zones above, and an ordinary day.
const DAYS: [&str; 7] = [
    "2026-03-08",
    "2026-03-29",
    "2026-04-05",
    "2026-10-04",
    "2026-10-25",
    "2026-11-01",
    "2026-06-17",
];

#[derive(Debug, Clone)]
struct Scenario {
    zone: TimeZone,
    visitor: TimeZone,
    day: NaiveDate,
    spec: MeetingSpec,
    members: Vec<MemberCalendar>,
    /// What each member's calendar was built from, to build it again from less.
    inputs: Vec<MemberInput>,
    daily_limit: Option<u32>,
    department_starts: Vec<DateTime<Utc>>,
    now: DateTime<Utc>,
}

pub(super) fn time(minute: u32) -> TimeOfDay {
    TimeOfDay::from_minutes(minute as u16).unwrap()
}

/// A working day's start and end minute and its break's, as drawn.
pub(super) type DrawnDay = (u32, u32, Option<(u32, u32)>);

pub(super) fn working_day() -> impl Strategy<Value = DrawnDay> {
    // Hours that often cross the 01:00–03:00 changes; an optional break inside them.
    (0u32..=60, 4u32..=64).prop_flat_map(|(start, len)| {
        let (start, end) = (start * 15, (start * 15 + len * 15).min(1440));
        let brk = (start..end, 1u32..=6).prop_map(move |(s, l)| {
            let s = s / 15 * 15;
            let e = (s + l * 15).min(end);
            (s > start && e < end && s < e).then_some((s, e))
        });
        (Just(start), Just(end), brk)
    })
}

/// A week with hours (and a break) on the days that have them, as [`working_day`] draws them.
pub(super) fn working_week(days: &[Option<DrawnDay>]) -> WorkingWeek {
    let texts: Vec<_> = days
        .iter()
        .map(|d| {
            d.map(|(s, e, b)| {
                (
                    time(s).to_string(),
                    time(e).to_string(),
                    b.map(|(bs, be)| (time(bs).to_string(), time(be).to_string())),
                )
            })
        })
        .collect();
    WorkingWeek::parse(WEEKDAYS.into_iter().zip(&texts).map(|(d, t)| {
        (
            d,
            match t {
                Some((s, e, b)) => DayDraft {
                    enabled: true,
                    start: Some(s.as_str()),
                    end: Some(e.as_str()),
                    breaks: b
                        .iter()
                        .map(|(bs, be)| (bs.as_str(), be.as_str()))
                        .collect(),
                },
                None => DayDraft::default(),
            },
        )
    }))
    .unwrap()
}

fn all_time() -> Interval {
    Interval::from_bounds(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC)
}

/// The arguments of one [`MemberCalendar::new`].
#[derive(Debug, Clone)]
struct MemberInput {
    id: Uuid,
    week: WorkingWeek,
    limits: RuleLimits,
    overrides: Vec<DateOverride>,
    commitments: Vec<Commitment>,
    events: Vec<ExternalEvent>,
}

impl MemberInput {
    /// The calendar built from the bookings and events that overlap `span` only, as the store
    /// reads them.
    fn calendar_within(&self, span: Interval) -> MemberCalendar {
        let commitments = self
            .commitments
            .iter()
            .filter(|c| c.span.start() < span.end() && span.start() < c.span.end())
            .cloned()
            .collect();
        let events: Vec<_> = self
            .events
            .iter()
            .filter(|e| e.time.overlaps(span.start(), span.end()))
            .copied()
            .collect();
        MemberCalendar::new(
            self.id,
            self.week.clone(),
            self.limits.clone(),
            &self.overrides,
            commitments,
            &events,
        )
    }
}

fn member(zone: TimeZone, day: NaiveDate, id: u128) -> impl Strategy<Value = MemberInput> {
    let origin = zone.start_of_day(day - Days::new(2));
    let commitment = (
        0i64..(5 * 24 * 12),
        1u32..=24,
        0u32..=6,
        0u32..=6,
        0u8..3,
        any::<bool>(),
    )
        .prop_map(move |(at5, len, bb, ba, status, hosted)| Commitment {
            booking_id: Uuid::from_u128(id * 1000 + at5 as u128),
            span: Interval::starting_at(origin + Duration::minutes(at5 * 5), minutes(len * 5)),
            buffer_before: minutes(bb * 5),
            buffer_after: minutes(ba * 5),
            status: [
                BookingStatus::Confirmed,
                BookingStatus::Pending,
                BookingStatus::Cancelled,
            ][status as usize],
            hosted,
        });
    let event = (0i64..(5 * 24 * 4), 1i64..=16, 0u8..3, 0u8..10).prop_map(
        move |(at15, len, status, all_day)| ExternalEvent {
            time: if all_day == 0 {
                let first = day - Days::new(1) + Days::new((at15 % 3) as u64);
                EventTime::AllDay {
                    first,
                    until: first + Days::new(1),
                }
            } else {
                let start = origin + Duration::minutes(at15 * 15);
                EventTime::Timed(Interval::new(start, start + Duration::minutes(len * 15)).unwrap())
            },
            status: [BusyStatus::Busy, BusyStatus::Tentative, BusyStatus::Free][status as usize],
        },
    );
    let limits = (
        0u32..=4,
        0u32..=4,
        proptest::option::weighted(0.3, 1u32..=4),
        proptest::option::weighted(0.2, 2u32..=8),
        0u32..=30,
        proptest::option::weighted(0.3, 0u32..=3),
    )
        .prop_map(|(bb, ba, per_day, per_week, notice, advance)| RuleLimits {
            buffer_before: minutes(bb * 10),
            buffer_after: minutes(ba * 10),
            max_bookings_per_day: per_day,
            max_bookings_per_week: per_week.map(|w| w.max(per_day.unwrap_or(0))),
            min_notice_hours: notice,
            max_days_advance: advance,
        });
    let override_ = proptest::option::weighted(0.3, (0u64..3, any::<bool>(), 0u32..80, 1u32..16));
    (
        proptest::collection::vec(proptest::option::of(working_day()), 7),
        limits,
        override_,
        proptest::collection::vec(commitment, 0..10),
        proptest::collection::vec(event, 0..4),
    )
        .prop_map(move |(days, limits, override_, commitments, events)| {
            let week = working_week(&days);
            let overrides: Vec<DateOverride> = override_
                .map(|(offset, off, start, len)| DateOverride {
                    date: day - Days::new(1) + Days::new(offset),
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
            MemberInput {
                id: Uuid::from_u128(id),
                week,
                limits,
                overrides,
                commitments,
                events,
            }
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (0..ZONES.len(), 0..ZONES.len(), 0..DAYS.len(), 1usize..=3).prop_flat_map(|(z, v, d, count)| {
        let zone = super::zone(ZONES[z]);
        let day = super::date(DAYS[d]);
        let members: Vec<_> = (1..=count as u128)
            .map(|id| member(zone, day, id))
            .collect();
        let spec = (
            1u32..=8,
            proptest::option::of(1u32..=8),
            proptest::option::of(0u32..=3),
            proptest::option::of(0u32..=3),
        )
            .prop_map(|(len, interval, bb, ba)| MeetingSpec {
                duration: minutes(len * 15),
                interval: minutes(interval.unwrap_or(len * 3) * 5),
                buffer_before: bb.map(|b| minutes(b * 10)),
                buffer_after: ba.map(|b| minutes(b * 10)),
            });
        let origin = zone.start_of_day(day - Days::new(3));
        (
            Just(zone),
            Just(super::zone(ZONES[v])),
            Just(day),
            spec,
            members,
            proptest::option::weighted(0.2, 1u32..=4),
            proptest::collection::vec(0i64..(5 * 24), 0..6),
            0i64..(5 * 24 * 4),
        )
            .prop_map(
                move |(zone, visitor, day, spec, inputs, daily_limit, starts, now15)| Scenario {
                    zone,
                    visitor,
                    day,
                    spec,
                    members: inputs
                        .iter()
                        .map(|m| m.calendar_within(all_time()))
                        .collect(),
                    inputs,
                    daily_limit,
                    department_starts: starts
                        .into_iter()
                        .map(|h| origin + Duration::hours(h + 24))
                        .collect(),
                    now: origin + Duration::minutes(now15 * 15),
                },
            )
    })
}

impl Scenario {
    fn schedule(&self) -> Schedule {
        Schedule::new(
            self.zone,
            self.daily_limit,
            self.department_starts.clone(),
            self.members.clone(),
        )
    }

    /// The schedule built only from the bookings, events and department starts within `span`.
    fn schedule_within(&self, span: Interval) -> Schedule {
        Schedule::new(
            self.zone,
            self.daily_limit,
            self.department_starts
                .iter()
                .filter(|t| span.contains_instant(**t))
                .copied()
                .collect(),
            self.inputs
                .iter()
                .map(|m| m.calendar_within(span))
                .collect(),
        )
    }

    /// The visitor's day: the window the slots endpoint asks for.
    fn window(&self) -> Interval {
        self.visitor.day(self.day)
    }

    /// Every start on `member`'s grid within the window, enumerated from the rules alone.
    fn grid(&self, member: &MemberCalendar) -> Vec<DateTime<Utc>> {
        let window = self.window();
        let mut starts = Vec::new();
        let first = self.zone.date_of(window.start());
        for date in first.iter_days().take(3) {
            let hours = match member.plan(date) {
                super::super::member::DayPlan::Working { hours, .. } => hours,
                _ => continue,
            };
            let step = self.spec.interval.get() as usize;
            for minute in
                (u32::from(hours.start().minutes())..u32::from(hours.end().minutes())).step_by(step)
            {
                let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
                if let Some(start) = self.zone.instant(local)
                    && window.contains_instant(start)
                {
                    starts.push(start);
                }
            }
        }
        starts
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A table computed from only what the slot data window reads equals one computed from
    /// everything: what the store may leave unread cannot change the answer.
    #[test]
    fn slots_from_the_slot_data_window_equal_slots_from_everything(s in scenario()) {
        let weekly = s.inputs.iter().any(|m| m.limits.max_bookings_per_week.is_some());
        let span = Schedule::slot_data_window(s.zone, s.window(), s.spec.duration, weekly);
        let everything = s.schedule().open_slots(&s.spec, s.window());
        let narrow = s.schedule_within(span).open_slots(&s.spec, s.window());
        prop_assert_eq!(narrow, everything);
    }

    /// The check a booking makes inside its transaction, read from only the slot data window of
    /// the meeting itself, finds the same conflicts as one read from everything: the recheck
    /// may load that little.
    #[test]
    fn a_recheck_from_the_meetings_data_window_finds_the_same_conflicts(s in scenario()) {
        let weekly = s.inputs.iter().any(|m| m.limits.max_bookings_per_week.is_some());
        let everything = s.schedule();
        for member in everything.members() {
            for start in s.grid(member) {
                let meeting = Interval::starting_at(start, s.spec.duration);
                let span = Schedule::slot_data_window(s.zone, meeting, s.spec.duration, weekly);
                let narrow = s.schedule_within(span);
                let narrow_member = narrow.member(member.user_id()).unwrap();
                prop_assert_eq!(
                    narrow.conflicts(narrow_member, &s.spec, start, s.now),
                    everything.conflicts(member, &s.spec, start, s.now)
                );
                prop_assert_eq!(
                    narrow.staff_conflicts(narrow_member, &s.spec, start, s.now),
                    everything.staff_conflicts(member, &s.spec, start, s.now)
                );
            }
        }
    }

    /// A booking changes only the starts [`Schedule::starts_reached_by`] names: the table from
    /// before with that part recomputed equals the table recomputed whole.
    #[test]
    fn a_table_recomputed_where_a_booking_reaches_equals_one_recomputed_whole(
        s in scenario(),
        who in 0usize..3,
        at5 in 0i64..(5 * 24 * 12),
        len in 1u32..=24,
        buffers in (0u32..=6, 0u32..=6),
        counted in any::<bool>(),
    ) {
        let window = s.window();
        let weekly = s.inputs.iter().any(|m| m.limits.max_bookings_per_week.is_some());
        let before = s.schedule().open_slots(&s.spec, window);
        let origin = s.zone.start_of_day(s.day - Days::new(2));
        let span = Interval::starting_at(origin + Duration::minutes(at5 * 5), minutes(len * 5));
        let mut after = s.clone();
        let who = who % after.inputs.len();
        after.inputs[who].commitments.push(Commitment {
            booking_id: Uuid::from_u128(999_999),
            span,
            buffer_before: minutes(buffers.0 * 10),
            buffer_after: minutes(buffers.1 * 10),
            status: BookingStatus::Confirmed,
            hosted: true,
        });
        if counted {
            after.department_starts.push(span.start());
            after.department_starts.sort();
        }
        let now = after.schedule_within(all_time());
        let whole = now.open_slots(&s.spec, window);
        let reached = Schedule::starts_reached_by(s.zone, span, s.spec.duration, weekly);
        let spliced = match reached.intersection(window) {
            None => before,
            Some(part) => before.spliced(part, &now.open_slots(&s.spec, part)).unwrap(),
        };
        prop_assert_eq!(spliced, whole);
    }

    /// The slot table offers a member exactly the grid starts the rule-by-rule check finds free.
    #[test]
    fn offered_starts_are_exactly_the_conflict_free_grid_starts(s in scenario()) {
        let schedule = s.schedule();
        let slots = schedule.open_slots(&s.spec, s.window()).bookable(s.now);
        for member in schedule.members() {
            let mut offered: Vec<_> = slots
                .iter()
                .filter(|slot| slot.free_members.contains(&member.user_id()))
                .map(|slot| slot.span.start())
                .collect();
            offered.sort();
            let mut expected: Vec<_> = s
                .grid(member)
                .into_iter()
                .filter(|start| schedule.conflicts(member, &s.spec, *start, s.now).is_empty())
                .collect();
            expected.sort();
            expected.dedup();
            prop_assert_eq!(offered, expected);
        }
    }

    /// No offered slot overlaps a booking that holds time, widened by the larger buffer on each
    /// side; none touches a busy event; none starts too soon or beyond the booking window.
    #[test]
    fn offered_slots_keep_clear_of_bookings_buffers_and_busy_time(s in scenario()) {
        let schedule = s.schedule();
        for slot in schedule.open_slots(&s.spec, s.window()).bookable(s.now) {
            prop_assert_eq!(slot.span.length(), s.spec.duration.to_duration());
            prop_assert!(s.window().contains_instant(slot.span.start()));
            for id in &slot.free_members {
                let member = schedule.member(*id).unwrap();
                let limits = member.limits();
                let before = s.spec.buffer_before.unwrap_or(limits.buffer_before).to_duration();
                let after = s.spec.buffer_after.unwrap_or(limits.buffer_after).to_duration();
                for c in member.blocking() {
                    let guard = c.span.widened(
                        c.buffer_before.to_duration().max(after),
                        c.buffer_after.to_duration().max(before),
                    );
                    prop_assert!(!guard.overlaps(slot.span), "{:?} overlaps {:?}", slot.span, c);
                    prop_assert!(c.status.holds_time());
                }
                for b in member.busy() {
                    prop_assert!(!b.overlaps(slot.span));
                }
                prop_assert!(slot.span.start() >= s.now + Duration::hours(i64::from(limits.min_notice_hours)));
                if let Some(days) = limits.max_days_advance {
                    let last = s.zone.date_of(s.now) + Days::new(u64::from(days));
                    prop_assert!(s.zone.date_of(slot.span.start()) <= last);
                }
            }
        }
    }

    /// Every offered slot lies inside the member's local working hours for that date (an override
    /// when there is one) and outside their breaks.
    #[test]
    fn offered_slots_lie_inside_local_working_hours_and_outside_breaks(s in scenario()) {
        let schedule = s.schedule();
        for slot in schedule.open_slots(&s.spec, s.window()).bookable(s.now) {
            let local_start = s.zone.local(slot.span.start());
            let date = local_start.date_naive();
            for id in &slot.free_members {
                let member = schedule.member(*id).unwrap();
                let super::super::member::DayPlan::Working { hours, breaks } = member.plan(date) else {
                    return Err(TestCaseError::fail(format!("slot on a day off: {slot:?}")));
                };
                // Hours or a break wholly inside a skipped DST hour are empty spans.
                let period = Interval::from_bounds(
                    s.zone.time_on(date, hours.start()),
                    s.zone.time_on(date, hours.end()),
                );
                prop_assert!(period.contains(slot.span), "{:?} outside {:?}", slot.span, period);
                for b in breaks {
                    let b = Interval::from_bounds(s.zone.time_on(date, b.start()), s.zone.time_on(date, b.end()));
                    prop_assert!(!b.overlaps(slot.span));
                }
            }
        }
    }

    /// The department's slots are the union of what each member would offer alone (without the
    /// department's daily limit, which only removes whole days).
    #[test]
    fn department_slots_are_the_union_of_its_members_slots(s in scenario()) {
        let together = Schedule::new(s.zone, None, Vec::new(), s.members.clone())
            .open_slots(&s.spec, s.window())
            .bookable(s.now);
        let mut union: Vec<(DateTime<Utc>, Uuid)> = Vec::new();
        for member in &s.members {
            let alone = Schedule::new(s.zone, None, Vec::new(), vec![member.clone()]);
            for slot in alone.open_slots(&s.spec, s.window()).bookable(s.now) {
                union.push((slot.span.start(), member.user_id()));
            }
        }
        union.sort();
        let mut joined: Vec<(DateTime<Utc>, Uuid)> = together
            .iter()
            .flat_map(|slot| slot.free_members.iter().map(|m| (slot.span.start(), *m)))
            .collect();
        joined.sort();
        prop_assert_eq!(joined, union);
    }

    /// A visitor's available dates are exactly the visitor-local dates of the bookable slots.
    #[test]
    fn available_dates_are_the_visitor_dates_of_bookable_slots(s in scenario()) {
        let window = Interval::new(
            s.visitor.start_of_day(s.day - Days::new(2)),
            s.visitor.start_of_day(s.day + Days::new(3)),
        ).unwrap();
        let table = s.schedule().open_slots(&s.spec, window);
        let mut expected: Vec<NaiveDate> = table
            .bookable(s.now)
            .iter()
            .map(|slot| s.visitor.date_of(slot.span.start()))
            .collect();
        expected.dedup();
        prop_assert_eq!(table.available_dates(s.now, s.visitor), expected);
        let first = table.bookable(s.now).first().map(|slot| slot.span);
        prop_assert_eq!(table.first_bookable(s.now), first);
        let counts: Vec<_> = table.bookable(s.now).iter().map(|slot| (slot.span, slot.free_members.len())).collect();
        prop_assert_eq!(table.bookable_counts(s.now).collect::<Vec<_>>(), counts);
    }

    /// Reading a part of a larger table (the visitor's day or month) gives what a table of just
    /// that part would.
    #[test]
    fn a_part_of_a_table_reads_as_a_table_of_that_part(s in scenario()) {
        let day = s.visitor.day(s.day);
        let around = Interval::new(
            day.start() - chrono::Duration::days(1),
            day.end() + chrono::Duration::days(1),
        ).unwrap();
        let schedule = s.schedule();
        let wide = schedule.open_slots(&s.spec, around);
        let narrow = schedule.open_slots(&s.spec, day);
        prop_assert_eq!(
            wide.bookable_counts_in(day, s.now).collect::<Vec<_>>(),
            narrow.bookable_counts(s.now).collect::<Vec<_>>()
        );
        prop_assert_eq!(
            wide.available_dates_in(day, s.now, s.visitor),
            narrow.available_dates(s.now, s.visitor)
        );
    }
}
