//! The email outbox: rows written in the transaction of the change that caused them, claimed one
//! at a time by a sender (several processes never claim the same row), then marked sent or
//! scheduled again with backoff.

use chrono::{DateTime, Duration, Utc};
use mm_domain::notification::{MessageKind, RetryPolicy};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, LockBehavior, LockType},
};
use uuid::Uuid;

use crate::{
    Page, Result, Store, StoreError,
    entity::{bookings, email_outbox},
};

/// Where an email stands.
pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// How a message travels.
pub const EMAIL: &str = "email";
pub const SMS: &str = "sms";

/// What waits to be sent on one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    /// `email`, `sms` or `webhook`.
    pub channel: &'static str,
    pub waiting: u64,
    /// How long the oldest waiting message has waited; zero when none waits.
    pub oldest_age: Duration,
}

impl Backlog {
    fn new(
        channel: &'static str,
        waiting: u64,
        oldest: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            channel,
            waiting,
            oldest_age: oldest.map_or(Duration::zero(), |oldest| now - oldest),
        }
    }
}

/// An outbox row as senders and the outbox page see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    pub id: Uuid,
    /// `email` or `sms`.
    pub channel: String,
    pub booking_id: Option<Uuid>,
    pub kind: MessageKind,
    pub to_address: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub ics: Option<String>,
    /// What it is written in: the email's `Content-Language`.
    pub language: Option<String>,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_utc: DateTime<Utc>,
    pub sent_utc: Option<DateTime<Utc>>,
    /// The text is yet to be written from the notice (see [`Store::pending_notice`]).
    pub awaits_text: bool,
}

impl From<email_outbox::Model> for OutboxEmail {
    fn from(row: email_outbox::Model) -> Self {
        Self {
            id: row.id,
            channel: row.channel,
            booking_id: row.booking_id,
            kind: row.kind.0,
            to_address: row.to_address,
            to_name: row.to_name,
            subject: row.subject,
            body_text: row.body_text,
            body_html: row.body_html,
            ics: row.ics,
            language: row.language,
            status: row.status,
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            last_error: row.last_error,
            created_utc: row.created_utc,
            sent_utc: row.sent_utc,
            awaits_text: row.notice.is_some() && row.rendered_utc.is_none(),
        }
    }
}

impl Store {
    /// Claims the queued message of `channel` due longest for `lease`: until then no other sender
    /// takes it, and if this one dies mid-send the message is due again once the lease ends.
    pub async fn claim_due_message(
        &self,
        channel: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<OutboxEmail>> {
        let txn = self.begin().await?;
        let mut due = email_outbox::Entity::find()
            .filter(email_outbox::Column::Channel.eq(channel))
            .filter(email_outbox::Column::Status.eq(QUEUED))
            .filter(email_outbox::Column::NextAttemptUtc.lte(now))
            .filter(
                Condition::any()
                    .add(email_outbox::Column::ClaimedUntilUtc.is_null())
                    .add(email_outbox::Column::ClaimedUntilUtc.lt(now)),
            )
            .order_by_asc(email_outbox::Column::NextAttemptUtc)
            .order_by_asc(email_outbox::Column::CreatedUtc)
            .limit(1);
        if txn.get_database_backend() == DbBackend::Postgres {
            // Another process's claim in flight is skipped, not waited for.
            due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(row) = due.one(&txn).await? else {
            return Ok(None);
        };
        let mut claim = row.into_active_model();
        claim.claimed_until_utc = Set(Some(now + lease));
        let row = claim.update(&txn).await?;
        txn.commit().await?;
        Ok(Some(row.into()))
    }

    /// Records a delivery; a customer's confirmation also marks its booking as confirmed to them.
    pub async fn mark_email_sent(&self, id: Uuid, now: DateTime<Utc>) -> Result<()> {
        let txn = self.begin().await?;
        let row = email_outbox::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("email"))?;
        let attempts = row.attempts + 1;
        // The booking records when its customer's confirmation was delivered.
        let confirms = row.kind.0 == MessageKind::CustomerConfirmation;
        if let (true, Some(booking)) = (confirms, row.booking_id) {
            bookings::Entity::update_many()
                .col_expr(bookings::Column::ConfirmationSentUtc, Expr::value(now))
                .filter(bookings::Column::Id.eq(booking))
                .exec(&txn)
                .await?;
        }
        let mut sent = row.into_active_model();
        sent.status = Set(SENT.to_owned());
        sent.attempts = Set(attempts);
        sent.sent_utc = Set(Some(now));
        sent.claimed_until_utc = Set(None);
        sent.last_error = Set(None);
        sent.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a failed attempt: due again after the policy's delay, or failed for good.
    pub async fn mark_email_attempt_failed(
        &self,
        id: Uuid,
        error: &str,
        now: DateTime<Utc>,
        policy: &RetryPolicy,
    ) -> Result<()> {
        let row = self.outbox_row(id).await?;
        let attempts = row.attempts + 1;
        let next = policy.next_delay(u32::try_from(attempts).unwrap_or(u32::MAX));
        let mut failed = row.into_active_model();
        failed.attempts = Set(attempts);
        failed.last_error = Set(Some(error.chars().take(2000).collect()));
        failed.claimed_until_utc = Set(None);
        match next {
            Some(delay) => failed.next_attempt_utc = Set(now + delay),
            None => failed.status = Set(FAILED.to_owned()),
        }
        failed.update(&self.writer).await?;
        Ok(())
    }

    /// Gives up on a message that must not be sent (a text message to a country not allowed):
    /// failed at once, with the reason, and never tried.
    pub async fn mark_message_refused(&self, id: Uuid, reason: &str) -> Result<()> {
        let mut refused = self.outbox_row(id).await?.into_active_model();
        refused.status = Set(FAILED.to_owned());
        refused.last_error = Set(Some(reason.chars().take(2000).collect()));
        refused.claimed_until_utc = Set(None);
        refused.update(&self.writer).await?;
        Ok(())
    }

    /// Sends a message that failed for good once more: queued again at once with a fresh count
    /// of attempts (its last error stays until the next attempt). Only a failed message can be
    /// retried; a queued one is already on its way, a sent one was delivered.
    pub async fn retry_message(&self, id: Uuid, now: DateTime<Utc>) -> Result<OutboxEmail> {
        let row = self.outbox_row(id).await?;
        if row.status != FAILED {
            return Err(StoreError::Conflict {
                field: "status".to_owned(),
                message: format!(
                    "only a failed message can be retried; this one is {}",
                    row.status
                ),
            });
        }
        let mut again = row.into_active_model();
        again.status = Set(QUEUED.to_owned());
        again.attempts = Set(0);
        again.next_attempt_utc = Set(now);
        again.claimed_until_utc = Set(None);
        Ok(again.update(&self.writer).await?.into())
    }

    /// The outbox, newest first, optionally only the emails to one address.
    pub async fn outbox(&self, to: Option<&str>, page: Page) -> Result<(Vec<OutboxEmail>, u64)> {
        let mut query = email_outbox::Entity::find();
        if let Some(to) = to.map(str::trim).filter(|t| !t.is_empty()) {
            query = query.filter(email_outbox::Column::ToAddress.eq(to.to_lowercase()));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = query
            .order_by_desc(email_outbox::Column::CreatedUtc)
            .order_by_asc(email_outbox::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok((rows.into_iter().map(OutboxEmail::from).collect(), total))
    }

    /// The messages queued about one booking, oldest first (at most 500: a booking's lifetime
    /// of notices and reminders is far fewer).
    pub async fn messages_of_booking(&self, booking_id: Uuid) -> Result<Vec<OutboxEmail>> {
        let rows = email_outbox::Entity::find()
            .filter(email_outbox::Column::BookingId.eq(booking_id))
            .order_by_asc(email_outbox::Column::CreatedUtc)
            .order_by_asc(email_outbox::Column::Id)
            .limit(500)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(OutboxEmail::from).collect())
    }

    /// What waits to be sent on each channel (email, SMS, webhook), each listed even when
    /// nothing waits: an operator's gauge of a queue that stopped moving.
    pub async fn outbox_backlog(&self, now: DateTime<Utc>) -> Result<Vec<Backlog>> {
        use crate::entity::{Word, webhook_deliveries as deliveries};
        use mm_domain::webhook::DeliveryStatus;
        let mut backlog = Vec::with_capacity(3);
        for channel in [EMAIL, SMS] {
            let waiting = email_outbox::Entity::find()
                .filter(email_outbox::Column::Status.eq(QUEUED))
                .filter(email_outbox::Column::Channel.eq(channel));
            backlog.push(
                self.backlog_of(channel, waiting, email_outbox::Column::CreatedUtc, now)
                    .await?,
            );
        }
        let waiting = deliveries::Entity::find()
            .filter(deliveries::Column::Status.eq(Word(DeliveryStatus::Pending)));
        backlog.push(
            self.backlog_of("webhook", waiting, deliveries::Column::CreatedUtc, now)
                .await?,
        );
        Ok(backlog)
    }

    /// How many rows `waiting` selects, and how long the oldest (by `created`) has waited.
    async fn backlog_of<E: EntityTrait>(
        &self,
        channel: &'static str,
        waiting: sea_orm::Select<E>,
        created: E::Column,
        now: DateTime<Utc>,
    ) -> Result<Backlog>
    where
        E::Model: Sync,
    {
        let oldest = waiting
            .clone()
            .select_only()
            .column(created)
            .order_by_asc(created)
            .into_tuple::<DateTime<Utc>>()
            .one(&self.db)
            .await?;
        let count = waiting.count(&self.db).await?;
        Ok(Backlog::new(channel, count, oldest, now))
    }

    async fn outbox_row(&self, id: Uuid) -> Result<email_outbox::Model> {
        email_outbox::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("email"))
    }
}
