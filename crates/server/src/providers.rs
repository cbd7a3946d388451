//! The OAuth calendar providers this server is configured for (Google, Microsoft), the cipher
//! their tokens are sealed with, and the one HTTP client that talks to them. Tokens are opened
//! only for the request that needs them and never leave this process in the clear.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use mm_calendars::{
    CalendarApi, CryptoError, TokenCipher,
    google::GoogleCalendar,
    oauth::{OAuthClient, Tokens},
    outlook::OutlookCalendar,
    zoom::Zoom,
};
use mm_domain::external_calendar::IntegrationKind;
use mm_store::SealedTokens;
use url::Url;

use crate::config::{Config, ProviderConfig};

/// One provider: how members consent, and its calendar API.
#[derive(Debug, Clone)]
pub struct Provider {
    pub oauth: OAuthClient,
    pub api: CalendarApi,
}

#[derive(Debug, Clone)]
pub struct Providers {
    google: Option<Provider>,
    microsoft: Option<Provider>,
    cipher: Option<TokenCipher>,
    /// Makes Zoom meetings for bookings, when configured.
    pub zoom: Option<std::sync::Arc<Zoom>>,
    pub http: reqwest::Client,
}

/// How long a `Retry-After` is waited for inside one sync; longer waits fail the sync, which the
/// next round retries.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(30);

impl Providers {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let cipher = config
            .encryption_key
            .as_ref()
            .map(|key| TokenCipher::from_base64_key(key.expose()))
            .transpose()
            .context("MM_ENCRYPTION_KEY")?;
        let google = config
            .google
            .as_ref()
            .map(|google| -> anyhow::Result<Provider> {
                Ok(Provider {
                    oauth: oauth_client(
                        google,
                        &[
                            "https://www.googleapis.com/auth/calendar.events",
                            "https://www.googleapis.com/auth/calendar.readonly",
                        ],
                        // A refresh token on every consent, also when the person consented before.
                        &[("access_type", "offline"), ("prompt", "consent")],
                        false,
                    )
                    .context("MM_GOOGLE_*")?,
                    api: CalendarApi::Google(GoogleCalendar {
                        api_base: Url::parse(&google.api_url).context("MM_GOOGLE_API_URL")?,
                        max_wait: MAX_RATE_LIMIT_WAIT,
                    }),
                })
            })
            .transpose()?;
        let microsoft = config
            .microsoft
            .as_ref()
            .map(|microsoft| -> anyhow::Result<Provider> {
                Ok(Provider {
                    oauth: oauth_client(
                        microsoft,
                        &[
                            "offline_access",
                            "https://graph.microsoft.com/Calendars.ReadWrite",
                            "https://graph.microsoft.com/User.Read",
                        ],
                        &[],
                        // Microsoft's v2.0 endpoint wants the scopes again on a refresh.
                        true,
                    )
                    .context("MM_MICROSOFT_*")?,
                    api: CalendarApi::Outlook(OutlookCalendar {
                        api_base: Url::parse(&microsoft.api_url)
                            .context("MM_MICROSOFT_GRAPH_URL")?,
                        max_wait: MAX_RATE_LIMIT_WAIT,
                    }),
                })
            })
            .transpose()?;
        let zoom = config
            .zoom
            .as_ref()
            .map(|zoom| -> anyhow::Result<std::sync::Arc<Zoom>> {
                Ok(std::sync::Arc::new(Zoom::new(
                    zoom.account_id.clone(),
                    zoom.client_id.clone(),
                    zoom.client_secret.expose().to_owned(),
                    Url::parse(&zoom.token_url).context("MM_ZOOM_TOKEN_URL")?,
                    Url::parse(&zoom.api_url).context("MM_ZOOM_API_URL")?,
                    zoom.user.clone(),
                )))
            })
            .transpose()?;
        Ok(Self {
            google,
            microsoft,
            zoom,
            cipher,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .connect_timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .context("building the providers' HTTP client")?,
        })
    }

    /// The provider for `kind`, if this server is configured for it.
    pub fn get(&self, kind: IntegrationKind) -> Option<&Provider> {
        match kind {
            IntegrationKind::Google => self.google.as_ref(),
            IntegrationKind::Outlook => self.microsoft.as_ref(),
            IntegrationKind::Ical => None,
        }
    }

    /// Seals tokens fresh from a token endpoint for the store.
    pub fn seal(&self, tokens: &Tokens, now: DateTime<Utc>) -> Result<SealedTokens, CryptoError> {
        let cipher = self.cipher()?;
        Ok(SealedTokens {
            access: cipher.encrypt(&tokens.access_token)?,
            refresh: tokens
                .refresh_token
                .as_deref()
                .map(|t| cipher.encrypt(t))
                .transpose()?,
            expiry_utc: now + chrono::Duration::seconds(tokens.expires_in.max(0)),
        })
    }

    pub fn open(&self, sealed: &str) -> Result<String, CryptoError> {
        self.cipher()?.decrypt(sealed)
    }

    fn cipher(&self) -> Result<&TokenCipher, CryptoError> {
        self.cipher.as_ref().ok_or(CryptoError::BadKey)
    }
}

/// Where a provider sends the member back after consent; registered with the provider as is.
pub fn redirect_uri(public_base_url: &str, kind: IntegrationKind) -> String {
    format!("{public_base_url}/api/v1/oauth/{kind}/callback")
}

fn oauth_client(
    config: &ProviderConfig,
    scopes: &[&str],
    extra: &[(&str, &str)],
    scopes_on_refresh: bool,
) -> anyhow::Result<OAuthClient> {
    Ok(OAuthClient {
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.expose().to_owned(),
        authorize_url: Url::parse(&config.authorize_url).context("the authorization URL")?,
        token_url: Url::parse(&config.token_url).context("the token URL")?,
        revoke_url: config
            .revoke_url
            .as_deref()
            .map(Url::parse)
            .transpose()
            .context("the revocation URL")?,
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        extra: extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        scopes_on_refresh,
    })
}
