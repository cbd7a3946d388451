//! Authentication: argon2 password hashes (a bounded number at a time), HS256 bearer tokens that
//! name a server-side session, and the extractors that turn a request into a signed-in
//! `Principal` (or a 401).
//!
//! A token is only as good as its session: signing out, a password change, a deactivation or a
//! change of role ends sessions in the database, and the next request with their tokens is a 401.

use std::{future::Future, pin::Pin, sync::LazyLock, time::Duration};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use mm_domain::{
    Principal,
    api_key::{ApiKeyToken, Scope},
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::{AppState, error::ApiError};

/// Signing keys and token lifetime.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: chrono::Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    /// The session the token belongs to.
    sid: Uuid,
    iat: i64,
    exp: i64,
}

/// HMAC-SHA256 of `parts`, one after the other, under `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Whether a secret a client offered is the one expected, compared as digests so that the time
/// taken tells nothing about how much of it was right.
pub fn same_secret(offered: &str, expected: &str) -> bool {
    use sha2::Digest;
    Sha256::digest(offered.as_bytes()) == Sha256::digest(expected.as_bytes())
}

/// A key for one purpose derived from the server secret, so that no two uses share a key.
pub fn derive_key(secret: &[u8], purpose: &str) -> [u8; 32] {
    hmac_sha256(secret, &[purpose.as_bytes()])
}

/// What a valid token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSubject {
    pub user_id: Uuid,
    pub session_id: Uuid,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: chrono::Duration) -> Self {
        let key = derive_key(secret, "meeting-manager staff sessions v1");
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            ttl,
        }
    }

    pub fn ttl(&self) -> chrono::Duration {
        self.ttl
    }

    /// A token for a session of `user_id` opened at `now`, and its lifetime in seconds.
    pub fn issue(
        &self,
        subject: TokenSubject,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, u64)> {
        let claims = Claims {
            sub: subject.user_id,
            sid: subject.session_id,
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, self.ttl.num_seconds().max(0) as u64))
    }

    /// What a validly signed, unexpired token names (its session may still have ended).
    pub fn verify(&self, token: &str) -> Option<TokenSubject> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| TokenSubject {
                user_id: data.claims.sub,
                session_id: data.claims.sid,
            })
    }
}

/// Password hashing runs at most this many at a time: each argon2 run holds 19 MiB and a core
/// for tens of milliseconds, so an unbounded number would let a flood of sign-ins exhaust memory.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Semaphore::new(cores.max(2))
});

/// How long a request waits for a turn to hash before it is told to come back.
const HASHING_WAIT: Duration = Duration::from_secs(10);

async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _turn = tokio::time::timeout(HASHING_WAIT, HASHING.acquire())
        .await
        .map_err(|_| ApiError::Busy)?
        .map_err(|e| ApiError::Internal(e.into()))?;
    web::block(work)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing stopped: {e}")))
}

/// Hashes a password with argon2id off the async threads.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

/// Checks a password; with no stored hash it still spends the same work, so that an unknown
/// email and a wrong password cannot be told apart by timing.
pub async fn verify_password(
    stored_hash: Option<String>,
    password: String,
) -> Result<bool, ApiError> {
    static DECOY: LazyLock<String> = LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"decoy password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    hashing(move || {
        let known = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| DECOY.clone());
        let matches = PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
}

/// The bearer token of a request, if it sent one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
}

/// A signed-in, active staff person and the session their token belongs to.
#[derive(Debug)]
pub struct SignedIn {
    pub principal: Principal,
    pub session_id: Uuid,
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
            let subject = token
                .and_then(|t| state.tokens.verify(&t))
                .ok_or(ApiError::Unauthorized)?;
            let principal = state
                .store
                .session_principal(subject.user_id, subject.session_id, Utc::now())
                .await?
                .ok_or(ApiError::Unauthorized)?;
            tracing::Span::current().record("user_id", tracing::field::display(subject.user_id));
            Ok(SignedIn {
                principal,
                session_id: subject.session_id,
            })
        })
    }
}

/// A signed-in, active staff person, or an API key acting for one within its scopes. Taking it
/// as a handler argument means "requires login"; what a person may do is judged on the
/// principal, whichever way they came.
#[derive(Debug)]
pub struct Staff(pub Principal);

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        match bearer(req).filter(|t| ApiKeyToken::looks_like(t)) {
            Some(key) => Box::pin(key_holder(req, key)),
            None => {
                let signed_in = SignedIn::from_request(req, payload);
                Box::pin(async move { Ok(Staff(signed_in.await?.principal)) })
            }
        }
    }
}

/// The person an API key acts for, if the key is live, its person active, the request within
/// its scopes and its throttle.
fn key_holder(
    req: &HttpRequest,
    key: String,
) -> impl Future<Output = Result<Staff, ApiError>> + use<> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let needed = req
        .match_pattern()
        .map(|pattern| scope_for(req.method(), &pattern));
    async move {
        let state = state
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
        let key = ApiKeyToken::parse(&key).ok_or(ApiError::Unauthorized)?;
        let now = Utc::now();
        let (key, principal) = state
            .store
            .key_holder(&crate::links::hash(key.as_str()), now)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        tracing::Span::current().record("user_id", tracing::field::display(key.user_id));
        match needed.flatten() {
            None => {
                return Err(ApiError::Forbidden(
                    "API keys cannot be used here; sign in as a person",
                ));
            }
            Some(scope) if !key.allows(scope) => {
                return Err(ApiError::NotAllowed(format!(
                    "this API key lacks the scope '{scope}'"
                )));
            }
            Some(_) => {}
        }
        state
            .key_throttle
            .take(key.id, state.config.api_key_rate_limit, now)?;
        Ok(Staff(principal))
    }
}

/// The scope an API key needs for `method` on the route `pattern` (as registered, with
/// `/api/v1`); `None` where keys are not taken: signing in and out, the keys themselves,
/// connecting calendars through a browser, and customers' personal data.
pub fn scope_for(method: &actix_web::http::Method, pattern: &str) -> Option<Scope> {
    let path = pattern.strip_prefix("/api/v1").unwrap_or(pattern);
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let reads = method == actix_web::http::Method::GET;
    let of = |read, write| Some(if reads { read } else { write });
    let availability = path.contains("/availability-rules")
        || path.ends_with("/working-hours")
        || first == "availability-rules";
    match first {
        "bookings" | "outbox" => of(Scope::BookingsRead, Scope::BookingsWrite),
        "calendar" | "analytics" if reads => Some(Scope::BookingsRead),
        "scheduling" if reads => Some(Scope::AvailabilityRead),
        _ if availability => of(Scope::AvailabilityRead, Scope::SettingsWrite),
        "departments" | "meeting-types" | "users" | "calendar-integrations" => {
            of(Scope::SettingsRead, Scope::SettingsWrite)
        }
        "webhooks" => Some(Scope::WebhooksWrite),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(user: u128) -> TokenSubject {
        TokenSubject {
            user_id: Uuid::from_u128(user),
            session_id: Uuid::from_u128(user + 100),
        }
    }

    #[test]
    fn a_token_names_its_user_and_session_until_it_expires() {
        let keys = TokenKeys::new(
            b"test-secret-test-secret-test-secret",
            chrono::Duration::minutes(5),
        );
        let (token, expires_in) = keys.issue(subject(7), Utc::now()).unwrap();
        assert_eq!(expires_in, 300);
        assert_eq!(keys.verify(&token), Some(subject(7)));
        let (old, _) = keys
            .issue(subject(7), Utc::now() - chrono::Duration::minutes(10))
            .unwrap();
        assert_eq!(keys.verify(&old), None);
    }

    #[test]
    fn a_token_signed_with_another_secret_or_the_raw_secret_is_refused() {
        let secret = b"our-secret-our-secret-our-secret";
        let ours = TokenKeys::new(secret, chrono::Duration::minutes(5));
        let theirs = TokenKeys::new(
            b"their-secret-their-secret-their",
            chrono::Duration::minutes(5),
        );
        let (token, _) = theirs.issue(subject(1), Utc::now()).unwrap();
        assert_eq!(ours.verify(&token), None);
        assert_eq!(ours.verify("not-a-token"), None);
        // Signed with the secret itself rather than the key derived for sessions.
        let raw = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &Claims {
                sub: Uuid::from_u128(1),
                sid: Uuid::from_u128(2),
                iat: Utc::now().timestamp(),
                exp: Utc::now().timestamp() + 60,
            },
            &EncodingKey::from_secret(secret),
        )
        .unwrap();
        assert_eq!(ours.verify(&raw), None);
    }

    #[test]
    fn keys_for_different_purposes_differ() {
        let secret = b"one-secret-one-secret-one-secret";
        assert_ne!(derive_key(secret, "a"), derive_key(secret, "b"));
        assert_eq!(derive_key(secret, "a"), derive_key(secret, "a"));
    }
}
