//! Personal data on request: everything held about a customer's address, its erasure across
//! their bookings (the bookings stay, anonymised, for the statistics), and a booking's deletion
//! with its rows. Each is audited in `data_audit`, which holds no personal data itself.
//!
//! An erasure leaves no trace of the address: the booking's customer fields and answers, the
//! customer's participant row, the address and name inside history entries (an edit records
//! old and new values), every message about those bookings or to that address (their texts
//! quote both), and the public booking answers kept for idempotent replays.

use chrono::{DateTime, Utc};
use mm_domain::booking::{Booking, HistoryAction};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait, Func},
};
use uuid::Uuid;

use super::{Transaction, read};
use crate::{
    OutboxEmail, Result, Store,
    entity::{booking_history, booking_participants, bookings, data_audit, email_outbox},
};

/// The name an erased customer's bookings show.
pub const ERASED_NAME: &str = "Erased customer";

/// What is held about one customer's address.
#[derive(Debug, Clone)]
pub struct CustomerData {
    pub bookings: Vec<Booking>,
    pub messages: Vec<OutboxEmail>,
}

/// What an erasure changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erasure {
    /// Bookings anonymised.
    pub bookings: u64,
    /// Messages dropped, queued or sent.
    pub messages: u64,
}

/// Why personal data was touched, as the audit names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    BookingDeleted,
    CustomerErased,
    CustomerExported,
    RetentionErased,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BookingDeleted => "booking_deleted",
            Self::CustomerErased => "customer_erased",
            Self::CustomerExported => "customer_exported",
            Self::RetentionErased => "retention_erased",
        }
    }
}

/// A customer's bookings, found by their address in any letter case.
fn of_customer(email: &str) -> sea_orm::Select<bookings::Entity> {
    bookings::Entity::find()
        .filter(
            Expr::expr(Func::lower(Expr::col(bookings::Column::CustomerEmail)))
                .eq(email.trim().to_lowercase()),
        )
        .filter(bookings::Column::CustomerErasedUtc.is_null())
}

async fn audit(
    db: &impl ConnectionTrait,
    action: AuditAction,
    booking: Option<(Uuid, &str)>,
    actor: Option<Uuid>,
    detail: String,
    now: DateTime<Utc>,
) -> Result<()> {
    data_audit::ActiveModel {
        id: Set(Uuid::new_v4()),
        action: Set(action.as_str().to_owned()),
        booking_id: Set(booking.map(|b| b.0)),
        booking_reference: Set(booking.map(|b| b.1.to_owned())),
        actor_id: Set(actor),
        detail: Set(detail),
        created_utc: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Replaces `secret` wherever it occurs in `columns` of the rows of `E` that `scope` selects,
/// in one statement.
async fn scrub<E: EntityTrait>(
    db: &impl ConnectionTrait,
    columns: &[E::Column],
    scope: Condition,
    secret: &str,
) -> Result<()> {
    let mut update = E::update_many().filter(scope);
    for column in columns {
        let replaced = Func::cust("REPLACE")
            .arg(Expr::col(*column))
            .arg(secret)
            .arg("[erased]");
        update = update.col_expr(*column, replaced.into());
    }
    update.exec(db).await?;
    Ok(())
}

/// Anonymises `rows` (bookings of customers not yet erased): see the module's first paragraph.
async fn erase_rows(
    db: &impl ConnectionTrait,
    rows: &[bookings::Model],
    address: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Erasure> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(Erasure::default());
    }
    // Every spelling the texts may hold: the addresses as typed, the names, the phones.
    let mut secrets: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [
                r.customer_email.clone(),
                r.customer_name.clone(),
                r.customer_phone.clone(),
            ]
        })
        .flatten()
        .chain(address.map(str::to_owned))
        // A shorter name would be replaced inside ordinary words.
        .filter(|s| s.trim().chars().count() >= 3)
        .collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();

    for row in rows {
        let mut title = row.meeting_title.clone();
        if let Some(name) = row
            .customer_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        {
            title = title.replace(name, ERASED_NAME);
        }
        bookings::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(row.id),
            customer_name: Set(None),
            customer_email: Set(None),
            customer_phone: Set(None),
            customer_timezone: Set(None),
            customer_notes: Set(None),
            answers: Set(serde_json::json!({})),
            meeting_title: Set(title),
            created_from_ip: Set(None),
            created_from_network: Set(None),
            // The links die with the customer's address.
            cancel_token_hash: Set(None),
            reschedule_token_hash: Set(None),
            customer_erased_utc: Set(Some(now)),
            updated_utc: Set(now),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    // Webhook bodies already written hold the customer as they were.
    crate::webhooks::forget_deliveries(db, &ids).await?;
    booking_participants::Entity::delete_many()
        .filter(booking_participants::Column::BookingId.is_in(ids.clone()))
        .filter(booking_participants::Column::UserId.is_null())
        .exec(db)
        .await?;
    // An edit's old and new values may hold any of the customer's past details.
    booking_history::Entity::update_many()
        .col_expr(
            booking_history::Column::OldValue,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            booking_history::Column::NewValue,
            Expr::value(Option::<String>::None),
        )
        .filter(booking_history::Column::BookingId.is_in(ids.clone()))
        .filter(booking_history::Column::Action.eq(crate::entity::Word(HistoryAction::Updated)))
        .exec(db)
        .await?;
    use crate::entity::booking_assignment_history as assignments;
    for secret in &secrets {
        // Staff's own words about the meeting may name the customer too.
        scrub::<bookings::Entity>(
            db,
            &[
                bookings::Column::MeetingNotes,
                bookings::Column::MeetingDescription,
                bookings::Column::MeetingAgenda,
                bookings::Column::MeetingMinutes,
                bookings::Column::ActionItems,
                bookings::Column::CancellationReason,
                bookings::Column::CancellationNotes,
                bookings::Column::RejectionReason,
            ],
            Condition::all().add(bookings::Column::Id.is_in(ids.clone())),
            secret,
        )
        .await?;
        scrub::<booking_history::Entity>(
            db,
            &[
                booking_history::Column::OldValue,
                booking_history::Column::NewValue,
                booking_history::Column::Notes,
            ],
            Condition::all().add(booking_history::Column::BookingId.is_in(ids.clone())),
            secret,
        )
        .await?;
        scrub::<assignments::Entity>(
            db,
            &[assignments::Column::Notes],
            Condition::all().add(assignments::Column::BookingId.is_in(ids.clone())),
            secret,
        )
        .await?;
    }
    let mut messages = email_outbox::Entity::delete_many()
        .filter(email_outbox::Column::BookingId.is_in(ids.clone()))
        .exec(db)
        .await?
        .rows_affected;
    if let Some(address) = address {
        messages += email_outbox::Entity::delete_many()
            .filter(
                Expr::expr(Func::lower(Expr::col(email_outbox::Column::ToAddress)))
                    .eq(address.trim().to_lowercase()),
            )
            .exec(db)
            .await?
            .rows_affected;
    }
    // A replayed public booking answer quotes the customer: it goes.
    for secret in secrets.iter().filter(|s| s.contains('@')) {
        let backend = db.get_database_backend();
        let contains = match backend {
            DbBackend::Postgres => "strpos(response_body, $1) > 0",
            _ => "instr(response_body, ?) > 0",
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM idempotency_keys WHERE {contains}"),
            [secret.clone().into()],
        ))
        .await?;
    }
    Ok(Erasure {
        bookings: ids.len() as u64,
        messages,
    })
}

impl Store {
    /// Everything held about the customer at `email` (any letter case), oldest booking first,
    /// with every message to that address or about those bookings; the export is audited.
    pub async fn customer_data(
        &self,
        email: &str,
        actor: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<CustomerData> {
        let rows = of_customer(email)
            .order_by_asc(bookings::Column::StartUtc)
            .limit(10_000)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let bookings = read::assemble_all(&self.db, rows).await?;
        let messages = email_outbox::Entity::find()
            .filter(
                Condition::any()
                    .add(email_outbox::Column::BookingId.is_in(ids))
                    .add(
                        Expr::expr(Func::lower(Expr::col(email_outbox::Column::ToAddress)))
                            .eq(email.trim().to_lowercase()),
                    ),
            )
            .order_by_asc(email_outbox::Column::CreatedUtc)
            .limit(10_000)
            .all(&self.db)
            .await?
            .into_iter()
            .map(OutboxEmail::from)
            .collect();
        audit(
            &self.db,
            AuditAction::CustomerExported,
            None,
            actor,
            format!("{} bookings exported", bookings.len()),
            now,
        )
        .await?;
        Ok(CustomerData { bookings, messages })
    }

    /// Anonymises the customers of meetings that ended before `cutoff` (the retention sweep),
    /// at most `batch` bookings per call; audited per booking.
    pub async fn erase_customers_before(
        &self,
        cutoff: DateTime<Utc>,
        batch: u64,
        now: DateTime<Utc>,
    ) -> Result<Erasure> {
        let tx = self.transaction().await?;
        let rows = bookings::Entity::find()
            .filter(bookings::Column::CustomerEmail.is_not_null())
            .filter(bookings::Column::CustomerErasedUtc.is_null())
            .filter(bookings::Column::EndUtc.lt(cutoff))
            .order_by_asc(bookings::Column::EndUtc)
            .limit(batch)
            .all(&tx.txn)
            .await?;
        let erased = erase_rows(&tx.txn, &rows, None, now).await?;
        for row in &rows {
            audit(
                &tx.txn,
                AuditAction::RetentionErased,
                Some((row.id, &row.booking_reference)),
                None,
                format!("customer of a meeting that ended before {cutoff}"),
                now,
            )
            .await?;
        }
        tx.commit_quietly().await?;
        Ok(erased)
    }
}

impl Transaction<'_> {
    /// Anonymises every booking of the customer at `email` and drops every message to them or
    /// about those bookings; audited with the references, not the address.
    pub async fn erase_customer(
        &self,
        email: &str,
        actor: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<Erasure> {
        let rows = of_customer(email).all(&self.txn).await?;
        let erased = erase_rows(&self.txn, &rows, Some(email), now).await?;
        let references: Vec<&str> = rows.iter().map(|r| r.booking_reference.as_str()).collect();
        audit(
            &self.txn,
            AuditAction::CustomerErased,
            None,
            actor,
            format!(
                "{} bookings anonymised ({}), {} messages dropped",
                erased.bookings,
                references.join(", "),
                erased.messages
            ),
            now,
        )
        .await?;
        Ok(erased)
    }

    /// Deletes `booking` with its rows (participants, histories, reminders by cascade; its
    /// messages here), audited; the time it held is free again.
    pub async fn delete_booking(
        &self,
        booking: &Booking,
        actor: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        email_outbox::Entity::delete_many()
            .filter(email_outbox::Column::BookingId.eq(booking.id))
            .exec(&self.txn)
            .await?;
        // Receivers hear that it is gone, without the personal data that goes with it.
        crate::webhooks::forget_deliveries(&self.txn, &[booking.id]).await?;
        let mut gone = booking.clone();
        gone.customer = None;
        gone.answers = Default::default();
        gone.participants.retain(|p| p.user_id.is_some());
        self.announce_event(crate::webhooks::PendingEvent {
            booking_id: booking.id,
            department_id: booking.department_id,
            event: mm_domain::webhook::WebhookEvent::BookingDeleted,
            at: now,
            gone: Some((self.store.booking_payload)(&gone)),
        });
        bookings::Entity::delete_by_id(booking.id)
            .exec(&self.txn)
            .await?;
        self.touch_booking(
            booking.department_id,
            &booking.attendees_with_host(booking.assigned_to),
            booking.span,
        );
        audit(
            &self.txn,
            AuditAction::BookingDeleted,
            Some((booking.id, booking.reference.as_str())),
            actor,
            format!(
                "{} booking, {}, {} – {}",
                booking.booking_type,
                booking.status,
                booking.span.start(),
                booking.span.end()
            ),
            now,
        )
        .await
    }
}
