//! The demo's meetings: three weeks before and after today, in every status a booking can reach,
//! so that the calendar, the booking list and the dashboard have something to show on first
//! start. They are planned here (deterministically, so a test can hold the plan to its promises)
//! and written through the store's own booking building blocks, with their history, without
//! sending anything: they are a past that did not happen.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use mm_domain::{
    Interval,
    booking::{
        Actor, ActorRole, Answer, Answers, AssignmentMethod, BookingReference, BookingSource,
        Customer, CustomerDraft, StatusChange, parse_answers, plan_customer_booking,
        plan_internal_meeting, plan_status_change,
    },
    department::Department,
    meeting_type::{MeetingType, QuestionKind},
};
use mm_store::{Attending, CustomerDetails, NewBooking, Store};
use uuid::Uuid;

use super::DemoMember;
use crate::links::LinkKeys;

/// A department as the demo created it.
pub(super) struct SeededDepartment {
    pub department: Department,
    pub members: Vec<DemoMember>,
    /// The meeting types customers book.
    pub public_types: Vec<MeetingType>,
    /// The team's internal weekly meeting.
    pub check_in: MeetingType,
}

/// How many days before and after today the demo fills.
const REACH_DAYS: i64 = 21;

/// The local times customer meetings start at: inside every demo member's hours, clear of
/// their lunch breaks and of each other with the demo's buffers (5 before, 10 after).
const CUSTOMER_STARTS: [(u32, u32); 2] = [(10, 0), (14, 0)];

/// The team check-in: Wednesdays at 15:30.
const CHECK_IN: (chrono::Weekday, u32, u32) = (chrono::Weekday::Wed, 15, 30);

const CUSTOMERS: [(&str, &str, &str); 16] = [
    (
        "Mette Kristensen",
        "mette.kristensen@example.org",
        "+45 20 11 22 33",
    ),
    (
        "Jonas Madsen",
        "jonas.madsen@example.org",
        "+45 21 34 56 78",
    ),
    (
        "Camilla Olsen",
        "camilla.olsen@example.org",
        "+45 22 45 67 89",
    ),
    (
        "Rasmus Thomsen",
        "rasmus.thomsen@example.org",
        "+45 23 56 78 90",
    ),
    (
        "Louise Poulsen",
        "louise.poulsen@example.org",
        "+45 24 67 89 01",
    ),
    (
        "Frederik Johansen",
        "frederik.johansen@example.org",
        "+45 25 78 90 12",
    ),
    (
        "Julie Møller",
        "julie.moller@example.org",
        "+45 26 89 01 23",
    ),
    (
        "Mads Rasmussen",
        "mads.rasmussen@example.org",
        "+45 27 90 12 34",
    ),
    (
        "Sara Jørgensen",
        "sara.jorgensen@example.org",
        "+45 28 01 23 45",
    ),
    (
        "Peter Petersen",
        "peter.petersen@example.org",
        "+45 29 12 34 56",
    ),
    (
        "Laura Sørensen",
        "laura.sorensen@example.org",
        "+45 30 23 45 67",
    ),
    (
        "Christian Berg",
        "christian.berg@example.org",
        "+45 31 34 56 78",
    ),
    (
        "Maja Knudsen",
        "maja.knudsen@example.org",
        "+45 40 45 67 89",
    ),
    ("Henrik Lund", "henrik.lund@example.org", "+44 20 7946 0958"),
    (
        "Anne Mortensen",
        "anne.mortensen@example.org",
        "+45 41 56 78 90",
    ),
    ("Thomas Holm", "thomas.holm@example.org", "+49 30 901820"),
];

const CUSTOMER_NOTES: [&str; 4] = [
    "We cannot sign in since last week's update.",
    "Please call me on my mobile if the video link does not work.",
    "We are 12 people and would like to compare the two larger plans.",
    "Following up on ticket #4821.",
];

const CANCEL_REASONS: [&str; 3] = [
    "Found the answer in the documentation",
    "Something came up at work",
    "We booked the wrong meeting type",
];

/// One planned demo meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Planned {
    department: usize,
    /// `None`: the department's check-in.
    meeting_type: Option<usize>,
    host: Uuid,
    participants: Vec<Uuid>,
    /// An index into [`CUSTOMERS`] for a customer meeting.
    customer: Option<usize>,
    span: Interval,
    created: DateTime<Utc>,
    /// What happened to it since, in order.
    changes: Vec<(Change, DateTime<Utc>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Approve,
    CancelByCustomer,
    Complete,
    NoShow,
}

/// A deterministic stand-in for chance (SplitMix64), so that the demo is the same every time.
fn roll(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The demo's meetings around `today` (the departments' local date), as of `now`.
fn plan(departments: &[SeededDepartment], today: NaiveDate, now: DateTime<Utc>) -> Vec<Planned> {
    let mut planned = Vec::new();
    let mut customer = 0usize;
    for (d, seeded) in departments.iter().enumerate() {
        let zone = seeded.department.timezone;
        let at = |date: NaiveDate, (hour, minute): (u32, u32)| {
            NaiveTime::from_hms_opt(hour, minute, 0)
                .map(|time| zone.instant_at_or_after(date.and_time(time)))
        };
        for offset in -REACH_DAYS..=REACH_DAYS {
            let date = today + Duration::days(offset);
            for (m, member) in seeded.members.iter().enumerate() {
                let day_seed = (d as u64) << 40 | (m as u64) << 32 | (offset + REACH_DAYS) as u64;
                // Every working day has at least one meeting; some have two.
                let first = (roll(day_seed) % 2) as usize;
                let both = roll(day_seed ^ 0xA5) % 10 < 4;
                for (s, &local) in CUSTOMER_STARTS.iter().enumerate() {
                    if s != first && !both {
                        continue;
                    }
                    let chance = roll(day_seed.wrapping_mul(31) + s as u64);
                    let t = (chance % seeded.public_types.len() as u64) as usize;
                    let meeting_type = &seeded.public_types[t];
                    let minutes = meeting_type.duration.get();
                    let Some(time) = NaiveTime::from_hms_opt(local.0, local.1, 0) else {
                        continue;
                    };
                    if !member.works(date.weekday(), time, minutes) {
                        continue;
                    }
                    let Some(start) = at(date, local) else {
                        continue;
                    };
                    let Ok(span) =
                        Interval::new(start, start + Duration::minutes(i64::from(minutes)))
                    else {
                        continue;
                    };
                    let booked_ahead = Duration::days(1 + (chance >> 8) as i64 % 12);
                    let created = (start - booked_ahead).min(now - Duration::minutes(5));
                    let changes = outcome(
                        meeting_type.requires_approval,
                        span,
                        created,
                        now,
                        chance >> 16,
                    );
                    planned.push(Planned {
                        department: d,
                        meeting_type: Some(t),
                        host: member.user_id,
                        participants: Vec::new(),
                        customer: Some(customer % CUSTOMERS.len()),
                        span,
                        created,
                        changes,
                    });
                    customer += 1;
                }
            }
            let (weekday, hour, minute) = CHECK_IN;
            if date.weekday() != weekday {
                continue;
            }
            let Some(time) = NaiveTime::from_hms_opt(hour, minute, 0) else {
                continue;
            };
            let minutes = seeded.check_in.duration.get();
            let mut attending = seeded
                .members
                .iter()
                .filter(|m| m.works(weekday, time, minutes))
                .map(|m| m.user_id);
            let (Some(host), Some(start)) = (attending.next(), at(date, (hour, minute))) else {
                continue;
            };
            let Ok(span) = Interval::new(start, start + Duration::minutes(i64::from(minutes)))
            else {
                continue;
            };
            let changes = if span.end() <= now {
                vec![(
                    Change::Complete,
                    (span.end() + Duration::minutes(2)).min(now),
                )]
            } else {
                Vec::new()
            };
            planned.push(Planned {
                department: d,
                meeting_type: None,
                host,
                participants: attending.collect(),
                customer: None,
                span,
                created: (start - Duration::days(7)).min(now - Duration::minutes(5)),
                changes,
            });
        }
    }
    planned
}

/// What became of a customer meeting booked at `created`: most past ones held and marked, a few
/// missed or left unmarked, some cancelled beforehand; upcoming ones confirmed, a few cancelled,
/// and some of those that need approval still waiting for it.
fn outcome(
    needs_approval: bool,
    span: Interval,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    chance: u64,
) -> Vec<(Change, DateTime<Utc>)> {
    let decided = created + (span.start() - created) / 4;
    let mut changes = Vec::new();
    let roll = chance % 20;
    if needs_approval && (span.start() <= now || roll.is_multiple_of(2)) && decided < now {
        changes.push((Change::Approve, decided));
    }
    let approved = !needs_approval || !changes.is_empty();
    let cancel_at = created + (span.start() - created) / 2;
    if roll < 2 && cancel_at < now {
        changes.push((Change::CancelByCustomer, cancel_at));
    } else if span.end() <= now && approved {
        match roll {
            2 | 3 => changes.push((Change::NoShow, span.start() + Duration::minutes(15))),
            4 => {} // nobody marked it yet
            _ => changes.push((
                Change::Complete,
                (span.end() + Duration::minutes(3)).min(now),
            )),
        }
    }
    changes
}

/// Writes the demo's meetings in one transaction; returns how many.
pub(super) async fn seed(
    store: &Store,
    links: &LinkKeys,
    departments: &[SeededDepartment],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let Some(first) = departments.first() else {
        return Ok(0);
    };
    let today = first.department.timezone.date_of(now);
    let planned = plan(departments, today, now);
    let tx = store.transaction().await?;
    for meeting in &planned {
        let seeded = &departments[meeting.department];
        let department = &seeded.department;
        let meeting_type = match meeting.meeting_type {
            Some(t) => &seeded.public_types[t],
            None => &seeded.check_in,
        };
        let id = Uuid::new_v4();
        let reference = BookingReference::from_random(rand::random());
        let booking = match meeting.customer {
            Some(c) => {
                let details = customer_details(c, meeting_type, department, links, id)?;
                let plan = plan_customer_booking(
                    meeting_type,
                    &details.customer.name,
                    (meeting.host, AssignmentMethod::of(department.algorithm)),
                    BookingSource::PublicBookingPage,
                    Actor::from(ActorRole::Customer),
                    meeting.created,
                );
                let new = NewBooking {
                    id,
                    reference: &reference,
                    plan: &plan,
                    department,
                    meeting_type,
                    span: meeting.span,
                    attending: Attending::Customer(&details),
                    co_hosts: &[],
                    series: None,
                };
                tx.insert_booking(new, meeting.created).await?
            }
            None => {
                let organiser = Actor {
                    user_id: Some(meeting.host),
                    role: ActorRole::Host,
                };
                let plan =
                    plan_internal_meeting(meeting_type, meeting.host, organiser, meeting.created);
                let new = NewBooking {
                    id,
                    reference: &reference,
                    plan: &plan,
                    department,
                    meeting_type,
                    span: meeting.span,
                    attending: Attending::Staff {
                        participants: &meeting.participants,
                        agenda: Some("Open cases, the week's bookings, anything in the way."),
                        physical_location: None,
                    },
                    co_hosts: &[],
                    series: None,
                };
                tx.insert_booking(new, meeting.created).await?
            }
        };
        let mut booking = booking;
        for &(change, at) in &meeting.changes {
            let (change, actor) = match change {
                Change::Approve => (StatusChange::Approve, leader(department)),
                Change::CancelByCustomer => (
                    StatusChange::Cancel {
                        reason: Some(
                            CANCEL_REASONS[meeting.customer.unwrap_or(0) % CANCEL_REASONS.len()]
                                .into(),
                        ),
                        notes: None,
                    },
                    Actor::from(ActorRole::Customer),
                ),
                Change::Complete => (StatusChange::Complete, host(meeting.host)),
                Change::NoShow => (StatusChange::MarkNoShow, host(meeting.host)),
            };
            let plan = plan_status_change(&booking, change, actor, at)
                .map_err(|e| anyhow::anyhow!("demo meeting at {}: {e}", meeting.span.start()))?;
            tx.apply_status_change(&booking, &plan, Some(&links.hashes(id)), at)
                .await?;
            booking = tx.booking(id).await?;
        }
    }
    tx.commit().await?;
    Ok(planned.len())
}

fn leader(department: &Department) -> Actor {
    Actor {
        user_id: department.leader,
        role: ActorRole::DepartmentLeader,
    }
}

fn host(user_id: Uuid) -> Actor {
    Actor {
        user_id: Some(user_id),
        role: ActorRole::Host,
    }
}

/// The `c`th demo customer as they would have filled in the wizard: every select question
/// answered, a note now and then.
fn customer_details(
    c: usize,
    meeting_type: &MeetingType,
    department: &Department,
    links: &LinkKeys,
    id: Uuid,
) -> anyhow::Result<CustomerDetails> {
    let (name, email, phone) = CUSTOMERS[c];
    let notes = c
        .is_multiple_of(3)
        .then(|| CUSTOMER_NOTES[c / 3 % CUSTOMER_NOTES.len()]);
    let customer = Customer::parse(
        CustomerDraft {
            name,
            email,
            phone,
            timezone: None,
            notes,
            // Every fourth demo customer reads Danish, so both languages show in the outbox.
            language: Some(if c % 4 == 1 { "da" } else { "en" }),
        },
        department.timezone,
        mm_i18n::Language::En,
    )
    .map_err(|e| anyhow::anyhow!("demo customer {name}: {e:?}"))?;
    let given: Answers = meeting_type
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Select && !q.options.is_empty())
        .map(|q| {
            (
                q.key.clone(),
                Answer::Text(q.options[c % q.options.len()].clone()),
            )
        })
        .collect();
    let answers = parse_answers(&meeting_type.questions, &given)
        .map_err(|e| anyhow::anyhow!("demo answers: {e:?}"))?;
    Ok(CustomerDetails {
        customer,
        answers,
        links: links.hashes(id),
        client_ip: None,
        client_network: None,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone as _, Weekday};
    use mm_domain::{Minutes, Slug, TimeZone, department::AssignmentAlgorithm};

    use super::*;

    fn member(
        name: &'static str,
        start: &'static str,
        end: &'static str,
        days: &'static [Weekday],
    ) -> DemoMember {
        DemoMember {
            user_id: Uuid::new_v4(),
            name,
            email: "someone@example.com",
            start,
            end,
            lunch: None,
            days,
        }
    }

    fn support() -> SeededDepartment {
        let zone = TimeZone::parse("Europe/Copenhagen").unwrap();
        let department = Department {
            id: Uuid::new_v4(),
            name: "Support".into(),
            slug: Slug::from_name("Support").unwrap(),
            description: None,
            leader: None,
            is_active: true,
            timezone: zone,
            algorithm: AssignmentAlgorithm::RoundRobin,
            notify_leader_on_booking: false,
            notify_admin_on_booking: false,
            max_bookings_per_day: None,
            members: Vec::new(),
        };
        let types = [("Call", 30, false), ("Consultation", 60, true)].map(
            |(name, minutes, requires_approval)| MeetingType {
                requires_approval,
                ..MeetingType::public_call(
                    department.id,
                    name,
                    Slug::from_name(name).unwrap(),
                    Minutes::duration(minutes).unwrap(),
                )
            },
        );
        let check_in = MeetingType::public_call(
            department.id,
            "Check-in",
            Slug::from_name("Check-in").unwrap(),
            Minutes::duration(30).unwrap(),
        );
        SeededDepartment {
            department,
            members: vec![
                member("Anna", "09:00", "17:00", &super::super::WEEKDAYS),
                member(
                    "Lars",
                    "09:00",
                    "15:00",
                    &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu],
                ),
                member("Sofie", "10:00", "18:00", &super::super::WEEKDAYS),
            ],
            public_types: types.into(),
            check_in,
        }
    }

    /// A Thursday afternoon in late October, the week the clocks go back.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 22, 13, 0, 0).unwrap()
    }

    fn planned() -> (SeededDepartment, Vec<Planned>) {
        let department = support();
        let today = NaiveDate::from_ymd_opt(2026, 10, 22).unwrap();
        let planned = plan(std::slice::from_ref(&department), today, now());
        (department, planned)
    }

    #[test]
    fn every_member_has_meetings_on_every_working_day_of_this_week() {
        let (department, planned) = planned();
        let zone = department.department.timezone;
        let monday = NaiveDate::from_ymd_opt(2026, 10, 19).unwrap();
        for member in &department.members {
            for date in (0..5).map(|d| monday + Duration::days(d)) {
                let has = planned
                    .iter()
                    .any(|p| p.host == member.user_id && zone.date_of(p.span.start()) == date);
                assert_eq!(
                    has,
                    member.days.contains(&date.weekday()),
                    "{} on {date}",
                    member.name
                );
            }
        }
    }

    #[test]
    fn nobody_is_in_two_demo_meetings_at_once() {
        let (_, planned) = planned();
        for (i, a) in planned.iter().enumerate() {
            for b in &planned[i + 1..] {
                let shared = std::iter::once(a.host)
                    .chain(a.participants.iter().copied())
                    .any(|p| p == b.host || b.participants.contains(&p));
                assert!(!(shared && a.span.overlaps(b.span)), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn meetings_keep_local_times_across_the_clock_change() {
        let (department, planned) = planned();
        let zone = department.department.timezone;
        for p in planned.iter().filter(|p| p.customer.is_some()) {
            let local = zone.local(p.span.start()).time();
            assert!(
                CUSTOMER_STARTS
                    .iter()
                    .any(|&(h, m)| NaiveTime::from_hms_opt(h, m, 0) == Some(local)),
                "{local}"
            );
        }
    }

    #[test]
    fn the_past_is_marked_and_the_future_is_open() {
        let (_, planned) = planned();
        let past: Vec<_> = planned.iter().filter(|p| p.span.end() <= now()).collect();
        let ahead: Vec<_> = planned.iter().filter(|p| p.span.start() > now()).collect();
        let has =
            |set: &[&Planned], change| set.iter().any(|p| p.changes.iter().any(|c| c.0 == change));
        assert!(has(&past, Change::Complete));
        assert!(has(&past, Change::NoShow));
        assert!(has(&past, Change::CancelByCustomer));
        assert!(has(&ahead, Change::CancelByCustomer));
        assert!(
            ahead.iter().any(|p| p.changes.is_empty()),
            "upcoming confirmed or pending"
        );
        for p in &planned {
            assert!(p.created < now());
            assert!(
                p.changes
                    .iter()
                    .all(|(_, at)| *at <= now() && *at >= p.created)
            );
            assert!(
                p.changes
                    .iter()
                    .all(|(c, _)| !matches!(c, Change::Complete | Change::NoShow)
                        || p.span.start() <= now())
            );
        }
        assert!(
            planned
                .iter()
                .any(|p| p.customer.is_none() && !p.participants.is_empty())
        );
    }
}
