//! When a meeting's reminders go out.
//!
//! Each entry of a meeting type's reminder schedule ("24 hours before", "1 hour before") is
//! handled at most once per start time of a booking: sent, or skipped when sending it would be
//! noise. A reschedule gives the booking a new start time, so every entry is armed again.

use chrono::{DateTime, Duration, Utc};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr};

use crate::{
    booking::{ActorRole, HistoryAction, HistoryEntry},
    meeting_type::{Reminder, ReminderChannel},
};

/// What became of one reminder entry for one start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ReminderOutcome {
    Sent,
    /// Its time had passed when the meeting was booked, moved or approved, or a nearer reminder
    /// superseded it.
    Skipped,
}

/// A reminder entry handled for a booking, as the booking records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderRecord {
    pub hours_before: u32,
    pub channel: ReminderChannel,
    /// The start time it reminded of; a reschedule arms the schedule again for the new one.
    pub for_start: DateTime<Utc>,
    pub handled_utc: DateTime<Utc>,
    pub outcome: ReminderOutcome,
}

/// What to do about a meeting's reminder schedule now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueReminders {
    pub send: Option<Reminder>,
    pub skip: Vec<Reminder>,
}

impl DueReminders {
    pub fn is_empty(&self) -> bool {
        self.send.is_none() && self.skip.is_empty()
    }

    /// Each entry handled now, with what became of it: the one sent, then those skipped.
    pub fn outcomes(&self) -> impl Iterator<Item = (&Reminder, ReminderOutcome)> {
        let sent = self.send.iter().map(|r| (r, ReminderOutcome::Sent));
        sent.chain(self.skip.iter().map(|r| (r, ReminderOutcome::Skipped)))
    }

    /// The booking's history entry for the reminder sent, if one is.
    pub fn history(&self, now: DateTime<Utc>) -> Option<HistoryEntry> {
        self.send.map(|reminder| HistoryEntry {
            action: HistoryAction::ReminderSent,
            action_by: None,
            action_by_role: ActorRole::System,
            action_utc: now,
            old_value: None,
            new_value: Some(format!("{}h", reminder.hours_before)),
            notes: None,
        })
    }
}

/// The reminders of `schedule` due at `now` for a meeting starting at `start`.
///
/// An entry is due from `hours_before` ahead of the start until the start. `armed` is when the
/// meeting got its current time and was confirmed: an entry whose time came before that is
/// skipped, because the confirmation just said everything it would. When several entries are due
/// at once (the sender was down), only the nearest is sent. `handled` lists the offsets already
/// sent or skipped for this start.
pub fn due_reminders(
    schedule: &[Reminder],
    start: DateTime<Utc>,
    armed: DateTime<Utc>,
    now: DateTime<Utc>,
    handled: &[u32],
) -> DueReminders {
    if now >= start {
        return DueReminders::default();
    }
    let mut due: Vec<Reminder> = schedule
        .iter()
        .filter(|r| r.is_active && !handled.contains(&r.hours_before))
        .filter(|r| start - Duration::hours(i64::from(r.hours_before)) <= now)
        .copied()
        .collect();
    due.sort_by_key(|r| r.hours_before);
    let mut plan = DueReminders::default();
    for reminder in due {
        let time = start - Duration::hours(i64::from(reminder.hours_before));
        if plan.send.is_none() && time >= armed {
            plan.send = Some(reminder);
        } else {
            plan.skip.push(reminder);
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn entry(hours_before: u32) -> Reminder {
        Reminder {
            hours_before,
            channel: ReminderChannel::Email,
            is_active: true,
        }
    }

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 29, 9, 0, 0).unwrap()
    }

    fn hours(h: i64) -> Duration {
        Duration::hours(h)
    }

    const SCHEDULE: [Reminder; 2] = [
        Reminder {
            hours_before: 24,
            channel: ReminderChannel::Email,
            is_active: true,
        },
        Reminder {
            hours_before: 1,
            channel: ReminderChannel::Email,
            is_active: true,
        },
    ];

    #[test]
    fn a_sent_reminder_is_recorded_in_the_history_and_skipped_ones_are_not() {
        let now = start() - hours(1);
        let plan = DueReminders {
            send: Some(entry(1)),
            skip: vec![entry(24)],
        };
        let outcomes: Vec<(u32, ReminderOutcome)> =
            plan.outcomes().map(|(r, o)| (r.hours_before, o)).collect();
        assert_eq!(
            outcomes,
            [(1, ReminderOutcome::Sent), (24, ReminderOutcome::Skipped)]
        );
        let recorded = plan.history(now).unwrap();
        assert_eq!(recorded.action, HistoryAction::ReminderSent);
        assert_eq!(recorded.new_value.as_deref(), Some("1h"));
        assert_eq!(recorded.action_by_role, ActorRole::System);

        let skipped_only = DueReminders {
            send: None,
            skip: vec![entry(24)],
        };
        assert_eq!(skipped_only.history(now), None);
    }

    #[test]
    fn nothing_is_due_before_the_first_reminder_time() {
        let booked = start() - hours(72);
        let plan = due_reminders(&SCHEDULE, start(), booked, start() - hours(25), &[]);
        assert!(plan.is_empty());
    }

    #[test]
    fn the_day_before_reminder_is_due_a_day_before() {
        let booked = start() - hours(72);
        let plan = due_reminders(&SCHEDULE, start(), booked, start() - hours(24), &[]);
        assert_eq!(plan.send, Some(entry(24)));
        assert!(plan.skip.is_empty());
    }

    #[test]
    fn a_handled_reminder_is_not_due_again() {
        let booked = start() - hours(72);
        let now = start() - hours(23);
        assert!(due_reminders(&SCHEDULE, start(), booked, now, &[24]).is_empty());
        let last_hour = due_reminders(&SCHEDULE, start(), booked, start() - hours(1), &[24]);
        assert_eq!(last_hour.send, Some(entry(1)));
    }

    #[test]
    fn a_meeting_booked_three_hours_ahead_skips_the_day_before_reminder_but_gets_the_last_hour_one()
    {
        let booked = start() - hours(3);
        let now_plan = due_reminders(&SCHEDULE, start(), booked, booked, &[]);
        assert_eq!(now_plan.send, None);
        assert_eq!(now_plan.skip, [entry(24)]);
        let later = due_reminders(&SCHEDULE, start(), booked, start() - hours(1), &[24]);
        assert_eq!(later.send, Some(entry(1)));
    }

    #[test]
    fn after_an_outage_only_the_nearest_due_reminder_is_sent() {
        let booked = start() - hours(72);
        let plan = due_reminders(
            &SCHEDULE,
            start(),
            booked,
            start() - Duration::minutes(30),
            &[],
        );
        assert_eq!(plan.send, Some(entry(1)));
        assert_eq!(plan.skip, [entry(24)]);
    }

    #[test]
    fn no_reminder_once_the_meeting_has_started() {
        let booked = start() - hours(72);
        assert!(due_reminders(&SCHEDULE, start(), booked, start(), &[]).is_empty());
    }

    #[test]
    fn inactive_entries_never_fire() {
        let schedule = [Reminder {
            is_active: false,
            ..entry(24)
        }];
        let booked = start() - hours(72);
        assert!(due_reminders(&schedule, start(), booked, start() - hours(2), &[]).is_empty());
    }
}
