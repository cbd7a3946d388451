//! Every limit on what can be repeated, in one place: failed sign-ins per account and per client
//! network, unknown customer links (and calendar-connection states) per network, and changes
//! through customers' links per network. Hits are counted in the database, so every server
//! process sees the same counts (`Store::take_hit`); the numbers come from the configuration.

use chrono::{Duration, Utc};
use mm_domain::limits::RateLimit;
use mm_store::Hit;

use crate::{
    AppState,
    error::{ApiError, ApiResult},
};

/// The window failed sign-ins and unknown links are counted over.
const WINDOW_MINUTES: i64 = 15;

/// A failed (or not yet checked) sign-in, per account: its email, lowercased.
const SIGN_IN_ACCOUNT: &str = "sign_in_account";
/// A failed (or not yet checked) sign-in, per client network.
const SIGN_IN_NETWORK: &str = "sign_in_address";
/// An unknown customer link or calendar-connection state, per client network.
const UNKNOWN_LINK: &str = "unknown_link";
/// A cancellation or reschedule through a customer's link, per client network.
const LINK_CHANGE: &str = "link_change";

fn minutes(max: u32) -> RateLimit {
    RateLimit::per_minutes(max, WINDOW_MINUTES)
}

fn limited(message: &str) -> impl FnOnce(Duration) -> ApiError + '_ {
    move |wait| ApiError::limited(message, wait)
}

/// A sign-in attempt's place in both counts, taken before its password is checked, so that
/// concurrent guesses cannot overshoot: refused (429) when either count is full.
#[derive(Debug)]
pub struct SignInAttempt {
    account: String,
    from_network: Hit,
}

pub async fn sign_in_attempt(
    state: &AppState,
    account: &str,
    network: &str,
) -> ApiResult<SignInAttempt> {
    let (store, config, now) = (&state.store, &state.config, Utc::now());
    let from_network = store
        .take_hit(
            SIGN_IN_NETWORK,
            network,
            minutes(config.sign_in_limit_per_address),
            now,
        )
        .await?
        .map_err(limited(
            "too many failed sign-ins from this network; try again later",
        ))?;
    own_password_attempt(state, account).await?;
    Ok(SignInAttempt {
        account: account.to_owned(),
        from_network,
    })
}

/// The attempt was right: its account's count is cleared and its network's hit given back.
pub async fn sign_in_succeeded(state: &AppState, attempt: SignInAttempt) -> ApiResult<()> {
    state
        .store
        .forget_hits(SIGN_IN_ACCOUNT, &attempt.account)
        .await?;
    state.store.release_hit(attempt.from_network).await?;
    Ok(())
}

/// A password check of an account (a sign-in, or a signed-in person confirming theirs) takes a
/// hit of its account's count.
pub async fn own_password_attempt(state: &AppState, account: &str) -> ApiResult<()> {
    state
        .store
        .take_hit(
            SIGN_IN_ACCOUNT,
            account,
            minutes(state.config.sign_in_limit),
            Utc::now(),
        )
        .await?
        .map(|_| ())
        .map_err(|wait| {
            ApiError::limited(
                format!(
                    "too many wrong passwords for this account; try again in {} minutes",
                    (wait.num_seconds() + 59) / 60
                ),
                wait,
            )
        })
}

/// A right password for `account`: its count starts again.
pub async fn own_password_right(state: &AppState, account: &str) -> ApiResult<()> {
    Ok(state.store.forget_hits(SIGN_IN_ACCOUNT, account).await?)
}

/// Refuses a network that has tried too many unknown links, before anything is looked up.
pub async fn refuse_link_guessers(state: &AppState, network: &str) -> ApiResult<()> {
    state
        .store
        .limit_left(
            UNKNOWN_LINK,
            network,
            minutes(state.config.link_failure_limit),
            Utc::now(),
        )
        .await?
        .map_err(limited(
            "too many unknown links from this network; try again later",
        ))
}

/// Counts an unknown link against the network.
pub async fn count_unknown_link(state: &AppState, network: &str) -> ApiResult<()> {
    // Past the limit no hit is recorded, which changes nothing: the next request is refused.
    let _ = state
        .store
        .take_hit(
            UNKNOWN_LINK,
            network,
            minutes(state.config.link_failure_limit),
            Utc::now(),
        )
        .await?;
    Ok(())
}

/// Counts a change through a customer's link against the network (per hour).
pub async fn count_link_change(state: &AppState, network: &str) -> ApiResult<()> {
    let limit = RateLimit::per_minutes(state.config.public_change_rate_limit, 60);
    state
        .store
        .take_hit(LINK_CHANGE, network, limit, Utc::now())
        .await?
        .map(|_| ())
        .map_err(limited(
            "too many changes to bookings from this network in the last hour; try again later",
        ))
}

/// Requests per API key and minute, counted in this process: an integration's every request
/// must not cost a database write, so each process keeps its own count (with N processes a key
/// may make N times the limit). Windows are whole minutes.
#[derive(Debug, Default)]
pub struct KeyThrottle {
    windows: std::sync::Mutex<std::collections::HashMap<uuid::Uuid, (i64, u32)>>,
}

impl KeyThrottle {
    /// Counts a request of `key` at `now` against `per_minute` (0: no limit); a 429 saying when
    /// the next minute starts once the minute's requests are used up.
    pub fn take(
        &self,
        key: uuid::Uuid,
        per_minute: u32,
        now: chrono::DateTime<Utc>,
    ) -> ApiResult<()> {
        if per_minute == 0 {
            return Ok(());
        }
        let minute = now.timestamp().div_euclid(60);
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget past minutes as they go, so the map holds only the keys used this minute.
        if windows.len() > 1024 {
            windows.retain(|_, (at, _)| *at == minute);
        }
        let window = windows.entry(key).or_insert((minute, 0));
        if window.0 != minute {
            *window = (minute, 0);
        }
        if window.1 >= per_minute {
            let next = chrono::DateTime::from_timestamp((minute + 1) * 60, 0).unwrap_or(now);
            return Err(ApiError::limited(
                "this API key made too many requests this minute; try again shortly",
                next - now,
            ));
        }
        window.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn a_key_gets_its_minutes_requests_and_a_wait_until_the_next_minute() {
        let throttle = KeyThrottle::default();
        let key = uuid::Uuid::from_u128(1);
        let at = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 45).unwrap();
        assert!(throttle.take(key, 2, at).is_ok());
        assert!(throttle.take(key, 2, at).is_ok());
        match throttle.take(key, 2, at) {
            Err(ApiError::RateLimited { retry_after, .. }) => assert_eq!(retry_after, 15),
            other => panic!("refused with a wait, not {other:?}"),
        }
        assert!(
            throttle.take(uuid::Uuid::from_u128(2), 2, at).is_ok(),
            "per key"
        );
        let next = at + chrono::Duration::seconds(15);
        assert!(throttle.take(key, 2, next).is_ok(), "a new minute");
        assert!(throttle.take(key, 0, at).is_ok(), "0: no limit");
    }
}
