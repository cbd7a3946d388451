//! OAuth 2.0 authorization code with PKCE (RFC 7636) for Google and Microsoft: the consent URL,
//! the code exchange, refreshing before expiry and revoking at disconnect. Endpoints come from
//! configuration, so tests point them at a local fake that answers as the providers do.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::{Rng as _, distributions::Alphanumeric};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use url::Url;

/// One provider's OAuth client and endpoints.
#[derive(Clone)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: String,
    pub authorize_url: Url,
    pub token_url: Url,
    /// `None`: the provider has no revocation endpoint (Microsoft); disconnecting deletes ours.
    pub revoke_url: Option<Url>,
    pub scopes: Vec<String>,
    /// Extra parameters of the consent URL (Google's `access_type=offline`).
    pub extra: Vec<(String, String)>,
    /// Whether a refresh names the scopes again (Microsoft's v2.0 endpoint wants them).
    pub scopes_on_refresh: bool,
}

impl std::fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

/// A PKCE verifier and its S256 challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(64)
            .map(char::from)
            .collect();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// An unguessable `state` that ties a callback to the person who started it.
pub fn new_state() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(43)
        .map(char::from)
        .collect()
}

/// Tokens as a token endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    /// Absent on a refresh that keeps the old refresh token.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Seconds the access token lives.
    #[serde(default = "an_hour")]
    pub expires_in: i64,
    #[serde(default)]
    pub scope: Option<String>,
}

fn an_hour() -> i64 {
    3600
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The provider refused: `invalid_grant` means the person revoked access or the refresh token
    /// expired, and they must connect again.
    #[error("the provider refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("the provider could not be reached: {0}")]
    Network(String),
    #[error("the provider's answer could not be read")]
    Unreadable,
}

impl OAuthError {
    /// The grant is gone for good: the person has to connect again.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, Self::Refused { error, .. } if error == "invalid_grant")
    }
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl OAuthClient {
    /// Where to send the person to consent.
    pub fn authorization_url(&self, redirect_uri: &str, state: &str, pkce: &Pkce) -> Url {
        let mut url = self.authorize_url.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("client_id", &self.client_id)
                .append_pair("response_type", "code")
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("scope", &self.scopes.join(" "))
                .append_pair("state", state)
                .append_pair("code_challenge", &pkce.challenge)
                .append_pair("code_challenge_method", "S256");
            for (key, value) in &self.extra {
                query.append_pair(key, value);
            }
        }
        url
    }

    /// Trades the callback's code for tokens.
    pub async fn exchange_code(
        &self,
        http: &reqwest::Client,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<Tokens, OAuthError> {
        self.token_request(
            http,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    /// A fresh access token; the answer may carry a new refresh token, which replaces the old.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        refresh_token: &str,
    ) -> Result<Tokens, OAuthError> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        let scope = self.scopes.join(" ");
        if self.scopes_on_refresh {
            form.push(("scope", scope.as_str()));
        }
        self.token_request(http, &form).await
    }

    /// Withdraws our access at the provider; a token it no longer knows counts as revoked.
    pub async fn revoke(&self, http: &reqwest::Client, token: &str) -> Result<(), OAuthError> {
        let Some(url) = &self.revoke_url else {
            return Ok(());
        };
        let response = http
            .post(url.clone())
            .form(&[("token", token)])
            .send()
            .await
            .map_err(|e| OAuthError::Network(without_url(&e)))?;
        if response.status().is_success() || response.status().as_u16() == 400 {
            Ok(())
        } else {
            Err(OAuthError::Refused {
                error: format!("revocation answered {}", response.status().as_u16()),
                description: None,
            })
        }
    }

    async fn token_request(
        &self,
        http: &reqwest::Client,
        form: &[(&str, &str)],
    ) -> Result<Tokens, OAuthError> {
        let mut form = form.to_vec();
        form.push(("client_id", &self.client_id));
        form.push(("client_secret", &self.client_secret));
        let response = http
            .post(self.token_url.clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| OAuthError::Network(without_url(&e)))?;
        let ok = response.status().is_success();
        let body = response
            .bytes()
            .await
            .map_err(|e| OAuthError::Network(without_url(&e)))?;
        if ok {
            serde_json::from_slice(&body).map_err(|_| OAuthError::Unreadable)
        } else {
            let answer: ErrorAnswer =
                serde_json::from_slice(&body).map_err(|_| OAuthError::Unreadable)?;
            Err(OAuthError::Refused {
                error: answer.error,
                description: answer.error_description,
            })
        }
    }
}

/// reqwest's errors may name a URL with a token in it.
pub(crate) fn without_url(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "could not connect".into()
    } else {
        "the transfer failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn google() -> OAuthClient {
        OAuthClient {
            client_id: "client-1.apps.googleusercontent.com".into(),
            client_secret: "secret".into(),
            authorize_url: Url::parse("https://accounts.google.com/o/oauth2/v2/auth").unwrap(),
            token_url: Url::parse("https://oauth2.googleapis.com/token").unwrap(),
            revoke_url: Some(Url::parse("https://oauth2.googleapis.com/revoke").unwrap()),
            scopes: vec!["https://www.googleapis.com/auth/calendar.events".into()],
            extra: vec![("access_type".into(), "offline".into())],
            scopes_on_refresh: false,
        }
    }

    #[test]
    fn the_s256_challenge_is_the_hash_of_the_verifier() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let pkce = Pkce::new();
        assert_eq!(pkce.verifier.len(), 64);
        assert_ne!(pkce.verifier, Pkce::new().verifier);
    }

    #[test]
    fn the_consent_url_carries_the_client_scopes_state_and_challenge() {
        let pkce = Pkce::new();
        let url = google().authorization_url(
            "https://mm.example/api/v1/oauth/google/callback",
            "st4te",
            &pkce,
        );
        let pairs: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(pairs["client_id"], "client-1.apps.googleusercontent.com");
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["state"], "st4te");
        assert_eq!(pairs["code_challenge"], pkce.challenge);
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["access_type"], "offline");
        assert!(
            !url.as_str().contains("secret"),
            "the secret never travels in a URL"
        );
        assert!(!format!("{:?}", google()).contains("secret\""));
    }

    #[test]
    fn only_a_lost_grant_asks_the_person_to_connect_again() {
        let lost = OAuthError::Refused {
            error: "invalid_grant".into(),
            description: Some("Token has been expired or revoked.".into()),
        };
        assert!(lost.needs_reconnect());
        assert!(!OAuthError::Network("timed out".into()).needs_reconnect());
    }
}
