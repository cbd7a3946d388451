//! Sends webhook deliveries the way the Standard Webhooks specification describes: a `POST` of
//! the JSON body with `webhook-id` (the delivery's id, the same on every attempt),
//! `webhook-timestamp` (the attempt's Unix seconds) and `webhook-signature` (`v1,` and the
//! base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under the subscription's secret).
//!
//! A subscription's URL is typed by a person, so it is treated like an iCal feed's: only public
//! addresses (unless `MM_WEBHOOK_ALLOW_PRIVATE_HOSTS`), every address the name resolves to
//! checked, the connection made to the address checked, no proxy, no redirects followed, a
//! 15-second limit, and nothing of the receiver's answer kept but its status.

use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::Utc;
use mm_domain::webhook::{Answer, TIMEOUT_SECONDS, Verdict, judge};
use mm_store::{Attempt, ClaimedDelivery, Store};
use rand::RngCore as _;
use url::Url;

use crate::shutdown::Stopping;

/// How often an idle sender looks for due deliveries.
const POLL: Duration = Duration::from_secs(1);
/// How long a claimed delivery is held before another sender may take it.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Deliveries that went out (or never will) are kept this long for their subscription's page.
const KEPT_FOR: chrono::Duration = chrono::Duration::days(30);
const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks spells it.
pub fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The `webhook-signature` of `body` sent as delivery `id` at `timestamp`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    // A secret this server made always decodes; anything else signs with its bytes.
    let key = STANDARD
        .decode(key)
        .unwrap_or_else(|_| key.as_bytes().to_vec());
    let signed = format!("{id}.{timestamp}.{body}");
    let mac = crate::auth::hmac_sha256(&key, &[signed.as_bytes()]);
    format!("v1,{}", STANDARD.encode(mac))
}

/// Why a URL may not receive webhooks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("not a URL: {0}")]
    Malformed(String),
    #[error("only http and https URLs can receive webhooks")]
    Scheme,
    #[error("{0} is a private or local address, which webhooks may not use")]
    Private(IpAddr),
    #[error("{0} could not be resolved")]
    Unknown(String),
}

/// Posts deliveries; one per server.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    /// `MM_WEBHOOK_ALLOW_PRIVATE_HOSTS`: receivers on loopback and private networks (tests,
    /// closed installations).
    pub allow_private_hosts: bool,
    pub timeout: Duration,
}

impl WebhookSender {
    pub fn new(allow_private_hosts: bool) -> Self {
        Self {
            allow_private_hosts,
            timeout: Duration::from_secs(TIMEOUT_SECONDS),
        }
    }

    /// The URL a person typed, if it may receive webhooks: http or https, and every address
    /// its host names public.
    pub async fn check(&self, raw: &str) -> Result<(Url, SocketAddr), UrlError> {
        let url = Url::parse(raw.trim()).map_err(|e| UrlError::Malformed(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(UrlError::Scheme);
        }
        let host = url
            .host_str()
            .ok_or_else(|| UrlError::Malformed("the URL has no host".into()))?
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<SocketAddr> = match literal.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::time::timeout(
                Duration::from_secs(5),
                tokio::net::lookup_host((host.as_str(), port)),
            )
            .await
            .map_err(|_| UrlError::Unknown(host.clone()))?
            .map_err(|_| UrlError::Unknown(host.clone()))?
            .collect(),
        };
        for address in &addresses {
            if !self.allow_private_hosts && !mm_calendars::is_public(address.ip()) {
                return Err(UrlError::Private(address.ip()));
            }
        }
        let first = addresses.first().copied().ok_or(UrlError::Unknown(host))?;
        Ok((url, first))
    }

    /// One attempt at `delivery`: what the receiver answered, and what went wrong if anything.
    pub async fn send(&self, delivery: &ClaimedDelivery) -> (Answer, Option<String>) {
        let (url, address) = match self.check(&delivery.url).await {
            Ok(checked) => checked,
            Err(refused) => return (Answer::Silence, Some(refused.to_string())),
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        let client = match reqwest::Client::builder()
            // A proxy would connect on our behalf to whatever it is asked, past the check.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!(
                "MeetingManager/",
                env!("CARGO_PKG_VERSION"),
                " webhooks"
            ))
            .resolve(&host, address)
            .build()
        {
            Ok(client) => client,
            Err(error) => return (Answer::Silence, Some(error.to_string())),
        };
        let id = delivery.delivery.id.to_string();
        let timestamp = Utc::now().timestamp();
        let body = delivery.delivery.payload.clone();
        let signed = signature(&delivery.secret, &id, timestamp, &body);
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signed)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let code = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(retry_after);
                let error = (!response.status().is_success())
                    .then(|| format!("the receiver answered {code}"));
                (Answer::Status { code, retry_after }, error)
            }
            Err(error) => {
                // Never the URL: it may carry the receiver's own secret.
                let what = if error.is_timeout() {
                    "timed out"
                } else if error.is_connect() {
                    "could not connect"
                } else {
                    "transfer failed"
                };
                (Answer::Silence, Some(what.to_owned()))
            }
        }
    }
}

/// A `Retry-After` value: seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<chrono::Duration> {
    if let Ok(seconds) = value.trim().parse::<i64>() {
        return Some(chrono::Duration::seconds(seconds.max(0)));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    Some((at.with_timezone(&Utc) - Utc::now()).max(chrono::Duration::zero()))
}

/// Sends due deliveries until the process ends.
#[derive(Debug, Clone)]
pub struct WebhookWorker {
    pub store: Store,
    pub sender: WebhookSender,
    /// Where an owner turns their webhooks on again, for the email saying one was disabled.
    pub manage_url: String,
    /// That email's language for an owner who has chosen none.
    pub default_language: mm_i18n::Language,
}

impl WebhookWorker {
    /// Runs until the process stops.
    pub async fn run(self, mut stopping: Stopping) {
        let mut last_prune = None;
        while !stopping.is_set() {
            let now = Utc::now();
            if last_prune.is_none_or(|at| now - at > chrono::Duration::hours(1)) {
                last_prune = Some(now);
                if let Err(error) = self
                    .store
                    .prune_webhook_deliveries(now - KEPT_FOR, 1000)
                    .await
                {
                    tracing::error!(%error, "webhooks: pruning old deliveries failed");
                }
            }
            match self.send_due(&stopping).await {
                Ok(0) => stopping.pause(POLL).await,
                Ok(_) => false,
                Err(error) => {
                    tracing::error!(%error, "webhooks: reading the queue failed");
                    stopping.pause(POLL * 5).await
                }
            };
        }
    }

    /// Sends every delivery due now, until the process stops; returns how many it tried.
    pub async fn send_due(&self, stopping: &Stopping) -> mm_store::Result<usize> {
        let mut tried = 0;
        while !stopping.is_set()
            && let Some(delivery) = self.store.claim_due_webhook(Utc::now(), LEASE).await?
        {
            tried += 1;
            let (answer, error) = self.sender.send(&delivery).await;
            let now = Utc::now();
            let attempts = delivery.delivery.attempts + 1;
            let attempt = Attempt {
                verdict: judge(answer, attempts, now),
                response_status: match answer {
                    Answer::Status { code, .. } => Some(code),
                    Answer::Silence => None,
                },
                error,
            };
            tracing::info!(
                delivery = %delivery.delivery.id,
                event = %delivery.delivery.event_type,
                verdict = ?attempt.verdict,
                status = ?attempt.response_status,
                "webhook attempt"
            );
            let result = match attempt.verdict {
                Verdict::Delivered => "delivered",
                Verdict::RetryAt(_) => "retry",
                Verdict::GaveUp => "failed",
                Verdict::Gone => "gone",
            };
            metrics::counter!("mm_webhook_deliveries_total", "result" => result).increment(1);
            self.store
                .record_webhook_attempt(delivery.delivery.id, &attempt, now, |disabled| {
                    mm_notify::email::webhook_disabled(
                        disabled.owner,
                        self.default_language,
                        &disabled.subscription.spec.url,
                        disabled.subscription.spec.description.as_deref(),
                        disabled.reason,
                        &self.manage_url,
                    )
                })
                .await?;
        }
        Ok(tried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_new_secret_is_whsec_and_24_bytes() {
        let secret = new_secret();
        let key = secret.strip_prefix("whsec_").unwrap();
        assert_eq!(STANDARD.decode(key).unwrap().len(), 24);
        assert_ne!(new_secret(), secret);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after("120"), Some(chrono::Duration::seconds(120)));
        assert_eq!(retry_after("-5"), Some(chrono::Duration::zero()));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(chrono::Duration::zero())
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[tokio::test]
    async fn only_public_web_urls_may_receive_webhooks() {
        let sender = WebhookSender::new(false);
        for url in [
            "http://127.0.0.1/hook",
            "http://10.0.0.1/hook",
            "http://[::1]:8080/hook",
            "http://169.254.169.254/latest",
            "http://localhost/hook",
        ] {
            assert!(
                matches!(sender.check(url).await, Err(UrlError::Private(_))),
                "{url}"
            );
        }
        assert_eq!(
            sender.check("ftp://1.1.1.1/x").await.unwrap_err(),
            UrlError::Scheme
        );
        assert!(sender.check("https://1.1.1.1:8443/hook").await.is_ok());
        assert!(
            WebhookSender::new(true)
                .check("http://127.0.0.1:9/hook")
                .await
                .is_ok()
        );
    }
}
