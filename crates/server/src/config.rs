//! Server configuration from `MM_*` environment variables, exactly as the contract's table.

use std::{fmt, path::PathBuf};

use anyhow::{Context, bail};
use mm_i18n::Language;

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// `None`: `http://<the address actually bound>`.
    pub public_base_url: Option<String>,
    /// `None`: a random secret per start (tokens die with the process).
    pub jwt_secret: Option<Secret>,
    pub jwt_ttl_minutes: u64,
    pub admin_email: Option<String>,
    pub admin_password: Option<Secret>,
    pub smtp_url: Option<Secret>,
    /// The sender of every email (`MM_MAIL_FROM`); default `Meeting Manager <no-reply@HOST>` with
    /// the host of the public base URL.
    pub mail_from: Option<String>,
    /// Seconds before the first retry of a failed email, doubling to an hour
    /// (`MM_OUTBOX_RETRY_SECONDS`, default 60).
    pub outbox_retry_seconds: u64,
    /// How long a sender owns a claimed email; a sender that died lets it go after this
    /// (`MM_OUTBOX_LEASE_SECONDS`, default 120).
    pub outbox_lease_seconds: u64,
    /// How often reminders and thank-you emails that have come due are queued
    /// (`MM_REMINDER_INTERVAL_SECONDS`, default 60).
    pub reminder_interval_seconds: u64,
    /// The SMS provider (Twilio's Messages API); `None`: text messages stay in the outbox.
    pub twilio: Option<TwilioConfig>,
    pub demo: bool,
    /// The language of customers and staff who have chosen none, and of API messages to
    /// clients that send no `Accept-Language` (`MM_DEFAULT_LANGUAGE`: `en` or `da`; default
    /// `en`).
    pub default_language: Language,
    pub static_dir: PathBuf,
    pub public_booking_rate_limit: u32,
    /// Requests one API key may make per minute, per server process; 0: no limit.
    pub api_key_rate_limit: u32,
    pub encryption_key: Option<Secret>,
    pub ical_allow_private_hosts: bool,
    /// Webhook receivers on loopback and private networks (`MM_WEBHOOK_ALLOW_PRIVATE_HOSTS`).
    pub webhook_allow_private_hosts: bool,
    /// A test mode (`MM_VERIFY_SLOT_CACHE`): every slot table served from the cache is also
    /// computed afresh, and a difference answers 500. Doubles the cost of every read.
    pub verify_slot_cache: bool,
    /// How long after its last sync a calendar is read again
    /// (`MM_CALENDAR_SYNC_INTERVAL_SECONDS`, default 600).
    pub calendar_sync_interval_seconds: u64,
    /// Google Calendar (`MM_GOOGLE_*`); `None`: members cannot connect Google calendars.
    pub google: Option<ProviderConfig>,
    /// Microsoft Outlook through Graph (`MM_MICROSOFT_*`); `None`: no Outlook calendars.
    pub microsoft: Option<ProviderConfig>,
    /// Zoom meetings for bookings (`MM_ZOOM_*`); `None`: meeting types asking for Zoom get no
    /// generated link.
    pub zoom: Option<ZoomConfig>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`MM_TRUSTED_PROXIES`: addresses or
    /// CIDR ranges, comma-separated). Empty: the socket's peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The sites (origins such as `https://www.example.com`) that may show `/embed/*` in a frame
    /// and call the public API from their pages (`MM_ALLOWED_ORIGINS`, comma-separated).
    pub allowed_origins: Vec<String>,
    /// Failed sign-ins allowed per account in 15 minutes (`MM_SIGN_IN_LIMIT`, default 10).
    pub sign_in_limit: u32,
    /// Failed sign-ins allowed per client network in 15 minutes
    /// (`MM_SIGN_IN_LIMIT_PER_ADDRESS`, default 50).
    pub sign_in_limit_per_address: u32,
    /// Unknown customer links and calendar-connection states allowed per client network in 15
    /// minutes (`MM_LINK_FAILURE_LIMIT`, default 20).
    pub link_failure_limit: u32,
    /// Cancellations and reschedules through customers' links allowed per client network per
    /// hour (`MM_PUBLIC_CHANGE_RATE_LIMIT`, default 10; 0 = no limit).
    pub public_change_rate_limit: u32,
    /// The countries (ISO 3166-1 alpha-2) whose phone numbers may get text messages
    /// (`MM_SMS_ALLOWED_COUNTRIES`, or `none`); `None`: the countries of the departments' zones.
    pub sms_allowed_countries: Option<Vec<String>>,
    /// `MM_CUSTOMER_RETENTION_DAYS`: customers of meetings that ended longer ago are erased;
    /// `None` (unset or `0`): kept.
    pub customer_retention_days: Option<u32>,
    /// Who may read `GET /metrics` on the API's address: bearers of this token
    /// (`MM_METRICS_TOKEN`, at least 16 bytes). `None`: nobody there.
    pub metrics_token: Option<Secret>,
    /// A separate address (`MM_METRICS_BIND`, such as `127.0.0.1:9464`) serving `/metrics` to
    /// whoever reaches it, for a scraper on the operator's own network.
    pub metrics_bind: Option<String>,
}

/// The shortest `MM_METRICS_TOKEN` accepted, in bytes.
const MIN_METRICS_TOKEN_BYTES: usize = 16;

/// The shortest `MM_JWT_SECRET` accepted, in bytes: an HMAC key shorter than its hash is
/// guessable offline from any token.
pub const MIN_SECRET_BYTES: usize = 32;

/// `MM_TWILIO_ACCOUNT_SID`, `MM_TWILIO_AUTH_TOKEN` and `MM_TWILIO_FROM`, all or none;
/// `MM_TWILIO_API_URL` points elsewhere than `https://api.twilio.com` (a compatible provider or a
/// test double).
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    pub account_sid: String,
    pub auth_token: Secret,
    pub from: String,
    pub api_url: String,
}

/// An OAuth calendar provider: the app registered with it and where its endpoints are. The
/// endpoints default to the provider's own and are overridable so tests can use local fakes.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub client_id: String,
    pub client_secret: Secret,
    pub authorize_url: String,
    pub token_url: String,
    /// `None`: the provider has no revocation endpoint (Microsoft).
    pub revoke_url: Option<String>,
    /// The calendar API: Google Calendar v3 or Microsoft Graph v1.0.
    pub api_url: String,
}

impl ProviderConfig {
    fn google(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let Some((client_id, client_secret)) = credentials(get, "MM_GOOGLE")? else {
            return Ok(None);
        };
        let or = |name: &str, default: &str| get(name).unwrap_or_else(|| default.to_owned());
        Ok(Some(Self {
            client_id,
            client_secret,
            authorize_url: or(
                "MM_GOOGLE_AUTH_URL",
                "https://accounts.google.com/o/oauth2/v2/auth",
            ),
            token_url: or("MM_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
            revoke_url: Some(or(
                "MM_GOOGLE_REVOKE_URL",
                "https://oauth2.googleapis.com/revoke",
            )),
            api_url: or(
                "MM_GOOGLE_API_URL",
                "https://www.googleapis.com/calendar/v3",
            ),
        }))
    }

    fn microsoft(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let Some((client_id, client_secret)) = credentials(get, "MM_MICROSOFT")? else {
            return Ok(None);
        };
        let tenant = get("MM_MICROSOFT_TENANT").unwrap_or_else(|| "common".to_owned());
        let login = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
        Ok(Some(Self {
            client_id,
            client_secret,
            authorize_url: get("MM_MICROSOFT_AUTH_URL")
                .unwrap_or_else(|| format!("{login}/authorize")),
            token_url: get("MM_MICROSOFT_TOKEN_URL").unwrap_or_else(|| format!("{login}/token")),
            revoke_url: None,
            api_url: get("MM_MICROSOFT_GRAPH_URL")
                .unwrap_or_else(|| "https://graph.microsoft.com/v1.0".to_owned()),
        }))
    }
}

/// A Zoom Server-to-Server OAuth app: `MM_ZOOM_ACCOUNT_ID`, `MM_ZOOM_CLIENT_ID` and
/// `MM_ZOOM_CLIENT_SECRET`, all or none.
#[derive(Debug, Clone)]
pub struct ZoomConfig {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub token_url: String,
    pub api_url: String,
    /// The Zoom user hosting the meetings (`MM_ZOOM_USER`, default `me`: the account owner).
    pub user: String,
}

impl ZoomConfig {
    fn from(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        match (
            get("MM_ZOOM_ACCOUNT_ID"),
            get("MM_ZOOM_CLIENT_ID"),
            get("MM_ZOOM_CLIENT_SECRET"),
        ) {
            (None, None, None) => Ok(None),
            (Some(account_id), Some(client_id), Some(secret)) => Ok(Some(Self {
                account_id,
                client_id,
                client_secret: Secret(secret),
                token_url: get("MM_ZOOM_TOKEN_URL")
                    .unwrap_or_else(|| "https://zoom.us/oauth/token".to_owned()),
                api_url: get("MM_ZOOM_API_URL")
                    .unwrap_or_else(|| "https://api.zoom.us/v2".to_owned()),
                user: get("MM_ZOOM_USER").unwrap_or_else(|| "me".to_owned()),
            })),
            _ => bail!(
                "set all of MM_ZOOM_ACCOUNT_ID, MM_ZOOM_CLIENT_ID and MM_ZOOM_CLIENT_SECRET, or none"
            ),
        }
    }
}

/// `<PREFIX>_CLIENT_ID` and `<PREFIX>_CLIENT_SECRET`, both or neither.
fn credentials(
    get: &impl Fn(&str) -> Option<String>,
    prefix: &str,
) -> anyhow::Result<Option<(String, Secret)>> {
    match (
        get(&format!("{prefix}_CLIENT_ID")),
        get(&format!("{prefix}_CLIENT_SECRET")),
    ) {
        (None, None) => Ok(None),
        (Some(id), Some(secret)) => Ok(Some((id, Secret(secret)))),
        _ => bail!("set both {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET, or neither"),
    }
}

impl Config {
    /// Reads the environment; malformed values are errors, never silently defaulted.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let flag = |name: &str| -> anyhow::Result<bool> {
            match get(name).as_deref() {
                None | Some("0") | Some("false") => Ok(false),
                Some("1") | Some("true") => Ok(true),
                Some(other) => bail!("{name} must be 0 or 1, not {other:?}"),
            }
        };
        let number = |name: &str, default: u64| -> anyhow::Result<u64> {
            get(name).map_or(Ok(default), |v| {
                v.parse()
                    .with_context(|| format!("{name} must be a whole number"))
            })
        };
        let google = ProviderConfig::google(&get)?;
        let microsoft = ProviderConfig::microsoft(&get)?;
        let encryption_key = get("MM_ENCRYPTION_KEY").map(Secret);
        if (google.is_some() || microsoft.is_some()) && encryption_key.is_none() {
            bail!(
                "MM_ENCRYPTION_KEY is required when Google or Microsoft calendars are configured: \
                 their tokens are encrypted with it (make one with `openssl rand -base64 32`)"
            );
        }
        let jwt_secret = get("MM_JWT_SECRET").map(Secret);
        if let Some(secret) = &jwt_secret
            && secret.expose().len() < MIN_SECRET_BYTES
        {
            bail!(
                "MM_JWT_SECRET is {} bytes; it must be at least {MIN_SECRET_BYTES} random bytes, since \
                 anyone who guesses it can sign in as anyone (make one with `openssl rand -base64 48`)",
                secret.expose().len()
            );
        }
        let metrics_token = get("MM_METRICS_TOKEN").map(Secret);
        if let Some(token) = &metrics_token
            && token.expose().len() < MIN_METRICS_TOKEN_BYTES
        {
            bail!(
                "MM_METRICS_TOKEN is {} bytes; it must be at least {MIN_METRICS_TOKEN_BYTES} \
                 (make one with `openssl rand -hex 24`)",
                token.expose().len()
            );
        }
        let limit = |name: &str, default: u64| -> anyhow::Result<u32> {
            u32::try_from(number(name, default)?).with_context(|| format!("{name} is too large"))
        };
        Ok(Self {
            database_url: get("MM_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://data/meeting-manager.db".to_owned()),
            bind: get("MM_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            public_base_url: get("MM_PUBLIC_BASE_URL").map(|u| u.trim_end_matches('/').to_owned()),
            jwt_secret,
            jwt_ttl_minutes: number("MM_JWT_TTL_MINUTES", 8 * 60)?,
            admin_email: get("MM_ADMIN_EMAIL"),
            admin_password: get("MM_ADMIN_PASSWORD").map(Secret),
            smtp_url: get("MM_SMTP_URL").map(Secret),
            mail_from: get("MM_MAIL_FROM"),
            outbox_retry_seconds: number("MM_OUTBOX_RETRY_SECONDS", 60)?.max(1),
            outbox_lease_seconds: number("MM_OUTBOX_LEASE_SECONDS", 120)?.max(1),
            reminder_interval_seconds: number("MM_REMINDER_INTERVAL_SECONDS", 60)?.max(1),
            twilio: match (
                get("MM_TWILIO_ACCOUNT_SID"),
                get("MM_TWILIO_AUTH_TOKEN"),
                get("MM_TWILIO_FROM"),
            ) {
                (None, None, None) => None,
                (Some(account_sid), Some(auth_token), Some(from)) => Some(TwilioConfig {
                    account_sid,
                    auth_token: Secret(auth_token),
                    from,
                    api_url: get("MM_TWILIO_API_URL")
                        .unwrap_or_else(|| "https://api.twilio.com".to_owned()),
                }),
                _ => bail!(
                    "set all of MM_TWILIO_ACCOUNT_SID, MM_TWILIO_AUTH_TOKEN and MM_TWILIO_FROM, or none"
                ),
            },
            demo: flag("MM_DEMO")?,
            default_language: match get("MM_DEFAULT_LANGUAGE") {
                None => Language::En,
                Some(code) => code
                    .parse()
                    .map_err(|e| anyhow::anyhow!("MM_DEFAULT_LANGUAGE {e}"))?,
            },
            customer_retention_days: match number("MM_CUSTOMER_RETENTION_DAYS", 0)? {
                0 => None,
                days @ 1..=36_500 => Some(days as u32),
                _ => bail!("MM_CUSTOMER_RETENTION_DAYS must be at most 36500 (100 years)"),
            },
            static_dir: get("MM_STATIC_DIR")
                .map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from),
            public_booking_rate_limit: limit("MM_PUBLIC_BOOKING_RATE_LIMIT", 10)?,
            api_key_rate_limit: limit("MM_API_KEY_RATE_LIMIT", 600)?,
            encryption_key,
            ical_allow_private_hosts: flag("MM_ICAL_ALLOW_PRIVATE_HOSTS")?,
            webhook_allow_private_hosts: flag("MM_WEBHOOK_ALLOW_PRIVATE_HOSTS")?,
            verify_slot_cache: flag("MM_VERIFY_SLOT_CACHE")?,
            calendar_sync_interval_seconds: number("MM_CALENDAR_SYNC_INTERVAL_SECONDS", 600)?
                .max(1),
            google,
            microsoft,
            zoom: ZoomConfig::from(&get)?,
            trusted_proxies: get("MM_TRUSTED_PROXIES")
                .map(|list| parse_networks(&list))
                .transpose()?
                .unwrap_or_default(),
            allowed_origins: get("MM_ALLOWED_ORIGINS")
                .map(|list| parse_origins(&list))
                .transpose()?
                .unwrap_or_default(),
            sign_in_limit: limit("MM_SIGN_IN_LIMIT", 10)?.max(1),
            sign_in_limit_per_address: limit("MM_SIGN_IN_LIMIT_PER_ADDRESS", 50)?.max(1),
            link_failure_limit: limit("MM_LINK_FAILURE_LIMIT", 20)?.max(1),
            public_change_rate_limit: limit("MM_PUBLIC_CHANGE_RATE_LIMIT", 10)?,
            sms_allowed_countries: get("MM_SMS_ALLOWED_COUNTRIES")
                .map(|list| parse_countries(&list))
                .transpose()?,
            metrics_token,
            metrics_bind: get("MM_METRICS_BIND"),
        })
    }
}

/// `https://www.example.com, http://localhost:3000` → their origins, as browsers send them in
/// `Origin`: scheme, host and a port other than the scheme's.
fn parse_origins(list: &str) -> anyhow::Result<Vec<String>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|raw| {
            let url = url::Url::parse(raw)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .filter(|u| u.path() == "/" && u.query().is_none() && u.username().is_empty())
                .with_context(|| {
                    format!(
                        "MM_ALLOWED_ORIGINS: {raw:?} is not an origin such as https://www.example.com"
                    )
                })?;
            Ok(url.origin().ascii_serialization())
        })
        .collect()
}

/// `DK, se` → `["DK", "SE"]`; `none` → no country.
fn parse_countries(list: &str) -> anyhow::Result<Vec<String>> {
    if list.trim().eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|code| {
            let upper = code.to_ascii_uppercase();
            if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(upper)
            } else {
                bail!(
                    "MM_SMS_ALLOWED_COUNTRIES: {code:?} is not a two-letter country code such as DK"
                )
            }
        })
        .collect()
}

/// `10.0.0.1, 192.168.0.0/16, ::1` → networks; a bare address is a network of one.
fn parse_networks(list: &str) -> anyhow::Result<Vec<ipnet::IpNet>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .with_context(|| {
                    format!("MM_TRUSTED_PROXIES: {s:?} is not an IP address or CIDR range")
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_contract() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.bind, "127.0.0.1:8080");
        assert!(config.database_url.starts_with("sqlite://"));
        assert_eq!(config.public_booking_rate_limit, 10);
        assert!(!config.demo);
    }

    #[test]
    fn malformed_flags_are_errors_not_defaults() {
        assert!(Config::from_lookup(|n| (n == "MM_DEMO").then(|| "yes".to_owned())).is_err());
        assert!(Config::from_lookup(|n| (n == "MM_PUBLIC_BOOKING_RATE_LIMIT").then(|| "ten".to_owned())).is_err());
    }

    #[test]
    fn the_sms_provider_needs_all_three_settings_or_none() {
        let only_sid =
            Config::from_lookup(|n| (n == "MM_TWILIO_ACCOUNT_SID").then(|| "AC1".to_owned()));
        assert!(only_sid.is_err());
        let all = Config::from_lookup(|n| match n {
            "MM_TWILIO_ACCOUNT_SID" => Some("AC1".to_owned()),
            "MM_TWILIO_AUTH_TOKEN" => Some("token".to_owned()),
            "MM_TWILIO_FROM" => Some("+15005550006".to_owned()),
            _ => None,
        })
        .unwrap();
        let twilio = all.twilio.expect("configured");
        assert_eq!(twilio.api_url, "https://api.twilio.com");
        assert!(Config::from_lookup(|_| None).unwrap().twilio.is_none());
    }

    #[test]
    fn a_calendar_provider_needs_its_client_and_the_encryption_key() {
        let google = |extra: &'static [(&'static str, &'static str)]| {
            Config::from_lookup(move |n| {
                [
                    ("MM_GOOGLE_CLIENT_ID", "id.apps.googleusercontent.com"),
                    ("MM_GOOGLE_CLIENT_SECRET", "s3cret"),
                ]
                .iter()
                .chain(extra)
                .find(|(k, _)| *k == n)
                .map(|(_, v)| (*v).to_owned())
            })
        };
        assert!(google(&[]).is_err(), "tokens need the key");
        let config = google(&[(
            "MM_ENCRYPTION_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )])
        .unwrap();
        let provider = config.google.expect("configured");
        assert_eq!(provider.token_url, "https://oauth2.googleapis.com/token");
        assert!(config.microsoft.is_none());
        assert!(
            Config::from_lookup(|n| (n == "MM_MICROSOFT_CLIENT_ID").then(|| "id".to_owned()))
                .is_err(),
            "an id without a secret"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let config = Config::from_lookup(|n| {
            (n == "MM_TRUSTED_PROXIES").then(|| "127.0.0.1, 10.0.0.0/8,::1".to_owned())
        })
        .unwrap();
        assert_eq!(config.trusted_proxies.len(), 3);
        assert!(
            Config::from_lookup(|n| (n == "MM_TRUSTED_PROXIES").then(|| "proxy.local".to_owned()))
                .is_err()
        );
    }

    #[test]
    fn a_short_jwt_secret_is_refused_with_how_to_make_one() {
        let error = Config::from_lookup(|n| (n == "MM_JWT_SECRET").then(|| "secret".to_owned()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("MM_JWT_SECRET"), "{error}");
        assert!(error.contains("openssl rand -base64 48"), "{error}");
        let long = "x".repeat(MIN_SECRET_BYTES);
        assert!(Config::from_lookup(|n| (n == "MM_JWT_SECRET").then(|| long.clone())).is_ok());
    }

    #[test]
    fn allowed_origins_are_normalised_and_nothing_else_is_taken() {
        let config = Config::from_lookup(|n| {
            (n == "MM_ALLOWED_ORIGINS").then(|| {
                "https://www.Example.com/, http://localhost:3000, https://a.example:443".to_owned()
            })
        })
        .unwrap();
        assert_eq!(
            config.allowed_origins,
            [
                "https://www.example.com",
                "http://localhost:3000",
                "https://a.example"
            ]
        );
        for bad in ["www.example.com", "https://x.com/page", "ftp://x.com", "*"] {
            assert!(
                Config::from_lookup(|n| (n == "MM_ALLOWED_ORIGINS").then(|| bad.to_owned()))
                    .is_err(),
                "{bad}"
            );
        }
        assert!(
            Config::from_lookup(|_| None)
                .unwrap()
                .allowed_origins
                .is_empty()
        );
    }

    #[test]
    fn sms_countries_are_two_letter_codes_or_none() {
        let countries = |v: &'static str| {
            Config::from_lookup(move |n| (n == "MM_SMS_ALLOWED_COUNTRIES").then(|| v.to_owned()))
                .map(|c| c.sms_allowed_countries)
        };
        assert_eq!(
            countries("dk, SE").unwrap(),
            Some(vec!["DK".into(), "SE".into()])
        );
        assert_eq!(countries("none").unwrap(), Some(vec![]));
        assert!(countries("Denmark").is_err());
        assert_eq!(
            Config::from_lookup(|_| None).unwrap().sms_allowed_countries,
            None
        );
    }

    #[test]
    fn secrets_never_print() {
        let config =
            Config::from_lookup(|n| (n == "MM_JWT_SECRET").then(|| "hunter2-".repeat(5))).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
