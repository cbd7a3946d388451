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
