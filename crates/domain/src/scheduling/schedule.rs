//! A department's schedule: which starts each member can take, aggregated into slots.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    Conflict,
    day::{LocalDay, week_of},
    member::{DayPlan, MemberCalendar, commitment_block, merge},
};
use crate::{
    interval::Interval,
    meeting_type::MeetingType,
    time::Minutes,
    time::TimeZone,
    working_hours::{TimeOfDay, TimeRange},
};

/// One reason one person cannot attend a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeConflict {
    pub user_id: Uuid,
    pub conflict: Conflict,
}

/// The shape of the meeting being scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeetingSpec {
    pub duration: Minutes,
    /// Minutes between slot starts.
    pub interval: Minutes,
    /// The meeting type's buffers; `None` falls back to each member's rule.
    pub buffer_before: Option<Minutes>,
    pub buffer_after: Option<Minutes>,
}

impl MeetingSpec {
    pub fn of(meeting_type: &MeetingType) -> Self {
        Self {
            duration: meeting_type.duration,
            interval: meeting_type.slot_interval.unwrap_or(meeting_type.duration),
            buffer_before: meeting_type.buffer_before,
            buffer_after: meeting_type.buffer_after,
        }
    }

    /// How an existing booking of `meeting_type` occupies time when moved: the type's buffers
    /// and grid, and the booking's own length, which stays even if the type's has changed since.
    pub fn for_booking(meeting_type: &MeetingType, booking: &crate::booking::Booking) -> Self {
        // A booking's span is never empty, so its length is at least one minute.
        let duration =
            Minutes::parse_in(booking.duration_minutes(), 1..=u32::MAX).unwrap_or(Minutes::ONE);
        let of_type = Self::of(meeting_type);
        Self {
            duration,
            // The booking's own buffers, when staff set them, over its type's.
            buffer_before: booking.buffer_before.or(of_type.buffer_before),
            buffer_after: booking.buffer_after.or(of_type.buffer_after),
            ..of_type
        }
    }
}

/// Everything that decides a department's availability over a window: its zone, its daily limit,
/// the bookings it already has and the calendars of its active members.
#[derive(Debug, Clone)]
pub struct Schedule {
    zone: TimeZone,
    daily_limit: Option<u32>,
    /// Starts of the department's bookings that count toward its daily limit, sorted.
    department_starts: Vec<DateTime<Utc>>,
    members: Vec<MemberCalendar>,
}

impl Schedule {
    pub fn new(
        zone: TimeZone,
        daily_limit: Option<u32>,
        mut department_starts: Vec<DateTime<Utc>>,
        members: Vec<MemberCalendar>,
    ) -> Self {
        department_starts.sort_unstable();
        Self {
            zone,
            daily_limit,
            department_starts,
            members,
        }
    }

    pub fn zone(&self) -> TimeZone {
        self.zone
    }

    pub fn members(&self) -> &[MemberCalendar] {
        &self.members
    }

    pub fn member(&self, user_id: Uuid) -> Option<&MemberCalendar> {
        self.members.iter().find(|m| m.user_id() == user_id)
    }

    /// The span whose bookings and events a schedule for `window` must be built from: whole
    /// local weeks (weekly limits count in them) and a day to spare on each side (buffers and
    /// meetings that cross midnight).
    pub fn data_window(zone: TimeZone, window: Interval) -> Interval {
        let first = zone.date_of(window.start());
        let last = zone.date_of(window.end());
        let from = week_of(zone, first).start() - Duration::days(1);
        let to = week_of(zone, last).end() + Duration::days(1);
        Interval::from_bounds(from, to)
    }

    /// The span whose bookings and events decide the open slots of a `duration`-long meeting
    /// in `window`: the window's whole local days, widened by the longest buffer before them and
    /// by the meeting and the longest buffer after them (the commitments that can block a start
    /// near either edge); whole local weeks when someone counts a weekly limit. Narrower than
    /// [`Schedule::data_window`], so a slot table reads less and depends on fewer changes.
    pub fn slot_data_window(
        zone: TimeZone,
        window: Interval,
        duration: Minutes,
        weekly_limits: bool,
    ) -> Interval {
        if weekly_limits {
            return Self::data_window(zone, window);
        }
        let longest_buffer = Duration::minutes(i64::from(*Minutes::BUFFER.end()));
        let first = zone.start_of_day(zone.date_of(window.start()));
        // The window's end is not in it: a window ending at midnight ends with the day before.
        let last = zone.date_of(window.end() - Duration::nanoseconds(1)) + Days::new(1);
        Interval::from_bounds(
            first - longest_buffer,
            zone.start_of_day(last) + duration.to_duration() + longest_buffer,
        )
    }

    /// The starts whose open slots a change to bookings or busy time over `changed` can alter:
    /// every local day whose [`Schedule::slot_data_window`] overlaps it, as one span. Slots
    /// outside it stay exact, so a table needs only this part recomputed.
    pub fn starts_reached_by(
        zone: TimeZone,
        changed: Interval,
        duration: Minutes,
        weekly_limits: bool,
    ) -> Interval {
        let last_instant = |t: DateTime<Utc>| zone.date_of(t - Duration::nanoseconds(1));
        if weekly_limits {
            // A day's data window is its week and a day on each side.
            let first = zone.date_of(changed.start() - Duration::days(1));
            let last = last_instant(changed.end() + Duration::days(1));
            return Interval::from_bounds(week_of(zone, first).start(), week_of(zone, last).end());
        }
        let longest_buffer = Duration::minutes(i64::from(*Minutes::BUFFER.end()));
        let first = zone.date_of(changed.start() - duration.to_duration() - longest_buffer);
        let last = last_instant(changed.end() + longest_buffer);
        Interval::from_bounds(
            zone.start_of_day(first),
            zone.start_of_day(last + Days::new(1)),
        )
    }

    fn department_full(&self, day: Interval) -> bool {
        self.daily_limit.is_some_and(|limit| {
            let from = self.department_starts.partition_point(|t| *t < day.start());
            let to = self.department_starts.partition_point(|t| *t < day.end());
            to - from >= limit as usize
        })
    }

    /// Every start in `window` on each member's grid where the member is free, before the clock
    /// is applied: minimum notice and the booking window are left to [`SlotTable::bookable`], so
    /// one table serves every request until the underlying data changes.
    pub fn open_slots(&self, spec: &MeetingSpec, window: Interval) -> SlotTable {
        let mut slots: Vec<OpenSlot> = Vec::new();
        let mut blocked = Vec::new();
        if !window.is_empty() {
            let first = self.zone.date_of(window.start());
            let last = self.zone.date_of(window.end() - Duration::nanoseconds(1));
            let mut week = week_of(self.zone, first);
            for date in first.iter_days().take_while(|d| *d <= last) {
                let day = LocalDay::new(self.zone, date);
                if self.department_full(day.span) {
                    continue;
                }
                if !week.contains_instant(day.span.start()) {
                    week = week_of(self.zone, date);
                }
                let day_slots = slots.len();
                for (index, member) in self.members.iter().enumerate() {
                    let index = u32::try_from(index).unwrap_or(u32::MAX);
                    member_starts(member, &day, week, spec, window, &mut blocked, |start| {
                        add_start(&mut slots, day_slots, start, date, spec.duration, index);
                    });
                }
            }
        }
        SlotTable {
            zone: self.zone,
            gates: self
                .members
                .iter()
                .map(|m| Gate {
                    user_id: m.user_id(),
                    notice: Duration::hours(i64::from(m.limits().min_notice_hours)),
                    max_days_advance: m.limits().max_days_advance,
                })
                .collect(),
            slots,
        }
    }

    /// Why `member` cannot take a meeting that staff place at `start`: the same rules as for a
    /// customer except minimum notice and the booking window, which only limit self-service;
    /// staff may book at short notice or far ahead, but never in the past. Staff may also place a
    /// meeting across midnight when the member's hours run on through it.
    pub fn staff_conflicts(
        &self,
        member: &MemberCalendar,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<Conflict> {
        let mut found: Vec<Conflict> = self
            .conflicts_within(member, spec, start, now, Midnight::CarriesOn)
            .into_iter()
            .filter(|c| {
                !matches!(
                    c,
                    Conflict::TooSoon { .. } | Conflict::BeyondBookingWindow { .. }
                )
            })
            .collect();
        if start < now {
            found.insert(0, Conflict::InThePast);
        }
        found
    }

    /// Why `member` cannot take a meeting that staff place at `start`, each reason with the
    /// member: [`Schedule::staff_conflicts`], or [`Conflict::NotAMember`] when the schedule (of a
    /// department's active members) does not hold them.
    pub fn member_conflicts(
        &self,
        member: Uuid,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<AttendeeConflict> {
        let conflicts = match self.member(member) {
            None => vec![Conflict::NotAMember],
            Some(calendar) => self.staff_conflicts(calendar, spec, start, now),
        };
        conflicts
            .into_iter()
            .map(|conflict| AttendeeConflict {
                user_id: member,
                conflict,
            })
            .collect()
    }

    /// Why not all of `everyone` (the schedule's people: an internal meeting's host and
    /// participants) can attend a `spec` meeting that staff place at `start`:
    /// [`Conflict::InactiveAccount`] for whoever the schedule lacks, then
    /// [`Schedule::attendee_conflicts`]; empty when everyone is free.
    pub fn everyone_conflicts(
        &self,
        everyone: &[Uuid],
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<AttendeeConflict> {
        let mut conflicts: Vec<AttendeeConflict> = everyone
            .iter()
            .filter(|id| self.member(**id).is_none())
            .map(|id| AttendeeConflict {
                user_id: *id,
                conflict: Conflict::InactiveAccount,
            })
            .collect();
        conflicts.extend(self.attendee_conflicts(spec, start, now));
        conflicts
    }

    /// Why the schedule's people cannot all attend a `spec` meeting that staff place at `start`,
    /// each reason with the person it concerns; empty when everyone is free. This is the check for
    /// internal meetings, whose schedule holds their host and participants.
    pub fn attendee_conflicts(
        &self,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<AttendeeConflict> {
        self.members
            .iter()
            .flat_map(|member| {
                self.staff_conflicts(member, spec, start, now)
                    .into_iter()
                    .map(|conflict| AttendeeConflict {
                        user_id: member.user_id(),
                        conflict,
                    })
            })
            .collect()
    }

    /// The starts within `window` at which every person of the schedule can attend a `spec`
    /// meeting placed by staff: [`Schedule::attendee_conflicts`] is empty for each. Candidates lie
    /// every `step` minutes of the zone's clock from midnight, so that people whose hours begin
    /// at different times still share a grid.
    pub fn common_starts(
        &self,
        spec: &MeetingSpec,
        window: Interval,
        step: Minutes,
        now: DateTime<Utc>,
    ) -> Vec<Interval> {
        let mut found = Vec::new();
        if window.is_empty() || self.members.is_empty() || step.get() == 0 {
            return found;
        }
        let first = self.zone.date_of(window.start());
        let last = self.zone.date_of(window.end() - Duration::nanoseconds(1));
        for date in first.iter_days().take_while(|d| *d <= last) {
            let day = LocalDay::new(self.zone, date);
            let everyone_works = self
                .members
                .iter()
                .all(|m| matches!(m.plan(date), DayPlan::Working { .. }));
            if !everyone_works {
                continue;
            }
            for minute in (0..24 * 60).step_by(step.get() as usize) {
                let Some(start) = day.instant(minute) else {
                    continue;
                };
                let free = window.contains_instant(start)
                    && self
                        .members
                        .iter()
                        .all(|member| self.staff_conflicts(member, spec, start, now).is_empty());
                if free {
                    found.push(Interval::starting_at(start, spec.duration));
                }
            }
        }
        found
    }

    /// When `member` works within `window`: each day's hours (an override's on its date) with
    /// the breaks cut out, in order. The staff calendar shades these.
    pub fn working_periods(&self, member: &MemberCalendar, window: Interval) -> Vec<Interval> {
        let mut periods = Vec::new();
        if window.is_empty() {
            return periods;
        }
        let first = self.zone.date_of(window.start());
        let last = self.zone.date_of(window.end() - Duration::nanoseconds(1));
        for date in first.iter_days().take_while(|d| *d <= last) {
            let DayPlan::Working { hours, breaks } = member.plan(date) else {
                continue;
            };
            let day = LocalDay::new(self.zone, date);
            let period = day.period(hours.start(), hours.end());
            let mut gaps: Vec<Interval> = breaks
                .iter()
                .map(|b| day.period(b.start(), b.end()))
                .collect();
            gaps.sort_unstable_by_key(|g| g.start());
            let mut from = period.start();
            for gap in gaps.iter().chain(std::iter::once(&Interval::from_bounds(
                period.end(),
                period.end(),
            ))) {
                let piece = Interval::from_bounds(
                    from.max(window.start()),
                    gap.start().min(period.end()).min(window.end()),
                );
                if !piece.is_empty() {
                    periods.push(piece);
                }
                from = from.max(gap.end());
            }
        }
        periods
    }

    /// Every reason `member` cannot take a `spec` meeting starting at `start` (empty: free).
    /// This is the rule set spelled out one check at a time; it does not require `start` to lie on
    /// the slot grid, so staff may place meetings anywhere. A meeting lies within one day's hours,
    /// as the slots customers are offered do.
    pub fn conflicts(
        &self,
        member: &MemberCalendar,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<Conflict> {
        self.conflicts_within(member, spec, start, now, Midnight::Ends)
    }

    fn conflicts_within(
        &self,
        member: &MemberCalendar,
        spec: &MeetingSpec,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
        midnight: Midnight,
    ) -> Vec<Conflict> {
        let zone = self.zone;
        let span = Interval::starting_at(start, spec.duration);
        let date = zone.date_of(start);
        let limits = member.limits();
        let (before, after) = member.buffers(spec.buffer_before, spec.buffer_after);
        let mut found = Vec::new();

        let earliest = now + Duration::hours(i64::from(limits.min_notice_hours));
        if start < earliest {
            found.push(Conflict::TooSoon { earliest });
        }
        if let Some(days) = limits.max_days_advance {
            let last_date = zone.date_of(now) + Days::new(u64::from(days));
            if date > last_date {
                found.push(Conflict::BeyondBookingWindow { last_date });
            }
        }
        match member.plan(date) {
            DayPlan::DayOff => found.push(Conflict::DayOff),
            DayPlan::NotWorking => found.push(Conflict::NotWorkingThatDay),
            DayPlan::Working { hours, breaks } => {
                let mut period = Interval::from_bounds(
                    zone.time_on(date, hours.start()),
                    zone.time_on(date, hours.end()),
                );
                let mut next_breaks: &[TimeRange] = &[];
                // For staff, hours that run to midnight carry on into a next day that starts at
                // midnight, so a meeting may cross it (an evening shift, or someone available
                // around the clock).
                let next_day = date + Days::new(1);
                if midnight == Midnight::CarriesOn
                    && hours.end() == TimeOfDay::END_OF_DAY
                    && let DayPlan::Working {
                        hours: next,
                        breaks: later,
                    } = member.plan(next_day)
                    && next.start() == TimeOfDay::MIDNIGHT
                {
                    period =
                        Interval::from_bounds(period.start(), zone.time_on(next_day, next.end()));
                    next_breaks = later;
                }
                if !period.contains(span) {
                    found.push(Conflict::OutsideWorkingHours);
                }
                let on_break = breaks
                    .iter()
                    .map(|b| (date, b))
                    .chain(next_breaks.iter().map(|b| (next_day, b)))
                    .any(|(day, b)| {
                        Interval::from_bounds(
                            zone.time_on(day, b.start()),
                            zone.time_on(day, b.end()),
                        )
                        .overlaps(span)
                    });
                if on_break {
                    found.push(Conflict::DuringBreak);
                }
            }
        }
        let day = zone.day(date);
        if let Some(limit) = limits.max_bookings_per_day
            && member.hosted_in(day) >= limit
        {
            found.push(Conflict::DailyLimit { limit });
        }
        if let Some(limit) = limits.max_bookings_per_week
            && member.hosted_in(week_of(zone, date)) >= limit
        {
            found.push(Conflict::WeeklyLimit { limit });
        }
        if let Some(limit) = self.daily_limit
            && self.department_full(day)
        {
            found.push(Conflict::DepartmentDailyLimit { limit });
        }
        for c in member.blocking() {
            if commitment_block(c, before, after).overlaps(span) {
                found.push(Conflict::Booking {
                    booking_id: c.booking_id,
                });
            }
        }
        let busy = member.busy_all_day(date)
            || member
                .busy()
                .iter()
                .any(|b| b.widened(after, before).overlaps(span));
        if busy {
            found.push(Conflict::ExternalBusy);
        }
        found
    }
}

/// Calls `emit` with each start of `member`'s grid on `day` within `window` where a whole `spec`
/// meeting fits in their free time. `blocked` is scratch space, reused across calls.
fn member_starts(
    member: &MemberCalendar,
    day: &LocalDay,
    week: Interval,
    spec: &MeetingSpec,
    window: Interval,
    blocked: &mut Vec<Interval>,
    mut emit: impl FnMut(DateTime<Utc>),
) {
    let DayPlan::Working { hours, breaks } = member.plan(day.date) else {
        return;
    };
    let limits = member.limits();
    let full = member.busy_all_day(day.date)
        || limits
            .max_bookings_per_day
            .is_some_and(|limit| member.hosted_in(day.span) >= limit)
        || limits
            .max_bookings_per_week
            .is_some_and(|limit| member.hosted_in(week) >= limit);
    if full {
        return;
    }
    let period = day.period(hours.start(), hours.end());
    let (before, after) = member.buffers(spec.buffer_before, spec.buffer_after);
    blocked.clear();
    blocked.extend(breaks.iter().map(|b| day.period(b.start(), b.end())));
    member.blocked_near(period, before, after, blocked);
    merge(blocked);

    let length = spec.duration.to_duration();
    let step = spec.interval.get();
    let end_minute = u32::from(hours.end().minutes());
    let mut minute = u32::from(hours.start().minutes());
    let mut next_block = 0;
    // Grid starts increase in UTC too: a repeated wall-clock time maps to its earlier instant.
    while minute < end_minute {
        if let Some(start) = day.instant(minute) {
            let end = start + length;
            if end > period.end() || start >= window.end() {
                break;
            }
            if start >= window.start() && start >= period.start() {
                while next_block < blocked.len() && blocked[next_block].end() <= start {
                    next_block += 1;
                }
                if blocked.get(next_block).is_none_or(|b| b.start() >= end) {
                    emit(start);
                }
            }
        }
        minute += step;
    }
}

/// Records that member `index` can start at `start`, keeping the day's slots (from `day_slots`
/// on) sorted by start.
fn add_start(
    slots: &mut Vec<OpenSlot>,
    day_slots: usize,
    start: DateTime<Utc>,
    date: NaiveDate,
    length: Minutes,
    index: u32,
) {
    let day = &mut slots[day_slots..];
    match day.binary_search_by_key(&start, |s| s.span.start()) {
        Ok(i) => day[i].members.push(index),
        Err(i) => slots.insert(
            day_slots + i,
            OpenSlot {
                span: Interval::starting_at(start, length),
                date,
                members: vec![index],
            },
        ),
    }
}

/// A member's clock-dependent limits, applied when a table is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gate {
    user_id: Uuid,
    notice: Duration,
    max_days_advance: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct OpenSlot {
    span: Interval,
    /// The department-local date the slot starts on.
    date: NaiveDate,
    /// Indexes of the members free for it, ascending.
    members: Vec<u32>,
}

/// A bookable slot: a start on the grid and the members free for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub span: Interval,
    pub free_members: Vec<Uuid>,
}

/// The department's open slots over a window, independent of the clock. Reading it with `now`
/// applies each member's minimum notice and booking window, which gives exactly the slots
/// [`Schedule::conflicts`] finds free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotTable {
    zone: TimeZone,
    gates: Vec<Gate>,
    slots: Vec<OpenSlot>,
}

impl SlotTable {
    fn admits(&self, gate: &Gate, slot: &OpenSlot, now: DateTime<Utc>, today: NaiveDate) -> bool {
        slot.span.start() >= now + gate.notice
            && gate
                .max_days_advance
                .is_none_or(|days| slot.date <= today + Days::new(u64::from(days)))
    }

    fn free_members<'a>(
        &'a self,
        slot: &'a OpenSlot,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> impl Iterator<Item = Uuid> + 'a {
        slot.members
            .iter()
            .filter_map(|&i| self.gates.get(i as usize))
            .filter(move |gate| self.admits(gate, slot, now, today))
            .map(|gate| gate.user_id)
    }

    /// The slots someone can book at `now`, in order, each with the members free for it.
    pub fn bookable(&self, now: DateTime<Utc>) -> Vec<Slot> {
        self.slots_of(&self.slots, now)
    }

    /// [`Self::bookable`] among the slots that start in `part` (a visitor's day).
    pub fn bookable_in(&self, part: Interval, now: DateTime<Utc>) -> Vec<Slot> {
        self.slots_of(self.starting_in(part), now)
    }

    fn slots_of(&self, slots: &[OpenSlot], now: DateTime<Utc>) -> Vec<Slot> {
        let today = self.zone.date_of(now);
        slots
            .iter()
            .filter_map(|slot| {
                let free_members: Vec<Uuid> = self.free_members(slot, now, today).collect();
                (!free_members.is_empty()).then_some(Slot {
                    span: slot.span,
                    free_members,
                })
            })
            .collect()
    }

    /// The slots someone can book at `now` with how many members are free for each: what the
    /// public pages show, without collecting who.
    pub fn bookable_counts(&self, now: DateTime<Utc>) -> impl Iterator<Item = (Interval, usize)> {
        self.counts_of(&self.slots, now)
    }

    /// [`Self::bookable_counts`] of the slots that start in `part` (a visitor's day read from a
    /// table that covers more).
    pub fn bookable_counts_in(
        &self,
        part: Interval,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = (Interval, usize)> {
        self.counts_of(self.starting_in(part), now)
    }

    fn counts_of<'a>(
        &'a self,
        slots: &'a [OpenSlot],
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = (Interval, usize)> + 'a {
        let today = self.zone.date_of(now);
        slots.iter().filter_map(move |slot| {
            let free = self.free_members(slot, now, today).count();
            (free > 0).then_some((slot.span, free))
        })
    }

    /// This table with the slots that start in `part` taken from `fresh` (a table of the same
    /// members computed since, covering `part`): how a table follows a change that reached
    /// only part of it. `None` when the members or their limits differ.
    pub fn spliced(&self, part: Interval, fresh: &SlotTable) -> Option<SlotTable> {
        if self.zone != fresh.zone || self.gates != fresh.gates {
            return None;
        }
        let from = self
            .slots
            .partition_point(|s| s.span.start() < part.start());
        let to = self.slots.partition_point(|s| s.span.start() < part.end());
        let mut slots = Vec::with_capacity(self.slots.len());
        slots.extend_from_slice(self.slots.get(..from).unwrap_or_default());
        slots.extend_from_slice(fresh.starting_in(part));
        slots.extend_from_slice(self.slots.get(to.max(from)..).unwrap_or_default());
        Some(SlotTable {
            zone: self.zone,
            gates: self.gates.clone(),
            slots,
        })
    }

    /// Whether `other` holds the same slots as this table among those that start in `part`.
    pub fn agrees_in(&self, other: &SlotTable, part: Interval) -> bool {
        self.zone == other.zone
            && self.gates == other.gates
            && self.starting_in(part) == other.starting_in(part)
    }

    /// The slots that start in `part`.
    fn starting_in(&self, part: Interval) -> &[OpenSlot] {
        let from = self
            .slots
            .partition_point(|s| s.span.start() < part.start());
        let to = self.slots.partition_point(|s| s.span.start() < part.end());
        self.slots.get(from..to.max(from)).unwrap_or_default()
    }

    /// The first slot bookable at `now`.
    pub fn first_bookable(&self, now: DateTime<Utc>) -> Option<Interval> {
        let today = self.zone.date_of(now);
        self.slots
            .iter()
            .find(|slot| self.free_members(slot, now, today).next().is_some())
            .map(|slot| slot.span)
    }

    /// The members who can take a meeting starting exactly at `start` (empty when `start` is not
    /// an open slot).
    pub fn free_members_at(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Uuid> {
        let today = self.zone.date_of(now);
        let i = self.slots.partition_point(|s| s.span.start() < start);
        self.slots
            .get(i)
            .filter(|slot| slot.span.start() == start)
            .map(|slot| self.free_members(slot, now, today).collect())
            .unwrap_or_default()
    }

    /// The dates, in the visitor's zone, on which at least one slot bookable at `now` starts.
    pub fn available_dates(&self, now: DateTime<Utc>, visitor: TimeZone) -> Vec<NaiveDate> {
        self.dates_of(&self.slots, now, visitor)
    }

    /// [`Self::available_dates`] among the slots that start in `part` (a visitor's month read
    /// from a table that covers more).
    pub fn available_dates_in(
        &self,
        part: Interval,
        now: DateTime<Utc>,
        visitor: TimeZone,
    ) -> Vec<NaiveDate> {
        self.dates_of(self.starting_in(part), now, visitor)
    }

    fn dates_of(
        &self,
        slots: &[OpenSlot],
        now: DateTime<Utc>,
        visitor: TimeZone,
    ) -> Vec<NaiveDate> {
        let today = self.zone.date_of(now);
        let mut dates = Vec::new();
        let mut i = 0;
        while let Some(slot) = slots.get(i) {
            if self.free_members(slot, now, today).next().is_none() {
                i += 1;
                continue;
            }
            // Found this visitor date: skip the rest of its slots.
            let date = visitor.date_of(slot.span.start());
            dates.push(date);
            let next_day = visitor.start_of_day(date + Days::new(1));
            i += slots[i..].partition_point(|s| s.span.start() < next_day);
        }
        dates
    }
}

/// Whether a day's hours that end at midnight join a next day's that start at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Midnight {
    /// Customer slots: every meeting lies within one day's hours.
    Ends,
    /// Staff placements: a meeting may run through midnight.
    CarriesOn,
}
