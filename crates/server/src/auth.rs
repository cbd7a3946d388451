//! Authentication: argon2 password hashes, HS256 JWT bearer tokens, and the `Staff` extractor
//! that turns a request into a signed-in `Principal` (or a 401).

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use mm_domain::Principal;
use serde::{Deserialize, Serialize};
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
    iat: i64,
    exp: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: chrono::Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl,
        }
    }

    /// A token for `user_id`, and its lifetime in seconds.
    pub fn issue(&self, user_id: Uuid, now: DateTime<Utc>) -> anyhow::Result<(String, u64)> {
        let claims = Claims {
            sub: user_id,
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, self.ttl.num_seconds().max(0) as u64))
    }

    /// The user id of a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Option<Uuid> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims.sub)
    }
}

/// Hashes a password with argon2id off the async threads.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    web::block(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// Checks a password; with no stored hash it still spends the same work, so that an unknown
/// email and a wrong password cannot be told apart by timing.
pub async fn verify_password(
    stored_hash: Option<String>,
    password: String,
) -> anyhow::Result<bool> {
    static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"decoy password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    });
    let ok = web::block(move || {
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
    .await?;
    Ok(ok)
}

/// A signed-in, active staff person. Taking it as a handler argument means "requires login".
#[derive(Debug)]
pub struct Staff(pub Principal);

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|t| t.trim().to_owned());
        Box::pin(async move {
            let state = state
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
            let user_id = token
                .and_then(|t| state.tokens.verify(&t))
                .ok_or(ApiError::Unauthorized)?;
            let principal = state
                .store
                .principal(user_id)
                .await?
                .ok_or(ApiError::Unauthorized)?;
            tracing::Span::current().record("user_id", tracing::field::display(user_id));
            Ok(Staff(principal))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_user_until_it_expires() {
        let keys = TokenKeys::new(
            b"test-secret-test-secret-test-secret",
            chrono::Duration::minutes(5),
        );
        let user = Uuid::from_u128(7);
        let (token, expires_in) = keys.issue(user, Utc::now()).unwrap();
        assert_eq!(expires_in, 300);
        assert_eq!(keys.verify(&token), Some(user));
        let (old, _) = keys
            .issue(user, Utc::now() - chrono::Duration::minutes(10))
            .unwrap();
        assert_eq!(keys.verify(&old), None);
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let ours = TokenKeys::new(
            b"our-secret-our-secret-our-secret",
            chrono::Duration::minutes(5),
        );
        let theirs = TokenKeys::new(
            b"their-secret-their-secret-their",
            chrono::Duration::minutes(5),
        );
        let (token, _) = theirs.issue(Uuid::from_u128(1), Utc::now()).unwrap();
        assert_eq!(ours.verify(&token), None);
        assert_eq!(ours.verify("not-a-token"), None);
    }
}
