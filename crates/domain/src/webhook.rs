//! Webhooks, after the Standard Webhooks specification: a subscription names a URL, the booking
//! events it wants and optionally one department; every event a change causes becomes one
//! delivery per matching subscription, written with the change. This module holds the policies:
//! which history entry is which event, what a subscription may be, who may manage one, when a
//! failed delivery is tried again, and when a receiver that keeps failing is given up on.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr, VariantNames};
use uuid::Uuid;

use crate::{FieldErrors, Principal, booking::HistoryAction};

/// What happened to a booking, by the name receivers see as the body's `type`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantNames,
    EnumIter,
)]
pub enum WebhookEvent {
    #[strum(serialize = "booking.created")]
    BookingCreated,
    #[strum(serialize = "booking.rescheduled")]
    BookingRescheduled,
    #[strum(serialize = "booking.reassigned")]
    BookingReassigned,
    #[strum(serialize = "booking.cancelled")]
    BookingCancelled,
    #[strum(serialize = "booking.approved")]
    BookingApproved,
    #[strum(serialize = "booking.rejected")]
    BookingRejected,
    #[strum(serialize = "booking.completed")]
    BookingCompleted,
    #[strum(serialize = "booking.no_show")]
    BookingNoShow,
    #[strum(serialize = "booking.updated")]
    BookingUpdated,
    #[strum(serialize = "booking.deleted")]
    BookingDeleted,
}

/// The `type` of the delivery `POST /webhooks/{id}/test` sends; no subscription asks for it.
pub const TEST_EVENT: &str = "webhook.test";

impl WebhookEvent {
    /// The event an entry of a booking's history announces, if any: reminders and calendar
    /// writes are the system's own business; an invitation's answer changes the attendees, an
    /// update.
    pub fn of(action: HistoryAction) -> Option<Self> {
        use HistoryAction as A;
        Some(match action {
            A::Created => Self::BookingCreated,
            A::Rescheduled => Self::BookingRescheduled,
            A::Reassigned => Self::BookingReassigned,
            A::Cancelled => Self::BookingCancelled,
            A::Approved => Self::BookingApproved,
            A::Rejected => Self::BookingRejected,
            A::Completed => Self::BookingCompleted,
            A::NoShow => Self::BookingNoShow,
            A::Confirmed | A::Updated | A::Responded => Self::BookingUpdated,
            A::ReminderSent | A::CalendarSynced => return None,
        })
    }
}

/// Where a delivery stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantNames,
    EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// A receiver answered 2xx.
    Delivered,
    /// Given up on: the schedule is spent, or the receiver answered 410.
    Failed,
}

/// The longest URL a subscription may name.
pub const LONGEST_URL: usize = 2000;
/// How many subscriptions one person may keep.
pub const MOST_SUBSCRIPTIONS_PER_OWNER: usize = 25;

/// A subscription as its maker asked for it: the URL (checked for its address by the caller),
/// each event once, in the contract's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionSpec {
    pub url: String,
    pub events: BTreeSet<WebhookEvent>,
    /// Only this department's bookings; `None`: every department.
    pub department_id: Option<Uuid>,
    pub description: Option<String>,
}

impl SubscriptionSpec {
    /// Checks what a person sent: an `https://` or `http://` URL of at most
    /// [`LONGEST_URL`] characters, at least one known event, a one-line description.
    pub fn parse(
        url: &str,
        events: &[String],
        department_id: Option<Uuid>,
        description: Option<&str>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        // Counted as sent, as the contract's `maxLength` counts.
        let too_long = url.chars().count() > LONGEST_URL;
        let url = url.trim();
        if url.is_empty() {
            errors.add("url", "is required");
        } else if too_long {
            errors.add("url", format!("must be at most {LONGEST_URL} characters"));
        } else if !(url.starts_with("https://") || url.starts_with("http://")) {
            errors.add("url", "must be an https:// (or http://) URL");
        }
        let events = parse_events(events, &mut errors);
        let description = match description.filter(|d| !d.trim().is_empty()) {
            None => None,
            Some(text) => errors.check("description", crate::required_text(text, 200)),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            url: url.to_owned(),
            events,
            department_id,
            description,
        })
    }
}

/// The events named, each once; an error for an unknown one or none at all.
pub fn parse_events(events: &[String], errors: &mut FieldErrors) -> BTreeSet<WebhookEvent> {
    let mut parsed = BTreeSet::new();
    for event in events {
        match event.parse::<WebhookEvent>() {
            Ok(event) => {
                parsed.insert(event);
            }
            Err(_) => errors.add(
                "events",
                format!(
                    "'{event}' is not an event; choose from {}",
                    WebhookEvent::VARIANTS.join(", ")
                ),
            ),
        }
    }
    if events.is_empty() {
        errors.add("events", "name at least one event");
    }
    parsed
}

/// A subscription as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: Uuid,
    /// The staff user who made it: their rights bound what it hears of, and they are told when
    /// it is disabled.
    pub owner_id: Uuid,
    pub spec: SubscriptionSpec,
    pub is_active: bool,
    /// Why it was disabled, when the system disabled it.
    pub disabled_reason: Option<String>,
    /// When its receiver began failing every attempt; `None` while it answers.
    pub failing_since_utc: Option<DateTime<Utc>>,
    pub created_utc: DateTime<Utc>,
    pub updated_utc: DateTime<Utc>,
}

impl Subscription {
    /// Whether a change to a booking of `department_id` announcing `event` is delivered here.
    pub fn wants(&self, event: WebhookEvent, department_id: Uuid) -> bool {
        self.is_active
            && self.spec.events.contains(&event)
            && self.spec.department_id.is_none_or(|d| d == department_id)
    }
}

impl Principal {
    /// Subscribing to the bookings of `department` (`None`: of every department): System
    /// Managers to any, leaders to the departments they lead; members not at all, since a
    /// subscription hears of every booking in its reach.
    pub fn can_subscribe_to(&self, department: Option<Uuid>) -> bool {
        match department {
            None => self.is_system_manager,
            Some(department) => self.can_manage_department(department),
        }
    }

    /// Reading and changing a subscription: its owner while they may still subscribe to what it
    /// covers, and System Managers.
    pub fn can_manage_subscription(&self, subscription: &Subscription) -> bool {
        self.is_system_manager
            || (subscription.owner_id == self.user_id
                && self.can_subscribe_to(subscription.spec.department_id))
    }
}

/// The waits between attempts after the first, as the Standard Webhooks specification
/// suggests: seconds, minutes, hours; the last attempt comes a little over a day after the first.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::seconds(5),
    Duration::minutes(5),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(5),
    Duration::hours(10),
    Duration::hours(10),
];
/// A receiver failing every attempt this long has its subscription disabled.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);
/// How long a receiver may take to answer.
pub const TIMEOUT_SECONDS: u64 = 15;

/// What a receiver's answer (or its silence) means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP status, with the wait `Retry-After` asked for, if any.
    Status {
        code: u16,
        retry_after: Option<Duration>,
    },
    /// No answer: the receiver could not be reached, or it took too long.
    Silence,
}

/// What becomes of a delivery after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Tried again at this instant.
    RetryAt(DateTime<Utc>),
    /// Not tried again: the schedule is spent.
    GaveUp,
    /// The receiver answered 410 Gone: it wants nothing more, so the subscription is disabled.
    Gone,
}

/// The verdict on attempt number `attempts` (1 for the first) answered so at `now`: only a
/// 2xx counts; a `Retry-After` is honoured when it asks for a longer wait than the schedule (but
/// never beyond a day).
pub fn judge(answer: Answer, attempts: u32, now: DateTime<Utc>) -> Verdict {
    let retry_after = match answer {
        Answer::Status { code, .. } if (200..300).contains(&code) => return Verdict::Delivered,
        Answer::Status { code: 410, .. } => return Verdict::Gone,
        Answer::Status { retry_after, .. } => retry_after,
        Answer::Silence => None,
    };
    let Some(wait) = usize::try_from(attempts)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| RETRY_SCHEDULE.get(i))
    else {
        return Verdict::GaveUp;
    };
    let wait = retry_after
        .map_or(*wait, |asked| asked.max(*wait))
        .min(Duration::days(1));
    Verdict::RetryAt(now + wait)
}

/// Whether a subscription whose receiver has failed since `failing_since` is given up on at
/// `now`.
pub fn failed_too_long(failing_since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - failing_since >= GIVE_UP_AFTER
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
    }

    /// An active subscription of `owner` to `department`'s new bookings.
    fn created_for(owner: Uuid, department: Uuid) -> Subscription {
        Subscription {
            id: Uuid::from_u128(5),
            owner_id: owner,
            spec: SubscriptionSpec::parse(
                "https://x.io",
                &["booking.created".to_owned()],
                Some(department),
                None,
            )
            .unwrap(),
            is_active: true,
            disabled_reason: None,
            failing_since_utc: None,
            created_utc: now(),
            updated_utc: now(),
        }
    }

    fn status(code: u16) -> Answer {
        Answer::Status {
            code,
            retry_after: None,
        }
    }

    #[test]
    fn every_history_entry_but_reminders_and_calendar_writes_is_an_event() {
        use strum::IntoEnumIterator as _;
        let announced: Vec<HistoryAction> = HistoryAction::iter()
            .filter(|a| WebhookEvent::of(*a).is_none())
            .collect();
        assert_eq!(
            announced,
            [HistoryAction::ReminderSent, HistoryAction::CalendarSynced]
        );
        assert_eq!(
            WebhookEvent::of(HistoryAction::NoShow).map(|e| e.to_string()),
            Some("booking.no_show".to_owned())
        );
    }

    #[test]
    fn a_subscription_needs_a_web_url_and_known_events_each_kept_once() {
        let events = |e: &[&str]| e.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let spec = SubscriptionSpec::parse(
            " https://hooks.example.com/mm ",
            &events(&["booking.cancelled", "booking.created", "booking.created"]),
            None,
            Some("  CRM sync "),
        )
        .unwrap();
        assert_eq!(spec.url, "https://hooks.example.com/mm");
        assert_eq!(
            spec.events.iter().map(|e| e.as_ref()).collect::<Vec<_>>(),
            ["booking.created", "booking.cancelled"]
        );
        assert_eq!(spec.description.as_deref(), Some("CRM sync"));

        let errors = SubscriptionSpec::parse("ftp://x", &events(&["booking.eaten"]), None, None)
            .unwrap_err();
        assert!(errors.contains("url") && errors.contains("events"));
        let errors = SubscriptionSpec::parse("https://x.io", &[], None, Some("a\nb")).unwrap_err();
        assert!(errors.contains("events") && errors.contains("description"));
        let long = format!("https://x.io/{}", "a".repeat(LONGEST_URL));
        assert!(SubscriptionSpec::parse(&long, &events(&["booking.created"]), None, None).is_err());
    }

    #[test]
    fn only_system_managers_subscribe_to_every_department_and_leaders_to_their_own() {
        let (sales, support) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let leader = Principal {
            user_id: Uuid::from_u128(10),
            is_system_manager: false,
            leads: [sales].into(),
            member_of: [sales].into(),
        };
        let member = Principal {
            leads: BTreeSet::new(),
            ..leader.clone()
        };
        let admin = Principal {
            is_system_manager: true,
            ..member.clone()
        };
        assert!(leader.can_subscribe_to(Some(sales)));
        assert!(!leader.can_subscribe_to(Some(support)));
        assert!(!leader.can_subscribe_to(None));
        assert!(!member.can_subscribe_to(Some(sales)));
        assert!(admin.can_subscribe_to(None) && admin.can_subscribe_to(Some(support)));

        let mut theirs = created_for(leader.user_id, sales);
        assert!(leader.can_manage_subscription(&theirs));
        assert!(
            !member.can_manage_subscription(&theirs),
            "the owner who no longer leads the department loses it"
        );
        theirs.owner_id = Uuid::from_u128(11);
        assert!(!leader.can_manage_subscription(&theirs));
        assert!(admin.can_manage_subscription(&theirs));
    }

    #[test]
    fn a_subscription_wants_its_events_of_its_department_while_active() {
        let (sales, support) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut subscription = created_for(Uuid::from_u128(10), sales);
        assert!(subscription.wants(WebhookEvent::BookingCreated, sales));
        assert!(!subscription.wants(WebhookEvent::BookingCreated, support));
        assert!(!subscription.wants(WebhookEvent::BookingCancelled, sales));
        subscription.spec.department_id = None;
        assert!(subscription.wants(WebhookEvent::BookingCreated, support));
        subscription.is_active = false;
        assert!(!subscription.wants(WebhookEvent::BookingCreated, support));
    }

    #[test]
    fn only_a_2xx_delivers_and_failures_follow_the_schedule_until_it_is_spent() {
        assert_eq!(judge(status(204), 1, now()), Verdict::Delivered);
        assert_eq!(
            judge(status(500), 1, now()),
            Verdict::RetryAt(now() + Duration::seconds(5))
        );
        assert_eq!(
            judge(status(302), 2, now()),
            Verdict::RetryAt(now() + Duration::minutes(5)),
            "a redirect is not followed, and not a success"
        );
        assert_eq!(
            judge(Answer::Silence, 7, now()),
            Verdict::RetryAt(now() + Duration::hours(10))
        );
        assert_eq!(judge(Answer::Silence, 8, now()), Verdict::GaveUp);
        let total: Duration = RETRY_SCHEDULE.iter().copied().sum();
        assert!(total > GIVE_UP_AFTER, "the last attempt comes after a day");
    }

    #[test]
    fn gone_disables_and_retry_after_is_honoured_up_to_a_day() {
        assert_eq!(judge(status(410), 1, now()), Verdict::Gone);
        let asked = |wait| Answer::Status {
            code: 429,
            retry_after: Some(wait),
        };
        assert_eq!(
            judge(asked(Duration::minutes(2)), 1, now()),
            Verdict::RetryAt(now() + Duration::minutes(2))
        );
        assert_eq!(
            judge(asked(Duration::seconds(1)), 2, now()),
            Verdict::RetryAt(now() + Duration::minutes(5)),
            "never sooner than the schedule"
        );
        assert_eq!(
            judge(asked(Duration::days(30)), 1, now()),
            Verdict::RetryAt(now() + Duration::days(1))
        );
    }

    #[test]
    fn a_receiver_failing_for_a_day_is_given_up_on() {
        assert!(!failed_too_long(now(), now() + Duration::hours(23)));
        assert!(failed_too_long(now(), now() + Duration::hours(24)));
    }
}
