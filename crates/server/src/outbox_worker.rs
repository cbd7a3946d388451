//! Sends the outbox: claims one due message of its channel at a time (emails over SMTP, text
//! messages through the SMS provider), sends it, and records the outcome, so that a crash, an
//! outage or several server processes never lose or duplicate a row (short of a crash between the
//! server's acceptance and the record, which resends once).

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use mm_domain::notification::RetryPolicy;
use mm_notify::{
    smtp::{Letter, SmtpMailer},
    twilio::TwilioSms,
};
use mm_store::{OutboxEmail, Store, StoreError};

use crate::{notices::Writer, shutdown::Stopping};

/// How often an idle worker looks for due emails.
const POLL: Duration = Duration::from_secs(1);

/// What carries one channel's messages.
#[derive(Debug, Clone)]
pub enum Courier {
    Smtp(Arc<SmtpMailer>),
    Sms(TwilioSms),
}

impl Courier {
    fn channel(&self) -> &'static str {
        match self {
            Self::Smtp(_) => mm_store::EMAIL_CHANNEL,
            Self::Sms(_) => mm_store::SMS_CHANNEL,
        }
    }

    async fn deliver(&self, message: &OutboxEmail) -> Result<(), String> {
        match self {
            Self::Smtp(mailer) => {
                let id = message.id.to_string();
                let letter = Letter {
                    id: &id,
                    to: &message.to_address,
                    to_name: message.to_name.as_deref(),
                    subject: &message.subject,
                    text: &message.body_text,
                    html: &message.body_html,
                    ics: message.ics.as_deref(),
                    language: message.language.as_deref(),
                };
                mailer.send(&letter).await.map_err(|e| e.to_string())
            }
            Self::Sms(sms) => sms
                .send(&message.to_address, &message.body_text)
                .await
                .map_err(|e| e.to_string()),
        }
    }
}

/// Which countries' phone numbers may get text messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsCountries {
    /// `MM_SMS_ALLOWED_COUNTRIES`: these (ISO 3166-1 alpha-2), or none at all.
    Listed(Vec<String>),
    /// The countries of the active departments' time zones, as they are when a message goes.
    OfDepartments,
}

#[derive(Debug, Clone)]
pub struct OutboxWorker {
    pub store: Store,
    /// Writes a notice's text when it is first sent.
    pub writer: Writer,
    pub courier: Courier,
    pub retry: RetryPolicy,
    pub lease: chrono::Duration,
    pub sms_countries: SmsCountries,
}

impl OutboxWorker {
    /// Runs until the process stops.
    pub async fn run(self, mut stopping: Stopping) {
        while !stopping.is_set() {
            match self.send_due(&stopping).await {
                Ok(0) => stopping.pause(POLL).await,
                Ok(_) => false,
                Err(error) => {
                    tracing::error!(%error, "outbox: reading the queue failed");
                    stopping.pause(POLL * 5).await
                }
            };
        }
    }

    /// Sends every email due now, until the process stops; returns how many it tried.
    pub async fn send_due(&self, stopping: &Stopping) -> mm_store::Result<usize> {
        let mut tried = 0;
        let channel = self.courier.channel();
        while !stopping.is_set()
            && let Some(email) = self
                .store
                .claim_due_message(channel, Utc::now(), self.lease)
                .await?
        {
            tried += 1;
            self.send(&email).await?;
        }
        Ok(tried)
    }

    /// The message with its text: a notice is written at its first attempt, from the booking as
    /// it is then, and the text kept for later attempts and the outbox page. `None` (and the
    /// message given up) when there is nothing left to write: its booking or recipient is gone.
    async fn with_text(&self, message: &OutboxEmail) -> mm_store::Result<Option<OutboxEmail>> {
        if !message.awaits_text {
            return Ok(Some(message.clone()));
        }
        let now = Utc::now();
        let written = match self.store.pending_notice(message.id).await {
            Ok(Some(pending)) => self.writer.write(&pending, now),
            Ok(None) => return Ok(Some(message.clone())),
            Err(StoreError::NotFound(_)) => None,
            Err(other) => return Err(other),
        };
        match written {
            Some(text) => Ok(Some(
                self.store.record_rendering(message.id, &text, now).await?,
            )),
            None => {
                tracing::warn!("nothing to send: the booking or the recipient is gone");
                self.store
                    .mark_message_refused(
                        message.id,
                        "nothing to send: the booking or the recipient is gone",
                    )
                    .await?;
                Ok(None)
            }
        }
    }

    /// Why a text message must not go to its number, if it must not.
    async fn sms_refusal(&self, message: &OutboxEmail) -> mm_store::Result<Option<String>> {
        let country = mm_notify::twilio::country_of(&message.to_address);
        let allowed = match &self.sms_countries {
            SmsCountries::Listed(countries) => countries.clone(),
            SmsCountries::OfDepartments => self
                .store
                .department_zones()
                .await?
                .into_iter()
                .filter_map(|zone| zone.country().map(str::to_owned))
                .collect(),
        };
        Ok(match country {
            Some(country) if allowed.contains(&country) => None,
            Some(country) => Some(format!(
                "text messages to {country} numbers are not allowed (MM_SMS_ALLOWED_COUNTRIES: {})",
                if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                }
            )),
            None => Some("the number belongs to no country's numbering plan".to_owned()),
        })
    }

    #[tracing::instrument(skip_all, fields(email_id = %email.id, kind = %email.kind, attempt = email.attempts + 1))]
    async fn send(&self, email: &OutboxEmail) -> mm_store::Result<()> {
        let Some(written) = self.with_text(email).await? else {
            return Ok(());
        };
        let email = &written;
        if matches!(self.courier, Courier::Sms(_))
            && let Some(reason) = self.sms_refusal(email).await?
        {
            tracing::warn!(%reason, "text message not sent");
            attempted(self.courier.channel(), "refused");
            return self.store.mark_message_refused(email.id, &reason).await;
        }
        match self.courier.deliver(email).await {
            Ok(()) => {
                tracing::info!("message sent");
                attempted(self.courier.channel(), "sent");
                self.store.mark_email_sent(email.id, Utc::now()).await
            }
            Err(error) => {
                tracing::warn!(%error, "message not sent; it will be retried");
                attempted(self.courier.channel(), "retry");
                self.store
                    .mark_email_attempt_failed(email.id, &error, Utc::now(), &self.retry)
                    .await
            }
        }
    }
}

/// Counts an attempt to send on `channel` for `/metrics`.
fn attempted(channel: &'static str, result: &'static str) {
    metrics::counter!("mm_outbox_attempts_total", "channel" => channel, "result" => result)
        .increment(1);
}
