//! Sends the outbox: claims one due message of its channel at a time (emails over SMTP, text
//! messages through the SMS provider), sends it, and records the outcome, so that a crash, an
//! outage or several server processes never lose or duplicate a row (short of a crash between the
//! server's acceptance and the record, which resends once).

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use mm_domain::notification::RetryPolicy;
use mm_notify::{
    sms::TwilioSms,
    smtp::{Letter, SmtpMailer},
};
use mm_store::{OutboxEmail, Store};

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

#[derive(Debug, Clone)]
pub struct OutboxWorker {
    pub store: Store,
    pub courier: Courier,
    pub retry: RetryPolicy,
    pub lease: chrono::Duration,
}

impl OutboxWorker {
    /// Runs until the process ends.
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                Ok(0) => tokio::time::sleep(POLL).await,
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "outbox: reading the queue failed");
                    tokio::time::sleep(POLL * 5).await;
                }
            }
        }
    }

    /// Sends every email due now; returns how many it tried.
    pub async fn send_due(&self) -> mm_store::Result<usize> {
        let mut tried = 0;
        let channel = self.courier.channel();
        while let Some(email) = self
            .store
            .claim_due_message(channel, Utc::now(), self.lease)
            .await?
        {
            tried += 1;
            self.send(&email).await?;
        }
        Ok(tried)
    }

    #[tracing::instrument(skip_all, fields(email_id = %email.id, kind = %email.kind, attempt = email.attempts + 1))]
    async fn send(&self, email: &OutboxEmail) -> mm_store::Result<()> {
        match self.courier.deliver(email).await {
            Ok(()) => {
                tracing::info!("message sent");
                self.store.mark_email_sent(email.id, Utc::now()).await
            }
            Err(error) => {
                tracing::warn!(%error, "message not sent; it will be retried");
                self.store
                    .mark_email_attempt_failed(email.id, &error, Utc::now(), &self.retry)
                    .await
            }
        }
    }
}
