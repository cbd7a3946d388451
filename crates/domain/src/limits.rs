//! How often anonymous visitors and signed-in people may repeat what can be abused: guessing
//! passwords, guessing customers' links, moving a meeting again and again (each move emails the
//! customer, the host and the watchers). The limits are counted where every server process sees
//! them; this module only decides, from what was counted, whether one more is allowed.

use chrono::{DateTime, Duration, Utc};

/// At most `max` events per subject within any `window`; `max == 0` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

impl RateLimit {
    pub const fn per_minutes(max: u32, minutes: i64) -> Self {
        Self {
            max,
            window: Duration::minutes(minutes),
        }
    }

    /// Whether one more event is allowed at `now`, given the `count` events in the window
    /// `now - window .. now` and the `oldest` of them; if not, how long until it is (when the
    /// oldest leaves the window), at least a second.
    pub fn check(
        &self,
        count: u64,
        oldest: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), Duration> {
        if self.max == 0 || count < u64::from(self.max) {
            return Ok(());
        }
        let free_at = oldest.map_or(now + self.window, |oldest| oldest + self.window);
        Err((free_at - now).max(Duration::seconds(1)))
    }

    /// Where counting starts for a check at `now`.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }
}

/// How many times a customer may move a meeting with its reschedule link; after that the
/// department moves it for them.
pub const CUSTOMER_RESCHEDULES: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 4, 9, minute, 0).unwrap()
    }

    #[test]
    fn events_below_the_limit_are_allowed() {
        let limit = RateLimit::per_minutes(3, 15);
        assert_eq!(limit.check(0, None, at(0)), Ok(()));
        assert_eq!(limit.check(2, Some(at(0)), at(5)), Ok(()));
    }

    #[test]
    fn at_the_limit_the_wait_ends_when_the_oldest_event_leaves_the_window() {
        let limit = RateLimit::per_minutes(3, 15);
        assert_eq!(
            limit.check(3, Some(at(2)), at(10)),
            Err(Duration::minutes(7))
        );
        assert_eq!(
            limit.check(5, Some(at(0)), at(15)),
            Err(Duration::seconds(1)),
            "never less than a second"
        );
    }

    #[test]
    fn a_limit_of_zero_is_no_limit() {
        let none = RateLimit::per_minutes(0, 60);
        assert_eq!(none.check(1_000_000, Some(at(0)), at(1)), Ok(()));
    }
}
