//! Reading an iCalendar feed (RFC 5545) into the events of a window: times in UTC, named zones,
//! zones the file defines (`VTIMEZONE`), floating times, all-day events, `TRANSP` and `STATUS`,
//! and recurring events expanded (`RRULE`, `RDATE`, `EXDATE`) with their changed or cancelled
//! occurrences (`RECURRENCE-ID`).
//!
//! Recurrences are expanded in the event's local wall-clock time and only then made instants,
//! so a weekly 09:00 meeting stays at 09:00 on both sides of a DST change.
//!
//! A feed is written by whoever controls its URL, so reading one is bounded ([`FeedLimits`]): in
//! events, in busy times kept, in recurrence instances walked and in wall time. A rule that ticks
//! by the second, minute, hour, day or week is walked from just before the window, not from its
//! `DTSTART` decades earlier, so an honest old series costs what a new one does.

use std::{
    collections::{HashMap, HashSet},
    time::{Duration as Elapsed, Instant},
};

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property, read_calendar, unfold};
use mm_domain::{
    Interval,
    external_calendar::SyncedEvent,
    scheduling::{BusyStatus, EventTime, ExternalEvent},
};
use rrule::{Frequency, RRule, RRuleSet, Unvalidated};

use crate::zone::{DefinedZone, Observance, Zone, iana, parse_offset};

/// Why a feed could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcalError {
    #[error("the feed is not an iCalendar file: {0}")]
    Malformed(String),
    #[error("event {uid:?}: {message}")]
    Event { uid: String, message: String },
    /// The feed asks for more work than [`FeedLimits`] allows.
    #[error("the feed is too large to read: {0}")]
    OverLimit(String),
}

/// What reading one feed may cost at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedLimits {
    /// `VEVENT`s in the file.
    pub max_events: usize,
    /// Busy times kept in the window, all events together.
    pub max_busy_times: usize,
    /// Occurrences one recurring event may have in the window.
    pub max_occurrences_per_event: usize,
    /// Recurrence instances computed, all rules (and defined zones) together, in the window or
    /// not: the work a feed makes us do.
    pub max_steps: u64,
    /// Wall time for the whole read; past it the read stops, wherever it is.
    pub max_time: Elapsed,
}

impl Default for FeedLimits {
    fn default() -> Self {
        Self {
            max_events: 25_000,
            max_busy_times: 10_000,
            max_occurrences_per_event: 5_000,
            max_steps: 1_000_000,
            max_time: Elapsed::from_secs(10),
        }
    }
}

/// The work left to one read.
pub(crate) struct Budget {
    limits: FeedLimits,
    deadline: Instant,
    steps: u64,
    kept: usize,
}

impl Budget {
    pub(crate) fn new(limits: FeedLimits) -> Self {
        Self {
            limits,
            deadline: Instant::now() + limits.max_time,
            steps: 0,
            kept: 0,
        }
    }

    /// One more recurrence instance computed.
    fn step(&mut self) -> Result<(), IcalError> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(IcalError::OverLimit(format!(
                "its repeating events need more than {} occurrences worked out",
                self.limits.max_steps
            )));
        }
        if self.steps.is_multiple_of(1024) {
            self.in_time()?;
        }
        Ok(())
    }

    fn in_time(&self) -> Result<(), IcalError> {
        if Instant::now() > self.deadline {
            return Err(IcalError::OverLimit(format!(
                "reading it took longer than {:?}",
                self.limits.max_time
            )));
        }
        Ok(())
    }

    /// One more busy time kept.
    fn keep(&mut self) -> Result<(), IcalError> {
        self.kept += 1;
        if self.kept > self.limits.max_busy_times {
            return Err(IcalError::OverLimit(format!(
                "it has more than {} busy times in the next weeks",
                self.limits.max_busy_times
            )));
        }
        Ok(())
    }
}

/// The events of `text` that overlap `from..to`. Times without a zone are read in
/// `X-WR-TIMEZONE`, else in `floating` (the member's own zone).
pub fn read_feed(
    text: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    floating: Tz,
    limits: &FeedLimits,
) -> Result<Vec<SyncedEvent>, IcalError> {
    let mut budget = Budget::new(*limits);
    let unfolded = unfold(text);
    let calendar = read_calendar(&unfolded).map_err(|e| IcalError::Malformed(first_line(&e)))?;
    if calendar.components.is_empty() && calendar.properties.is_empty() {
        return Err(IcalError::Malformed("no VCALENDAR".into()));
    }
    let floating = calendar
        .properties
        .iter()
        .find(|p| is(p, "X-WR-TIMEZONE"))
        .and_then(|p| iana(p.val.as_str()))
        .unwrap_or(floating);
    // Zones are built far enough to cover the window in any local time.
    let horizon = (to + Duration::days(2)).naive_utc();
    let mut defined = HashMap::new();
    for c in calendar.components.iter().filter(|c| c.name == "VTIMEZONE") {
        if let Some(tzid) = c.find_prop("TZID") {
            let observances = observances(c)?;
            defined.insert(
                tzid.val.as_str().to_owned(),
                DefinedZone::new(&observances, horizon, &mut budget)?,
            );
        }
    }
    let zones = Zones {
        defined,
        floating: Zone::Iana(floating),
    };

    let events: Vec<&Component<'_>> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    if events.len() > limits.max_events {
        return Err(IcalError::OverLimit(format!(
            "it holds {} events, more than {}",
            events.len(),
            limits.max_events
        )));
    }
    // Changed occurrences replace the occurrence they name, matched by UID and original start.
    let mut changed: HashSet<(String, DateTime<Utc>)> = HashSet::new();
    for event in &events {
        if let (Some(uid), Some(recurrence_id)) =
            (value(event, "UID"), event.find_prop("RECURRENCE-ID"))
        {
            let original = zones.instant(&zones.when(recurrence_id)?);
            changed.insert((uid.to_owned(), original));
        }
    }

    let mut read = Vec::new();
    for event in events {
        budget.in_time()?;
        read_event(event, &zones, &changed, (from, to), &mut budget, &mut read)?;
    }
    Ok(read)
}

fn read_event(
    event: &Component<'_>,
    zones: &Zones,
    changed: &HashSet<(String, DateTime<Utc>)>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    budget: &mut Budget,
    read: &mut Vec<SyncedEvent>,
) -> Result<(), IcalError> {
    let uid = value(event, "UID").unwrap_or_default().to_owned();
    let fail = |message: String| IcalError::Event {
        uid: uid.clone(),
        message,
    };
    if value(event, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")) {
        return Ok(());
    }
    let status = busy_status(event);
    let summary = event
        .find_prop("SUMMARY")
        .map(|p| p.val.clone().unescape_text().as_str().to_owned())
        .filter(|s| !s.is_empty());
    let start = event
        .find_prop("DTSTART")
        .ok_or_else(|| fail("has no DTSTART".into()))?;
    let start = zones.when(start)?;
    let length = length(event, zones, &start).map_err(fail)?;

    let recurrence_id = event.find_prop("RECURRENCE-ID");
    let rrules: Vec<String> = props(event, "RRULE")
        .map(|p| p.val.as_str().to_owned())
        .collect();
    let starts: Vec<(When, Option<DateTime<Utc>>)> = if recurrence_id.is_some() || rrules.is_empty()
    {
        // A single event, or one changed occurrence of a series (kept under its original start).
        let original = match recurrence_id {
            Some(id) => Some(zones.instant(&zones.when(id)?)),
            None => None,
        };
        vec![(start.clone(), original)]
    } else {
        let zone = start.zone(zones);
        let local_from = zone.to_local(from - length_bound(length));
        let local_to = zone.to_local(to);
        let rdates = dates(event, "RDATE", zones, &zone)?;
        let exdates = dates(event, "EXDATE", zones, &zone)?;
        let series = Series {
            start: start.local(),
            rrules: &rrules,
            rdates: &rdates,
            exdates: &exdates,
        };
        let occurrences = series
            .between(local_from, local_to, Some(&zone), budget)
            .map_err(|e| match e {
                IcalError::OverLimit(_) => e,
                other => fail(other.to_string()),
            })?;
        occurrences
            .into_iter()
            .map(|local| {
                let when = start.at_local(local);
                let original = zones.instant(&when);
                (when, Some(original))
            })
            .filter(|(_, original)| !original.is_some_and(|o| changed.contains(&(uid.clone(), o))))
            .collect()
    };

    for (when, original) in starts {
        let time = when.time(length, zones);
        let Some(time) = time else { continue };
        if !overlaps(time, from, to) {
            continue;
        }
        budget.keep()?;
        let external_id = match original {
            Some(o) => format!("{uid}/{}", o.format("%Y%m%dT%H%M%SZ")),
            None => uid.clone(),
        };
        read.push(SyncedEvent {
            external_id,
            summary: summary.clone(),
            event: ExternalEvent { time, status },
        });
    }
    Ok(())
}

/// How an event shows its owner: `TRANSP:TRANSPARENT` is free; Outlook's own busy status wins
/// when present; `STATUS:TENTATIVE` is tentative.
fn busy_status(event: &Component<'_>) -> BusyStatus {
    if let Some(outlook) = value(event, "X-MICROSOFT-CDO-BUSYSTATUS") {
        match outlook.to_ascii_uppercase().as_str() {
            "FREE" | "WORKINGELSEWHERE" => return BusyStatus::Free,
            "TENTATIVE" => return BusyStatus::Tentative,
            "BUSY" | "OOF" => return BusyStatus::Busy,
            _ => {}
        }
    }
    if value(event, "TRANSP").is_some_and(|t| t.eq_ignore_ascii_case("TRANSPARENT")) {
        BusyStatus::Free
    } else if value(event, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("TENTATIVE")) {
        BusyStatus::Tentative
    } else {
        BusyStatus::Busy
    }
}

/// How long the event lasts: from `DTEND`, else `DURATION`, else a day for a date and nothing
/// for a time (RFC 5545 §3.6.1).
fn length(event: &Component<'_>, zones: &Zones, start: &When) -> Result<Length, String> {
    if let Some(end) = event.find_prop("DTEND") {
        let end = zones.when(end).map_err(|e| e.to_string())?;
        return Ok(match (start, &end) {
            (When::Date(first), When::Date(until)) => Length::Days((*until - *first).num_days()),
            _ => Length::Exact(zones.instant(&end) - zones.instant(start)),
        });
    }
    if let Some(duration) = value(event, "DURATION") {
        let duration =
            parse_duration(duration).ok_or_else(|| format!("bad DURATION {duration:?}"))?;
        return Ok(match start {
            When::Date(_) => Length::Days(duration.num_days().max(1)),
            _ => Length::Exact(duration),
        });
    }
    Ok(match start {
        When::Date(_) => Length::Days(1),
        _ => Length::Exact(Duration::zero()),
    })
}

#[derive(Debug, Clone, Copy)]
enum Length {
    Exact(Duration),
    Days(i64),
}

/// How far before the window an occurrence may start and still reach into it.
fn length_bound(length: Length) -> Duration {
    match length {
        Length::Exact(d) => d.max(Duration::zero()),
        Length::Days(days) => Duration::days(days + 1),
    }
}

fn overlaps(time: EventTime, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    match time {
        EventTime::Timed(span) => span.start() < to && span.end() > from,
        // Whole days are kept if they touch the window anywhere on Earth.
        EventTime::AllDay { first, until } => {
            midnight(first) - Duration::hours(14) < to
                && midnight(until) + Duration::hours(12) > from
        }
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

/// A `DTSTART`, `DTEND`, `RECURRENCE-ID`, `RDATE` or `EXDATE` value.
#[derive(Debug, Clone)]
enum When {
    Date(NaiveDate),
    Utc(DateTime<Utc>),
    /// A wall-clock time in the zone named by `tzid` (`None`: floating).
    Local(NaiveDateTime, Option<String>),
}

impl When {
    fn local(&self) -> NaiveDateTime {
        match self {
            Self::Date(date) => date.and_time(NaiveTime::MIN),
            Self::Utc(instant) => instant.naive_utc(),
            Self::Local(local, _) => *local,
        }
    }

    /// The same kind of value at another local time (an occurrence of a series).
    fn at_local(&self, local: NaiveDateTime) -> Self {
        match self {
            Self::Date(_) => Self::Date(local.date()),
            Self::Utc(_) => Self::Utc(local.and_utc()),
            Self::Local(_, tzid) => Self::Local(local, tzid.clone()),
        }
    }

    fn zone(&self, zones: &Zones) -> Zone {
        match self {
            Self::Utc(_) => Zone::Iana(Tz::UTC),
            Self::Date(_) => zones.floating.clone(),
            Self::Local(_, tzid) => zones.zone(tzid.as_deref()),
        }
    }

    fn time(&self, length: Length, zones: &Zones) -> Option<EventTime> {
        match (self, length) {
            (Self::Date(first), Length::Days(days)) => {
                let until = first.checked_add_days(Days::new(u64::try_from(days).ok()?))?;
                (until > *first).then_some(EventTime::AllDay {
                    first: *first,
                    until,
                })
            }
            (_, Length::Exact(duration)) => {
                let start = zones.instant(self);
                Interval::new(start, start + duration)
                    .ok()
                    .map(EventTime::Timed)
            }
            // Only a date start is measured in days.
            (_, Length::Days(_)) => None,
        }
    }
}

/// The zones of one file.
struct Zones {
    defined: HashMap<String, DefinedZone>,
    floating: Zone,
}

impl Zones {
    fn zone(&self, tzid: Option<&str>) -> Zone {
        let Some(tzid) = tzid else {
            return self.floating.clone();
        };
        if let Some(tz) = iana(tzid) {
            return Zone::Iana(tz);
        }
        match self.defined.get(tzid) {
            Some(zone) => Zone::Defined(zone.clone()),
            // An undefined, unknown zone: the best guess is the calendar's own.
            None => self.floating.clone(),
        }
    }

    /// Reads a date or date-time property.
    fn when(&self, property: &Property<'_>) -> Result<When, IcalError> {
        let raw = property.val.as_str().trim();
        parse_when(raw, param(property, "VALUE"), param(property, "TZID")).ok_or_else(|| {
            IcalError::Malformed(format!("{}: bad date {raw:?}", property.name.as_str()))
        })
    }

    /// The instant a value names; a date names its midnight in UTC, which only identifies it.
    fn instant(&self, when: &When) -> DateTime<Utc> {
        match when {
            When::Date(date) => midnight(*date),
            When::Utc(instant) => *instant,
            When::Local(local, tzid) => self.zone(tzid.as_deref()).to_utc(*local),
        }
    }
}

fn parse_when(raw: &str, value_type: Option<&str>, tzid: Option<&str>) -> Option<When> {
    if value_type.is_some_and(|v| v.eq_ignore_ascii_case("DATE")) || raw.len() == 8 {
        return NaiveDate::parse_from_str(raw, "%Y%m%d")
            .ok()
            .map(When::Date);
    }
    if let Some(utc) = raw.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .ok()
            .map(|t| When::Utc(t.and_utc()));
    }
    NaiveDateTime::parse_from_str(raw, "%Y%m%dT%H%M%S")
        .ok()
        .map(|t| When::Local(t, tzid.map(str::to_owned)))
}

/// The local times of every `RDATE` or `EXDATE` (each may hold a comma-separated list).
fn dates(
    event: &Component<'_>,
    name: &str,
    zones: &Zones,
    zone: &Zone,
) -> Result<Vec<NaiveDateTime>, IcalError> {
    let mut all = Vec::new();
    for property in props(event, name) {
        let value_type = param(property, "VALUE");
        if value_type.is_some_and(|v| v.eq_ignore_ascii_case("PERIOD")) {
            continue;
        }
        for raw in property.val.as_str().split(',') {
            let when = parse_when(raw.trim(), value_type, param(property, "TZID"))
                .ok_or_else(|| IcalError::Malformed(format!("{name}: bad date {raw:?}")))?;
            all.push(match when {
                When::Date(date) => date.and_time(NaiveTime::MIN),
                When::Utc(instant) => zone.to_local(instant),
                When::Local(local, tzid) => {
                    zone.to_local(zones.zone(tzid.as_deref()).to_utc(local))
                }
            });
        }
    }
    Ok(all)
}

/// A recurring series in local wall-clock time: its first start, rules and extra or excluded
/// starts.
pub(crate) struct Series<'a> {
    pub(crate) start: NaiveDateTime,
    pub(crate) rrules: &'a [String],
    pub(crate) rdates: &'a [NaiveDateTime],
    pub(crate) exdates: &'a [NaiveDateTime],
}

impl Series<'_> {
    /// The starts between `from` and `to`, both inclusive, each costing the budget a step,
    /// those before `from` too. `zone` reads an `UNTIL` given in UTC; `None` when the series
    /// itself is in UTC.
    pub(crate) fn between(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        zone: Option<&Zone>,
        budget: &mut Budget,
    ) -> Result<Vec<NaiveDateTime>, IcalError> {
        let mut rules = Vec::with_capacity(self.rrules.len());
        for rule in self.rrules {
            let rule = wall_clock_until(rule, zone);
            let rule: RRule<Unvalidated> = rule.parse().map_err(|e: rrule::RRuleError| {
                IcalError::Malformed(format!("RRULE {rule:?}: {e}"))
            })?;
            rules.push(rule);
        }
        // The series runs in wall-clock time, which `rrule` sees as UTC.
        let floating = |t: NaiveDateTime| rrule::Tz::UTC.from_utc_datetime(&t);
        let first = walk_from(self.start, &rules, from);
        let dtstart = floating(first);
        let mut set = RRuleSet::new(dtstart).limit();
        for rule in rules {
            let rule = rule
                .validate(dtstart)
                .map_err(|e| IcalError::Malformed(format!("RRULE: {e}")))?;
            set = set.rrule(rule);
        }
        for rdate in self.rdates {
            set = set.rdate(floating(*rdate));
        }
        for exdate in self.exdates {
            set = set.exdate(floating(*exdate));
        }
        let mut starts = Vec::new();
        for occurrence in &set {
            budget.step()?;
            let local = occurrence.naive_utc();
            if local > to {
                break;
            }
            if local >= from {
                starts.push(local);
                if starts.len() > budget.limits.max_occurrences_per_event {
                    return Err(IcalError::OverLimit(format!(
                        "one repeating event has more than {} occurrences in the next weeks",
                        budget.limits.max_occurrences_per_event
                    )));
                }
            }
        }
        // A plain start inside the window counts as the first occurrence even with no rule.
        let start = self.start;
        if self.rrules.is_empty() && start >= from && start <= to && !self.exdates.contains(&start)
        {
            starts.push(start);
        }
        starts.sort_unstable();
        starts.dedup();
        Ok(starts)
    }
}

/// Where to start walking `rules` to find every start from `from` on: the series' own start, or,
/// when every rule repeats in steps of fixed length (seconds to weeks) and none counts its
/// occurrences, the last step boundary a whole step before `from`. Stepping a rule's start by
/// whole steps changes none of its occurrences after the new start, and skips the ones before,
/// which could be billions.
fn walk_from(
    start: NaiveDateTime,
    rules: &[RRule<Unvalidated>],
    from: NaiveDateTime,
) -> NaiveDateTime {
    let step = |rule: &RRule<Unvalidated>| -> Option<Duration> {
        let unit = match rule.get_freq() {
            Frequency::Secondly => Duration::seconds(1),
            Frequency::Minutely => Duration::minutes(1),
            Frequency::Hourly => Duration::hours(1),
            Frequency::Daily => Duration::days(1),
            Frequency::Weekly => Duration::weeks(1),
            Frequency::Monthly | Frequency::Yearly => return None,
        };
        let counted = rule.get_count().is_some();
        (!counted).then(|| unit * i32::from(rule.get_interval().max(1)))
    };
    let Some(steps) = rules.iter().map(step).collect::<Option<Vec<Duration>>>() else {
        return start;
    };
    // One step that is a whole number of every rule's step: their least common multiple.
    let Some(common) = steps.iter().try_fold(0i64, |lcm, step| {
        let step = step.num_seconds();
        if lcm == 0 {
            Some(step)
        } else {
            lcm.checked_mul(step / gcd(lcm, step))
        }
    }) else {
        return start;
    };
    if common <= 0 || rules.is_empty() {
        return start;
    }
    // A rule may not start after its `UNTIL`; a series that ended before `from` yields nothing
    // there whichever start it is walked from.
    let target = rules
        .iter()
        .filter_map(|rule| rule.get_until().map(|until| until.naive_utc()))
        .fold(from, NaiveDateTime::min);
    let behind = (target - start).num_seconds() / common - 1;
    if behind <= 0 {
        return start;
    }
    start + Duration::seconds(behind * common)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// Rewrites an `UNTIL` as the wall-clock time the series is expanded in: a UTC `UNTIL` becomes
/// local time in `zone`, a date becomes the end of that day.
fn wall_clock_until(rule: &str, zone: Option<&Zone>) -> String {
    rule.trim()
        .trim_start_matches("RRULE:")
        .split(';')
        .map(|part| {
            let Some(raw) = part.strip_prefix("UNTIL=") else {
                return part.to_owned();
            };
            let local = match parse_when(raw, None, None) {
                Some(When::Date(date)) => date.and_hms_opt(23, 59, 59),
                Some(When::Utc(instant)) => Some(match zone {
                    Some(zone) => zone.to_local(instant),
                    None => instant.naive_utc(),
                }),
                Some(When::Local(local, _)) => Some(local),
                None => None,
            };
            match local {
                Some(local) => format!("UNTIL={}", local.format("%Y%m%dT%H%M%SZ")),
                None => part.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn observances(timezone: &Component<'_>) -> Result<Vec<Observance>, IcalError> {
    let mut all = Vec::new();
    for o in timezone
        .components
        .iter()
        .filter(|c| c.name == "STANDARD" || c.name == "DAYLIGHT")
    {
        let bad = |what: &str| IcalError::Malformed(format!("VTIMEZONE: bad {what}"));
        let start = value(o, "DTSTART")
            .and_then(|raw| parse_when(raw, None, None))
            .map(|w| w.local())
            .ok_or_else(|| bad("DTSTART"))?;
        let offset_from = value(o, "TZOFFSETFROM")
            .and_then(parse_offset)
            .ok_or_else(|| bad("TZOFFSETFROM"))?;
        let offset_to = value(o, "TZOFFSETTO")
            .and_then(parse_offset)
            .ok_or_else(|| bad("TZOFFSETTO"))?;
        let rrules = props(o, "RRULE")
            .map(|p| p.val.as_str().to_owned())
            .collect();
        let mut rdates = Vec::new();
        for p in props(o, "RDATE") {
            for raw in p.val.as_str().split(',') {
                rdates.push(
                    parse_when(raw.trim(), None, None)
                        .ok_or_else(|| bad("RDATE"))?
                        .local(),
                );
            }
        }
        all.push(Observance {
            start,
            offset_from,
            offset_to,
            rrules,
            rdates,
        });
    }
    Ok(all)
}

/// An ISO 8601 duration as RFC 5545 writes it: `PT1H30M`, `P1D`, `P2W`, `-PT15M`.
fn parse_duration(raw: &str) -> Option<Duration> {
    let (sign, rest) = match raw.trim().strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, raw.trim().trim_start_matches('+')),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match (unit, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
        }
    }
    number.is_empty().then_some(total * sign)
}

fn is(property: &Property<'_>, name: &str) -> bool {
    property.name.as_str().eq_ignore_ascii_case(name)
}

fn props<'c, 'a>(c: &'c Component<'a>, name: &'c str) -> impl Iterator<Item = &'c Property<'a>> {
    c.properties.iter().filter(move |p| is(p, name))
}

fn value<'c>(c: &'c Component<'_>, name: &str) -> Option<&'c str> {
    c.properties
        .iter()
        .find(|p| is(p, name))
        .map(|p| p.val.as_str())
}

fn param<'p>(property: &'p Property<'_>, key: &str) -> Option<&'p str> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

fn first_line(error: &str) -> String {
    error.lines().take(3).collect::<Vec<_>>().join(" ")
}
