//! A member's external calendars: which kinds we connect, which way they sync, how the last sync
//! went, and the events a sync brings back. Slot computation reads these events from our own
//! database; it never calls a provider.

use chrono::{DateTime, Duration, Utc};
use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantNames};

use crate::scheduling::{EventTime, ExternalEvent};

/// Where a calendar lives.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum IntegrationKind {
    Google,
    Outlook,
    /// A read-only subscription to an `.ics` URL.
    Ical,
}

impl IntegrationKind {
    /// iCal feeds can only be read; the providers can also take our bookings.
    pub fn can_write(self) -> bool {
        !matches!(self, Self::Ical)
    }
}

/// Whether our bookings are written to the external calendar too.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum SyncDirection {
    ReadOnly,
    TwoWay,
}

/// How the last sync of an integration went.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum SyncStatus {
    /// Connected, never synced yet.
    Pending,
    Success,
    Failed,
}

/// How far ahead a sync reads: the booking window of nearly every meeting type, and what the
/// specification asks for.
pub const SYNC_DAYS_AHEAD: i64 = 60;

/// The most iCal feeds one person may subscribe to: each is fetched and read every few minutes
/// at a cost its publisher chooses.
pub const MAX_FEEDS_PER_PERSON: u64 = 10;

/// The stretch of time a sync started at `now` reads. It begins a day back so that an event in
/// progress, or an all-day event of today in a zone east of UTC, is kept.
pub fn sync_window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(1),
        now + Duration::days(SYNC_DAYS_AHEAD),
    )
}

/// Whether a provider with incremental sync must read the whole window again. Its sync token
/// reports changes, not events that merely came into the window as days passed, so once the
/// window has moved a day beyond what the last full read covered, everything is read again.
pub fn needs_full_read(full_read_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match full_read_until {
        None => true,
        Some(until) => sync_window(now).1 - until >= Duration::days(1),
    }
}

/// How often an access token is refreshed ahead of its expiry, so that no request of a sync
/// runs into the expiry.
pub const TOKEN_REFRESH_MARGIN_SECONDS: i64 = 120;

/// Whether an access token expiring at `expiry` must be refreshed before use.
pub fn token_needs_refresh(expiry: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expiry.is_none_or(|at| at - now <= Duration::seconds(TOKEN_REFRESH_MARGIN_SECONDS))
}

/// One event (or one occurrence of a recurring event) read from an external calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedEvent {
    /// Unique within its calendar and stable across syncs: the provider's id, with the original
    /// start of an occurrence appended for recurring events.
    pub external_id: String,
    pub summary: Option<String>,
    pub event: ExternalEvent,
}

impl SyncedEvent {
    /// Everything about the event that matters to us, in one canonical line: a sync rewrites a
    /// stored event only when this changes.
    pub fn fingerprint(&self) -> String {
        let time = match self.event.time {
            EventTime::Timed(span) => format!("{}/{}", span.start(), span.end()),
            EventTime::AllDay { first, until } => format!("{first}..{until}"),
        };
        format!(
            "{time}|{}|{}",
            self.event.status,
            self.summary.as_deref().unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone as _};

    use super::*;
    use crate::{Interval, scheduling::BusyStatus};

    fn event(status: BusyStatus, summary: &str) -> SyncedEvent {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        SyncedEvent {
            external_id: "abc".into(),
            summary: Some(summary.into()),
            event: ExternalEvent {
                time: EventTime::Timed(Interval::new(start, start + Duration::hours(1)).unwrap()),
                status,
            },
        }
    }

    #[test]
    fn the_fingerprint_changes_with_time_status_or_title_and_nothing_else() {
        let base = event(BusyStatus::Busy, "Dentist");
        assert_eq!(
            base.fingerprint(),
            event(BusyStatus::Busy, "Dentist").fingerprint()
        );
        assert_ne!(
            base.fingerprint(),
            event(BusyStatus::Free, "Dentist").fingerprint()
        );
        assert_ne!(
            base.fingerprint(),
            event(BusyStatus::Busy, "Doctor").fingerprint()
        );
        let mut moved = base.clone();
        moved.event.time = EventTime::AllDay {
            first: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            until: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        };
        assert_ne!(base.fingerprint(), moved.fingerprint());
        let mut renamed = base.clone();
        renamed.external_id = "other".into();
        assert_eq!(base.fingerprint(), renamed.fingerprint());
    }

    #[test]
    fn a_sync_reads_sixty_days_ahead_and_keeps_what_is_in_progress() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let (from, to) = sync_window(now);
        assert!(from < now);
        assert_eq!(to - now, Duration::days(60));
    }

    #[test]
    fn only_the_providers_take_our_bookings() {
        assert!(IntegrationKind::Google.can_write());
        assert!(IntegrationKind::Outlook.can_write());
        assert!(!IntegrationKind::Ical.can_write());
        assert_eq!("ical".parse::<IntegrationKind>(), Ok(IntegrationKind::Ical));
    }

    #[test]
    fn incremental_sync_reads_everything_again_once_the_window_moved_a_day() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert!(needs_full_read(None, now), "never read in full");
        let until = sync_window(now).1;
        assert!(!needs_full_read(Some(until), now));
        assert!(!needs_full_read(Some(until), now + Duration::hours(23)));
        assert!(needs_full_read(Some(until), now + Duration::hours(24)));
    }

    #[test]
    fn an_access_token_is_refreshed_shortly_before_it_expires() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert!(token_needs_refresh(None, now));
        assert!(token_needs_refresh(Some(now - Duration::minutes(1)), now));
        assert!(token_needs_refresh(Some(now + Duration::minutes(1)), now));
        assert!(!token_needs_refresh(Some(now + Duration::minutes(30)), now));
    }
}
