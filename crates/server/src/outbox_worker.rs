//! Sends the outbox over SMTP: claims one due email at a time, sends it, and records the outcome,
//! so that a crash, an SMTP outage or several server processes never lose or duplicate a row
//! (short of a crash between the SMTP server's acceptance and the record, which resends once).

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use mm_domain::notification::RetryPolicy;
use mm_notify::smtp::{Letter, SmtpMailer};
use mm_store::{OutboxEmail, Store};

/// How often an idle worker looks for due emails.
const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct OutboxWorker {
    pub store: Store,
    pub mailer: Arc<SmtpMailer>,
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
        while let Some(email) = self.store.claim_due_email(Utc::now(), self.lease).await? {
            tried += 1;
            self.send(&email).await?;
        }
        Ok(tried)
    }

    #[tracing::instrument(skip_all, fields(email_id = %email.id, kind = %email.kind, attempt = email.attempts + 1))]
    async fn send(&self, email: &OutboxEmail) -> mm_store::Result<()> {
        let id = email.id.to_string();
        let letter = Letter {
            id: &id,
            to: &email.to_address,
            to_name: email.to_name.as_deref(),
            subject: &email.subject,
            text: &email.body_text,
            html: &email.body_html,
            ics: email.ics.as_deref(),
        };
        match self.mailer.send(&letter).await {
            Ok(()) => {
                tracing::info!("email sent");
                self.store.mark_email_sent(email.id, Utc::now()).await
            }
            Err(error) => {
                tracing::warn!(%error, "email not sent; it will be retried");
                self.store
                    .mark_email_attempt_failed(
                        email.id,
                        &error.to_string(),
                        Utc::now(),
                        &self.retry,
                    )
                    .await
            }
        }
    }
}
