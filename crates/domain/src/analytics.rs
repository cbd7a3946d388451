//! The staff dashboard's figures, computed from the bookings a reader may see: counts by status,
//! meeting type, member and day, a weekday × hour heatmap, the no-show rate, the headline counts
//! (today, the next 7 days, this month) and whether automatic assignment shares meetings fairly.
//! Days and hours are the reader's zone's; the caller passes `now`.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Timelike, Utc};
use strum::IntoEnumIterator as _;
use uuid::Uuid;

use crate::{
    TimeZone,
    booking::{AssignmentMethod, BookingStatus, BookingType},
    department::AssignmentAlgorithm,
};

/// What the dashboard needs of one booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingFact {
    pub department_id: Uuid,
    pub meeting_type_id: Uuid,
    pub assigned_to: Uuid,
    pub booking_type: BookingType,
    pub status: BookingStatus,
    pub assignment_method: AssignmentMethod,
    pub start: DateTime<Utc>,
    /// When it was booked.
    pub created: DateTime<Utc>,
}

/// The days a summary covers, `from` to `to` inclusive, in `zone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub zone: TimeZone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("must not be before from")]
    Reversed,
    #[error("must be at most {MAX_DAYS} days after from")]
    TooLong,
}

/// The longest period one summary covers.
pub const MAX_DAYS: u64 = 366;

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate, zone: TimeZone) -> Result<Self, PeriodError> {
        if to < from {
            Err(PeriodError::Reversed)
        } else if from + Days::new(MAX_DAYS) < to {
            Err(PeriodError::TooLong)
        } else {
            Ok(Self { from, to, zone })
        }
    }

    /// The 30 days up to and including today.
    pub fn last_30_days(now: DateTime<Utc>, zone: TimeZone) -> Self {
        let today = zone.date_of(now);
        Self {
            from: today - Days::new(29),
            to: today,
            zone,
        }
    }

    /// Its first instant and the instant after its last day.
    pub fn instants(self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.zone.start_of_day(self.from),
            self.zone.start_of_day(self.to + Days::new(1)),
        )
    }

    /// The instants whose bookings a summary of this period reads at `now`: the period's, and
    /// today's, the next 7 days' and the current month's for the headline counts.
    pub fn reading_window(self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let zone = self.zone;
        let today = zone.date_of(now);
        let month = today.with_day(1).unwrap_or(today);
        let next_month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(month);
        let (start, end) = self.instants();
        (
            start.min(zone.start_of_day(month)),
            end.max(zone.start_of_day(today + Days::new(8)))
                .max(zone.start_of_day(next_month)),
        )
    }

    fn holds(self, date: NaiveDate) -> bool {
        (self.from..=self.to).contains(&date)
    }
}

/// A department's members as automatic assignment sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub department_id: Uuid,
    pub algorithm: AssignmentAlgorithm,
    /// Active members with their assignment priority.
    pub members: Vec<(Uuid, i32)>,
}

/// One member's share of a department's automatically assigned meetings.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub user_id: Uuid,
    pub assignments: u64,
    /// Of the department's automatic assignments in the period; 0 when there were none.
    pub share: f64,
    /// What the algorithm aims at: equal shares, or shares by priority for `weighted`.
    pub expected_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub department_id: Uuid,
    pub algorithm: AssignmentAlgorithm,
    pub assignments: u64,
    pub members: Vec<Share>,
}

/// Headline counts of meetings that still count (not cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Headline {
    pub today: u64,
    pub next_7_days: u64,
    pub this_month: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Bookings starting in the period, whatever their status.
    pub total: u64,
    pub by_status: BTreeMap<BookingStatus, u64>,
    pub by_meeting_type: BTreeMap<Uuid, u64>,
    pub by_member: BTreeMap<Uuid, u64>,
    /// Every day of the period, with zero for days without bookings.
    pub by_day: Vec<(NaiveDate, u64)>,
    /// Monday first; hours 0–23 of the zone.
    pub heatmap: [[u64; 24]; 7],
    /// No-shows among the meetings that happened (completed or no-show); `None` before any.
    pub no_show_rate: Option<f64>,
    pub headline: Headline,
    pub distribution: Vec<Distribution>,
    /// From booking to meeting, averaged over the period's customer meetings that still count
    /// and were booked ahead (a past meeting entered afterwards has no lead time); `None`
    /// without any.
    pub average_lead_time: Option<Duration>,
}

/// The dashboard over `period`. `bookings` must include those of today, the next 7 days and the
/// current month as well as the period's (the headline counts read them).
pub fn summarize(
    bookings: &[BookingFact],
    period: Period,
    now: DateTime<Utc>,
    rosters: &[Roster],
) -> Summary {
    let zone = period.zone;
    let today = zone.date_of(now);
    let in_period: Vec<&BookingFact> = bookings
        .iter()
        .filter(|b| period.holds(zone.date_of(b.start)))
        .collect();

    let mut by_status: BTreeMap<BookingStatus, u64> =
        BookingStatus::iter().map(|s| (s, 0)).collect();
    let mut by_meeting_type = BTreeMap::new();
    let mut by_member = BTreeMap::new();
    let mut per_day: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut heatmap = [[0u64; 24]; 7];
    for booking in &in_period {
        *by_status.entry(booking.status).or_default() += 1;
        *by_meeting_type.entry(booking.meeting_type_id).or_default() += 1;
        *by_member.entry(booking.assigned_to).or_default() += 1;
        let local = zone.local(booking.start);
        *per_day.entry(local.date_naive()).or_default() += 1;
        let weekday = local.weekday().num_days_from_monday() as usize;
        heatmap[weekday][local.hour() as usize] += 1;
    }
    let by_day = period
        .from
        .iter_days()
        .take_while(|d| *d <= period.to)
        .map(|d| (d, per_day.get(&d).copied().unwrap_or(0)))
        .collect();
    let no_shows = by_status[&BookingStatus::NoShow];
    let happened = by_status[&BookingStatus::Completed] + no_shows;
    let no_show_rate = (happened > 0).then(|| no_shows as f64 / happened as f64);

    let counts = |b: &&BookingFact| b.status != BookingStatus::Cancelled;
    let week_end = today + Days::new(7);
    let headline = bookings
        .iter()
        .filter(counts)
        .fold(Headline::default(), |mut h, b| {
            let date = zone.date_of(b.start);
            h.today += u64::from(date == today);
            h.next_7_days += u64::from(b.start >= now && date < week_end);
            h.this_month += u64::from(date.year() == today.year() && date.month() == today.month());
            h
        });

    let distribution = rosters
        .iter()
        .map(|roster| distribution(roster, &in_period))
        .collect();
    Summary {
        total: in_period.len() as u64,
        by_status,
        by_meeting_type,
        by_member,
        by_day,
        heatmap,
        no_show_rate,
        headline,
        distribution,
        average_lead_time: average_lead_time(&in_period),
    }
}

fn average_lead_time(bookings: &[&BookingFact]) -> Option<Duration> {
    let leads: Vec<Duration> = bookings
        .iter()
        .filter(|b| b.booking_type == BookingType::Customer && b.status != BookingStatus::Cancelled)
        .map(|b| b.start - b.created)
        .filter(|lead| *lead > Duration::zero())
        .collect();
    let count = i32::try_from(leads.len()).ok().filter(|n| *n > 0)?;
    Some(leads.iter().fold(Duration::zero(), |sum, lead| sum + *lead) / count)
}

fn distribution(roster: &Roster, bookings: &[&BookingFact]) -> Distribution {
    let automatic: Vec<&&BookingFact> = bookings
        .iter()
        .filter(|b| {
            b.department_id == roster.department_id
                && b.booking_type == BookingType::Customer
                && b.assignment_method != AssignmentMethod::Manual
        })
        .collect();
    let total = automatic.len() as u64;
    let weights: Vec<f64> = roster
        .members
        .iter()
        .map(|(_, priority)| match roster.algorithm {
            AssignmentAlgorithm::Weighted => f64::from((*priority).max(0)),
            _ => 1.0,
        })
        .collect();
    let weight_sum: f64 = weights.iter().sum();
    let members = roster
        .members
        .iter()
        .zip(weights)
        .map(|((user_id, _), weight)| {
            let assignments = automatic
                .iter()
                .filter(|b| b.assigned_to == *user_id)
                .count() as u64;
            Share {
                user_id: *user_id,
                assignments,
                share: if total == 0 {
                    0.0
                } else {
                    assignments as f64 / total as f64
                },
                expected_share: if weight_sum > 0.0 {
                    weight / weight_sum
                } else {
                    0.0
                },
            }
        })
        .collect();
    Distribution {
        department_id: roster.department_id,
        algorithm: roster.algorithm,
        assignments: total,
        members,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn copenhagen() -> TimeZone {
        TimeZone::parse("Europe/Copenhagen").unwrap()
    }

    #[test]
    fn a_past_period_is_read_together_with_this_month_and_the_coming_week() {
        let zone = copenhagen();
        let march = Period::new(
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            zone,
        )
        .unwrap();
        let now = Utc.with_ymd_and_hms(2027, 6, 28, 10, 0, 0).unwrap();
        let (from, to) = march.reading_window(now);
        assert_eq!(from, zone.start_of_day(march.from));
        // The next 7 days run into July, past the end of June.
        let july_6 = NaiveDate::from_ymd_opt(2027, 7, 6).unwrap();
        assert_eq!(to, zone.start_of_day(july_6));

        let (from, to) = Period::last_30_days(now, zone).reading_window(now);
        assert_eq!(
            from,
            zone.start_of_day(NaiveDate::from_ymd_opt(2027, 5, 30).unwrap())
        );
        assert_eq!(to, zone.start_of_day(july_6));
    }

    fn fact(start: DateTime<Utc>, status: BookingStatus, host: Uuid) -> BookingFact {
        BookingFact {
            department_id: Uuid::nil(),
            meeting_type_id: Uuid::from_u128(7),
            assigned_to: host,
            booking_type: BookingType::Customer,
            status,
            assignment_method: AssignmentMethod::RoundRobin,
            start,
            created: start - Duration::days(2),
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn a_late_evening_meeting_counts_on_the_readers_day_and_hour() {
        // 23:30 UTC on 31 March is 01:30 on 1 April in Copenhagen (summer time).
        let zone = copenhagen();
        let period = Period::new(
            NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            NaiveDate::from_ymd_opt(2027, 4, 1).unwrap(),
            zone,
        )
        .unwrap();
        let start = Utc.with_ymd_and_hms(2027, 3, 31, 23, 30, 0).unwrap();
        let summary = summarize(
            &[fact(start, BookingStatus::Confirmed, Uuid::from_u128(1))],
            period,
            utc(2027, 3, 1, 12),
            &[],
        );
        assert_eq!(summary.by_day[0].1, 0);
        assert_eq!(summary.by_day[1].1, 1);
        // Thursday, 01:00.
        assert_eq!(summary.heatmap[3][1], 1);
        assert_eq!(summary.total, 1);
    }

    #[test]
    fn every_day_of_the_period_is_listed_and_every_status_named() {
        let period = Period::last_30_days(utc(2027, 5, 20, 12), copenhagen());
        let summary = summarize(&[], period, utc(2027, 5, 20, 12), &[]);
        assert_eq!(summary.by_day.len(), 30);
        assert_eq!(summary.by_day.last().unwrap().0, period.to);
        assert_eq!(summary.by_status.len(), 5);
        assert_eq!(summary.no_show_rate, None);
    }

    #[test]
    fn the_no_show_rate_is_over_meetings_that_happened() {
        let host = Uuid::from_u128(1);
        let day = |d| utc(2027, 5, d, 9);
        let bookings = [
            fact(day(3), BookingStatus::Completed, host),
            fact(day(4), BookingStatus::Completed, host),
            fact(day(5), BookingStatus::Completed, host),
            fact(day(6), BookingStatus::NoShow, host),
            fact(day(7), BookingStatus::Cancelled, host),
            fact(day(8), BookingStatus::Confirmed, host),
        ];
        let period = Period::last_30_days(utc(2027, 5, 20, 12), copenhagen());
        let summary = summarize(&bookings, period, utc(2027, 5, 20, 12), &[]);
        assert_eq!(summary.no_show_rate, Some(0.25));
        assert_eq!(summary.by_status[&BookingStatus::Cancelled], 1);
        assert_eq!(summary.total, 6);
    }

    #[test]
    fn headline_counts_skip_cancelled_meetings_and_look_ahead_from_now() {
        let host = Uuid::from_u128(1);
        let now = utc(2027, 5, 20, 12);
        let bookings = [
            fact(utc(2027, 5, 20, 8), BookingStatus::Completed, host), // today, earlier
            fact(utc(2027, 5, 20, 14), BookingStatus::Confirmed, host), // today, later
            fact(utc(2027, 5, 21, 9), BookingStatus::Cancelled, host), // cancelled
            fact(utc(2027, 5, 26, 9), BookingStatus::Pending, host),   // within 7 days
            fact(utc(2027, 5, 28, 9), BookingStatus::Confirmed, host), // this month, later
            fact(utc(2027, 6, 1, 9), BookingStatus::Confirmed, host),  // next month
        ];
        let period = Period::last_30_days(now, copenhagen());
        let headline = summarize(&bookings, period, now, &[]).headline;
        assert_eq!(
            headline,
            Headline {
                today: 2,
                next_7_days: 2,
                this_month: 4
            }
        );
    }

    #[test]
    fn fairness_compares_each_members_share_with_the_algorithms_aim() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let now = utc(2027, 5, 20, 12);
        let mut manual = fact(utc(2027, 5, 10, 9), BookingStatus::Confirmed, a);
        manual.assignment_method = AssignmentMethod::Manual;
        let bookings = [
            fact(utc(2027, 5, 11, 9), BookingStatus::Confirmed, a),
            fact(utc(2027, 5, 12, 9), BookingStatus::Confirmed, b),
            fact(utc(2027, 5, 13, 9), BookingStatus::Confirmed, b),
            fact(utc(2027, 5, 14, 9), BookingStatus::Confirmed, a),
            manual,
        ];
        let period = Period::last_30_days(now, copenhagen());
        let equal = Roster {
            department_id: Uuid::nil(),
            algorithm: AssignmentAlgorithm::RoundRobin,
            members: vec![(a, 1), (b, 3)],
        };
        let weighted = Roster {
            algorithm: AssignmentAlgorithm::Weighted,
            ..equal.clone()
        };
        let summary = summarize(&bookings, period, now, &[equal, weighted]);
        let round_robin = &summary.distribution[0];
        assert_eq!(
            round_robin.assignments, 4,
            "manual assignments do not count"
        );
        assert_eq!(round_robin.members[0].share, 0.5);
        assert_eq!(round_robin.members[0].expected_share, 0.5);
        let by_weight = &summary.distribution[1];
        assert_eq!(by_weight.members[0].expected_share, 0.25);
        assert_eq!(by_weight.members[1].expected_share, 0.75);
    }

    #[test]
    fn a_period_is_ordered_and_at_most_a_year_long() {
        let zone = copenhagen();
        let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
        assert_eq!(
            Period::new(day(5, 2), day(5, 1), zone),
            Err(PeriodError::Reversed)
        );
        assert!(Period::new(day(1, 1), day(12, 31), zone).is_ok());
        assert_eq!(
            Period::new(day(1, 1), day(1, 1) + Days::new(400), zone),
            Err(PeriodError::TooLong)
        );
    }

    #[test]
    fn lead_time_averages_customer_meetings_booked_ahead_that_still_count() {
        let zone = copenhagen();
        let june = Period::new(
            NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            zone,
        )
        .unwrap();
        let host = Uuid::from_u128(1);
        let start = utc(2027, 6, 10, 9);
        let booked = |created: DateTime<Utc>, status, booking_type| BookingFact {
            created,
            booking_type,
            ..fact(start, status, host)
        };
        let bookings = [
            booked(
                start - Duration::days(1),
                BookingStatus::Confirmed,
                BookingType::Customer,
            ),
            booked(
                start - Duration::days(3),
                BookingStatus::Completed,
                BookingType::Customer,
            ),
            // None of these counts: cancelled, internal, entered after it happened.
            booked(
                start - Duration::days(30),
                BookingStatus::Cancelled,
                BookingType::Customer,
            ),
            booked(
                start - Duration::days(30),
                BookingStatus::Confirmed,
                BookingType::Internal,
            ),
            booked(
                start + Duration::hours(2),
                BookingStatus::Completed,
                BookingType::Customer,
            ),
        ];
        let now = utc(2027, 6, 28, 10);
        let summary = summarize(&bookings, june, now, &[]);
        assert_eq!(summary.average_lead_time, Some(Duration::days(2)));
        assert_eq!(summarize(&[], june, now, &[]).average_lead_time, None);
    }
}
