//! Webhook subscriptions and their deliveries. Every booking event a transaction causes is
//! written, with that transaction, as one delivery per subscription that wants it, its body
//! written then (the booking as it is at that commit); senders claim due deliveries with a lease
//! as they claim emails, so several processes send each one once. A booking's deliveries to one
//! subscription go in the order of its events: a later one waits while an earlier is pending.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use mm_domain::{
    Principal,
    booking::Booking,
    notification::OutgoingEmail,
    user::StaffUser,
    webhook::{
        DeliveryStatus, MOST_SUBSCRIPTIONS_PER_OWNER, Subscription, SubscriptionSpec, TEST_EVENT,
        Verdict, WebhookEvent, failed_too_long,
    },
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait as _, LockBehavior, LockType, Query},
};
use uuid::Uuid;

use crate::{
    Page, Result, Store, StoreError, corrupt,
    entity::{Word, departments, email_outbox, users, webhook_deliveries, webhook_subscriptions},
    outbox::{EMAIL, QUEUED},
    users::load_users,
};

/// Writes the `data` of a booking event: the booking as the staff API shows it. The server
/// gives the store its own; a store without one (tests of the store alone) writes the essentials.
pub type BookingPayload = fn(&Booking) -> serde_json::Value;

/// The essentials of a booking, for a store that was given no payload writer.
pub(crate) fn essentials(booking: &Booking) -> serde_json::Value {
    serde_json::json!({
        "id": booking.id,
        "booking_reference": booking.reference.as_str(),
        "status": booking.status.as_ref(),
        "department_id": booking.department_id,
        "assigned_to": booking.assigned_to,
        "start_utc": booking.span.start(),
        "end_utc": booking.span.end(),
    })
}

/// A booking event a transaction caused, delivered when it commits.
#[derive(Debug, Clone)]
pub(crate) struct PendingEvent {
    pub booking_id: Uuid,
    pub department_id: Uuid,
    pub event: WebhookEvent,
    pub at: DateTime<Utc>,
    /// The booking's data when the transaction deletes it, so it cannot be read at the commit.
    pub gone: Option<serde_json::Value>,
}

/// A delivery as its subscription's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Also the `webhook-id` header, the same on every attempt.
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_type: String,
    pub booking_id: Option<Uuid>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_utc: DateTime<Utc>,
    pub last_attempt_utc: Option<DateTime<Utc>>,
    pub response_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_utc: DateTime<Utc>,
    pub delivered_utc: Option<DateTime<Utc>>,
    /// The body, exactly as sent.
    pub payload: String,
}

/// A delivery a sender claimed, with where it goes and what signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedDelivery {
    pub delivery: Delivery,
    pub url: String,
    pub secret: String,
}

/// One attempt's outcome, as the sender saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub verdict: Verdict,
    pub response_status: Option<u16>,
    /// What went wrong, briefly (never the receiver's body).
    pub error: Option<String>,
}

/// Why the system disabled a subscription, and who is told.
#[derive(Debug, Clone)]
pub struct Disabled<'a> {
    pub subscription: &'a Subscription,
    pub owner: &'a StaffUser,
    pub reason: &'a str,
}

fn to_delivery(row: webhook_deliveries::Model) -> Delivery {
    Delivery {
        id: row.id,
        subscription_id: row.subscription_id,
        event_type: row.event_type,
        booking_id: row.booking_id,
        status: row.status.0,
        attempts: u32::try_from(row.attempts).unwrap_or(0),
        next_attempt_utc: row.next_attempt_utc,
        last_attempt_utc: row.last_attempt_utc,
        response_status: row.response_status.and_then(|s| u16::try_from(s).ok()),
        last_error: row.last_error,
        created_utc: row.created_utc,
        delivered_utc: row.delivered_utc,
        payload: row.payload,
    }
}

fn to_subscription(row: webhook_subscriptions::Model) -> Result<Subscription> {
    let events = row
        .events
        .split(',')
        .filter(|e| !e.is_empty())
        .map(|e| e.parse::<WebhookEvent>().map_err(corrupt))
        .collect::<Result<_>>()?;
    Ok(Subscription {
        id: row.id,
        owner_id: row.owner_id,
        spec: SubscriptionSpec {
            url: row.url,
            events,
            department_id: row.department_id,
            description: row.description,
        },
        is_active: row.is_active,
        disabled_reason: row.disabled_reason,
        failing_since_utc: row.failing_since_utc,
        created_utc: row.created_utc,
        updated_utc: row.updated_utc,
    })
}

fn events_column(spec: &SubscriptionSpec) -> String {
    let events: Vec<&str> = spec.events.iter().map(|e| e.as_ref()).collect();
    events.join(",")
}

/// The body every receiver gets: `{type, timestamp, data}`.
fn body(event_type: &str, at: DateTime<Utc>, data: serde_json::Value) -> String {
    serde_json::json!({
        "type": event_type,
        "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

fn new_delivery(
    subscription_id: Uuid,
    event_type: &str,
    booking_id: Option<Uuid>,
    sequence: i64,
    payload: String,
    at: DateTime<Utc>,
) -> webhook_deliveries::ActiveModel {
    webhook_deliveries::ActiveModel {
        id: Set(Uuid::new_v4()),
        subscription_id: Set(subscription_id),
        event_type: Set(event_type.to_owned()),
        booking_id: Set(booking_id),
        sequence: Set(sequence),
        payload: Set(payload),
        status: Set(Word(DeliveryStatus::Pending)),
        attempts: Set(0),
        next_attempt_utc: Set(at),
        claimed_until_utc: Set(None),
        last_attempt_utc: Set(None),
        response_status: Set(None),
        last_error: Set(None),
        created_utc: Set(at),
        delivered_utc: Set(None),
    }
}

/// Writes one delivery per active subscription that wants each of `events`, in `db` (the
/// transaction that caused them). Reads the subscriptions once, and each booking once.
pub(crate) async fn queue_deliveries(
    db: &impl ConnectionTrait,
    payload: BookingPayload,
    events: Vec<PendingEvent>,
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let subscriptions = webhook_subscriptions::Entity::find()
        .filter(webhook_subscriptions::Column::IsActive.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(to_subscription)
        .collect::<Result<Vec<_>>>()?;
    let subscriptions = within_owners_reach(db, subscriptions).await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let mut data: BTreeMap<Uuid, serde_json::Value> = BTreeMap::new();
    // Per subscription and booking: the next place in line.
    let mut next: BTreeMap<(Uuid, Uuid), i64> = BTreeMap::new();
    let mut rows = Vec::new();
    for event in events {
        let wanting: Vec<&Subscription> = subscriptions
            .iter()
            .filter(|s| s.wants(event.event, event.department_id))
            .collect();
        if wanting.is_empty() {
            continue;
        }
        let booking_data = match event.gone {
            Some(gone) => gone,
            None => match data.get(&event.booking_id) {
                Some(known) => known.clone(),
                None => {
                    let booking = crate::bookings::load_booking(db, event.booking_id).await?;
                    let value = payload(&booking);
                    data.insert(event.booking_id, value.clone());
                    value
                }
            },
        };
        let text = body(event.event.as_ref(), event.at, booking_data);
        for subscription in wanting {
            let key = (subscription.id, event.booking_id);
            let sequence = match next.get(&key) {
                Some(n) => *n,
                None => last_sequence(db, subscription.id, event.booking_id).await? + 1,
            };
            next.insert(key, sequence + 1);
            rows.push(new_delivery(
                subscription.id,
                event.event.as_ref(),
                Some(event.booking_id),
                sequence,
                text.clone(),
                event.at,
            ));
        }
    }
    if !rows.is_empty() {
        webhook_deliveries::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The subscriptions whose owners may still hear of what they cover: active accounts, System
/// Managers or leaders of the department. A subscription never outlives its owner's rights.
async fn within_owners_reach(
    db: &impl ConnectionTrait,
    subscriptions: Vec<Subscription>,
) -> Result<Vec<Subscription>> {
    if subscriptions.is_empty() {
        return Ok(subscriptions);
    }
    let owners: Vec<Uuid> = subscriptions.iter().map(|s| s.owner_id).collect();
    let owners: BTreeMap<Uuid, bool> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::IsSystemManager)
        .filter(users::Column::Id.is_in(owners))
        .filter(users::Column::IsActive.eq(true))
        .into_tuple::<(Uuid, bool)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let scoped: Vec<Uuid> = subscriptions
        .iter()
        .filter_map(|s| s.spec.department_id)
        .collect();
    let leaders: Vec<(Uuid, Option<Uuid>)> = departments::Entity::find()
        .select_only()
        .column(departments::Column::Id)
        .column(departments::Column::DepartmentLeader)
        .filter(departments::Column::Id.is_in(scoped))
        .into_tuple()
        .all(db)
        .await?;
    Ok(subscriptions
        .into_iter()
        .filter(|s| {
            let Some(&is_system_manager) = owners.get(&s.owner_id) else {
                return false;
            };
            let owner = Principal {
                user_id: s.owner_id,
                is_system_manager,
                leads: leaders
                    .iter()
                    .filter(|(_, leader)| *leader == Some(s.owner_id))
                    .map(|(department, _)| *department)
                    .collect(),
                member_of: BTreeSet::new(),
            };
            owner.can_subscribe_to(s.spec.department_id)
        })
        .collect())
}

/// The place of the latest delivery of `booking` to `subscription` (0 when none). The booking's
/// row is locked by the transaction that changes it, so no other can take the same place.
async fn last_sequence(
    db: &impl ConnectionTrait,
    subscription: Uuid,
    booking: Uuid,
) -> Result<i64> {
    let last: Option<Option<i64>> = webhook_deliveries::Entity::find()
        .select_only()
        .column_as(webhook_deliveries::Column::Sequence.max(), "last")
        .filter(webhook_deliveries::Column::SubscriptionId.eq(subscription))
        .filter(webhook_deliveries::Column::BookingId.eq(booking))
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().unwrap_or(0))
}

/// Drops every delivery about `bookings`: their bodies hold the personal data being erased.
pub(crate) async fn forget_deliveries(db: &impl ConnectionTrait, bookings: &[Uuid]) -> Result<()> {
    if bookings.is_empty() {
        return Ok(());
    }
    webhook_deliveries::Entity::delete_many()
        .filter(webhook_deliveries::Column::BookingId.is_in(bookings.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

impl Store {
    /// Keeps a subscription `owner` made, signed with `secret`; refused when they already keep
    /// [`MOST_SUBSCRIPTIONS_PER_OWNER`].
    pub async fn create_webhook(
        &self,
        owner: Uuid,
        spec: &SubscriptionSpec,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Subscription> {
        let txn = self.begin().await?;
        let kept = webhook_subscriptions::Entity::find()
            .filter(webhook_subscriptions::Column::OwnerId.eq(owner))
            .count(&txn)
            .await?;
        if kept >= MOST_SUBSCRIPTIONS_PER_OWNER as u64 {
            return Err(StoreError::conflict(
                "url",
                "you keep the most subscriptions one person may; delete one first",
            ));
        }
        let row = webhook_subscriptions::ActiveModel {
            id: Set(Uuid::new_v4()),
            owner_id: Set(owner),
            url: Set(spec.url.clone()),
            events: Set(events_column(spec)),
            department_id: Set(spec.department_id),
            description: Set(spec.description.clone()),
            secret: Set(secret.to_owned()),
            is_active: Set(true),
            disabled_reason: Set(None),
            failing_since_utc: Set(None),
            created_utc: Set(now),
            updated_utc: Set(now),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        to_subscription(row)
    }

    /// Subscriptions, oldest first: `owner`'s, or everyone's.
    pub async fn webhooks(&self, owner: Option<Uuid>) -> Result<Vec<Subscription>> {
        let mut query = webhook_subscriptions::Entity::find()
            .order_by_asc(webhook_subscriptions::Column::CreatedUtc)
            .order_by_asc(webhook_subscriptions::Column::Id);
        if let Some(owner) = owner {
            query = query.filter(webhook_subscriptions::Column::OwnerId.eq(owner));
        }
        query
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_subscription)
            .collect()
    }

    pub async fn webhook(&self, id: Uuid) -> Result<Subscription> {
        let row = webhook_subscriptions::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("webhook"))?;
        to_subscription(row)
    }

    /// Replaces a subscription's spec and whether it is active. Turning it on again forgets why
    /// it was off and that its receiver was failing, and its waiting deliveries go out.
    pub async fn update_webhook(
        &self,
        id: Uuid,
        spec: &SubscriptionSpec,
        is_active: bool,
        now: DateTime<Utc>,
    ) -> Result<Subscription> {
        let row = webhook_subscriptions::Entity::find_by_id(id)
            .one(&self.writer)
            .await?
            .ok_or(StoreError::NotFound("webhook"))?;
        let was_active = row.is_active;
        let mut update = row.into_active_model();
        update.url = Set(spec.url.clone());
        update.events = Set(events_column(spec));
        update.department_id = Set(spec.department_id);
        update.description = Set(spec.description.clone());
        update.is_active = Set(is_active);
        if is_active && !was_active {
            update.disabled_reason = Set(None);
            update.failing_since_utc = Set(None);
        }
        update.updated_utc = Set(now);
        to_subscription(update.update(&self.writer).await?)
    }

    /// Deletes a subscription with its deliveries; whether it existed.
    pub async fn delete_webhook(&self, id: Uuid) -> Result<bool> {
        let done = webhook_subscriptions::Entity::delete_by_id(id)
            .exec(&self.writer)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// A subscription's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        subscription: Uuid,
        page: Page,
    ) -> Result<(Vec<Delivery>, u64)> {
        let query = webhook_deliveries::Entity::find()
            .filter(webhook_deliveries::Column::SubscriptionId.eq(subscription));
        let total = query.clone().count(&self.db).await?;
        let rows = query
            .order_by_desc(webhook_deliveries::Column::CreatedUtc)
            .order_by_desc(webhook_deliveries::Column::Sequence)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        Ok((rows.into_iter().map(to_delivery).collect(), total))
    }

    /// Sends delivery `id` of `subscription` again, as it was (same `webhook-id`, same body),
    /// at once and with a fresh schedule; refused while a sender holds it.
    pub async fn retry_webhook_delivery(
        &self,
        subscription: Uuid,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Delivery> {
        let row = webhook_deliveries::Entity::find_by_id(id)
            .filter(webhook_deliveries::Column::SubscriptionId.eq(subscription))
            .one(&self.writer)
            .await?
            .ok_or(StoreError::NotFound("delivery"))?;
        if row.claimed_until_utc.is_some_and(|until| until > now) {
            return Err(StoreError::conflict(
                "status",
                "this delivery is being sent right now",
            ));
        }
        let mut again = row.into_active_model();
        again.status = Set(Word(DeliveryStatus::Pending));
        again.attempts = Set(0);
        again.next_attempt_utc = Set(now);
        again.claimed_until_utc = Set(None);
        Ok(to_delivery(again.update(&self.writer).await?))
    }

    /// Queues a `webhook.test` delivery to `subscription`, due now (also while it is disabled:
    /// a test is how its owner finds out whether the receiver works again).
    pub async fn queue_test_delivery(
        &self,
        subscription: &Subscription,
        now: DateTime<Utc>,
    ) -> Result<Delivery> {
        let payload = body(
            TEST_EVENT,
            now,
            serde_json::json!({ "subscription_id": subscription.id }),
        );
        let row = new_delivery(subscription.id, TEST_EVENT, None, 0, payload, now)
            .insert(&self.writer)
            .await?;
        Ok(to_delivery(row))
    }

    /// Claims the due delivery waiting longest for `lease`: of an active subscription (or a
    /// test), and not behind an earlier pending delivery of the same booking to the same
    /// subscription. Until the lease ends no other sender takes it.
    pub async fn claim_due_webhook(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<ClaimedDelivery>> {
        use webhook_deliveries::Column as D;
        let txn = self.begin().await?;
        let active = Query::select()
            .column(webhook_subscriptions::Column::Id)
            .from(webhook_subscriptions::Entity)
            .and_where(webhook_subscriptions::Column::IsActive.eq(true))
            .to_owned();
        let earlier = Alias::new("earlier");
        let earlier_pending = Query::select()
            .expr(Expr::val(1))
            .from_as(webhook_deliveries::Entity, earlier.clone())
            .and_where(
                Expr::col((earlier.clone(), D::SubscriptionId))
                    .equals((webhook_deliveries::Entity, D::SubscriptionId)),
            )
            .and_where(
                Expr::col((earlier.clone(), D::BookingId))
                    .equals((webhook_deliveries::Entity, D::BookingId)),
            )
            .and_where(
                Expr::col((earlier.clone(), D::Sequence))
                    .lt(Expr::col((webhook_deliveries::Entity, D::Sequence))),
            )
            .and_where(Expr::col((earlier.clone(), D::Status)).eq(DeliveryStatus::Pending.as_ref()))
            .to_owned();
        let mut due = webhook_deliveries::Entity::find()
            .filter(D::Status.eq(Word(DeliveryStatus::Pending)))
            .filter(D::NextAttemptUtc.lte(now))
            .filter(
                Condition::any()
                    .add(D::ClaimedUntilUtc.is_null())
                    .add(D::ClaimedUntilUtc.lt(now)),
            )
            .filter(
                Condition::any()
                    .add(D::EventType.eq(TEST_EVENT))
                    .add(D::SubscriptionId.in_subquery(active)),
            )
            .filter(Expr::exists(earlier_pending).not())
            .order_by_asc(D::NextAttemptUtc)
            .order_by_asc(D::Sequence)
            .limit(1);
        if txn.get_database_backend() == DbBackend::Postgres {
            // Another process's claim in flight is skipped, not waited for.
            due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(row) = due.one(&txn).await? else {
            return Ok(None);
        };
        let Some(subscription) = webhook_subscriptions::Entity::find_by_id(row.subscription_id)
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        let mut claim = row.into_active_model();
        claim.claimed_until_utc = Set(Some(now + lease));
        let row = claim.update(&txn).await?;
        txn.commit().await?;
        Ok(Some(ClaimedDelivery {
            delivery: to_delivery(row),
            url: subscription.url,
            secret: subscription.secret,
        }))
    }

    /// Records an attempt at delivery `id`, and what it means for its subscription: a success
    /// ends its receiver's failing spell; a 410, or failures for a day, disable it, and its owner
    /// is emailed (`notice` writes the email) in the same transaction.
    pub async fn record_webhook_attempt(
        &self,
        id: Uuid,
        attempt: &Attempt,
        now: DateTime<Utc>,
        notice: impl FnOnce(&Disabled<'_>) -> OutgoingEmail,
    ) -> Result<()> {
        let txn = self.begin().await?;
        let Some(row) = webhook_deliveries::Entity::find_by_id(id).one(&txn).await? else {
            // Deleted with its subscription while it was being sent.
            return Ok(());
        };
        let subscription_id = row.subscription_id;
        let is_test = row.event_type == TEST_EVENT;
        let attempts = row.attempts + 1;
        let mut update = row.into_active_model();
        update.attempts = Set(attempts);
        update.claimed_until_utc = Set(None);
        update.last_attempt_utc = Set(Some(now));
        update.response_status = Set(attempt.response_status.map(i32::from));
        update.last_error = Set(attempt
            .error
            .as_ref()
            .map(|e| e.chars().take(500).collect()));
        match attempt.verdict {
            Verdict::Delivered => {
                update.status = Set(Word(DeliveryStatus::Delivered));
                update.delivered_utc = Set(Some(now));
            }
            Verdict::RetryAt(at) => update.next_attempt_utc = Set(at),
            Verdict::GaveUp | Verdict::Gone => {
                update.status = Set(Word(DeliveryStatus::Failed));
            }
        }
        update.update(&txn).await?;

        let Some(row) = webhook_subscriptions::Entity::find_by_id(subscription_id)
            .one(&txn)
            .await?
        else {
            txn.commit().await?;
            return Ok(());
        };
        let subscription = to_subscription(row.clone())?;
        let mut change = row.into_active_model();
        let reason = match attempt.verdict {
            Verdict::Delivered => {
                change.failing_since_utc = Set(None);
                None
            }
            Verdict::Gone => Some("its receiver answered 410 Gone".to_owned()),
            // A test of a disabled subscription does not count against it.
            _ if is_test && !subscription.is_active => None,
            _ => {
                let since = subscription.failing_since_utc.unwrap_or(now);
                change.failing_since_utc = Set(Some(since));
                failed_too_long(since, now)
                    .then(|| "its receiver failed every delivery for a day".to_owned())
            }
        };
        let disables = reason.as_ref().filter(|_| subscription.is_active);
        if let Some(reason) = disables {
            change.is_active = Set(false);
            change.disabled_reason = Set(Some(reason.clone()));
            change.updated_utc = Set(now);
        }
        change.update(&txn).await?;
        if let Some(reason) = disables {
            tracing::warn!(subscription = %subscription.id, %reason, "webhook disabled");
            if let Some(owner) = load_users(&txn, &[subscription.owner_id])
                .await?
                .into_iter()
                .find(|o| o.is_active)
            {
                let email = notice(&Disabled {
                    subscription: &subscription,
                    owner: &owner,
                    reason,
                });
                queue_written_email(&txn, &email, Some(owner.id), now).await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// Gives up on deliveries older than `cutoff` that went out (or never will): the log of a
    /// subscription keeps what is recent. At most `batch` per call.
    pub async fn prune_webhook_deliveries(&self, cutoff: DateTime<Utc>, batch: u64) -> Result<u64> {
        let txn = self.writer.begin().await?;
        let old: Vec<Uuid> = webhook_deliveries::Entity::find()
            .select_only()
            .column(webhook_deliveries::Column::Id)
            .filter(webhook_deliveries::Column::Status.ne(Word(DeliveryStatus::Pending)))
            .filter(webhook_deliveries::Column::CreatedUtc.lt(cutoff))
            .limit(batch)
            .into_tuple()
            .all(&txn)
            .await?;
        let done = webhook_deliveries::Entity::delete_many()
            .filter(webhook_deliveries::Column::Id.is_in(old))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(done.rows_affected)
    }
}

/// Queues an email whose text is already written (one not about a booking).
async fn queue_written_email(
    db: &impl ConnectionTrait,
    email: &OutgoingEmail,
    recipient: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    email_outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        booking_id: Set(None),
        channel: Set(EMAIL.to_owned()),
        kind: Set(Word(email.kind)),
        to_address: Set(email.to.as_str().to_owned()),
        to_name: Set(email.to_name.clone()),
        subject: Set(email.subject.clone()),
        body_text: Set(email.text.clone()),
        body_html: Set(email.html.clone()),
        ics: Set(email.ics.clone()),
        language: Set(Some(email.language.code().to_owned())),
        notice: Set(None),
        recipient_user_id: Set(recipient),
        actor_id: Set(None),
        rendered_utc: Set(Some(now)),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_utc: Set(now),
        claimed_until_utc: Set(None),
        created_utc: Set(now),
        sent_utc: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}
