//! Calendar integrations and the busy events their syncs bring back. A sync is claimed like an
//! outbox email (one process at a time, released if that process dies), and its result lands in
//! one transaction: new events added, changed ones rewritten, vanished ones removed.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use mm_domain::{
    TimeZone,
    external_calendar::{
        IntegrationKind, MAX_FEEDS_PER_PERSON, SyncDirection, SyncStatus, SyncedEvent,
    },
    scheduling::EventTime,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, LockBehavior, LockType},
};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError,
    changes::{Change, Touch},
    corrupt,
    entity::{
        Word, booking_series, bookings, calendar_event_syncs, calendar_integrations, oauth_states,
        user_settings,
    },
};

/// A connected calendar as staff see it; its secrets never leave the store through this type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: IntegrationKind,
    pub name: String,
    pub is_active: bool,
    pub calendar_id: Option<String>,
    pub ical_url: Option<String>,
    pub direction: SyncDirection,
    pub last_sync_utc: Option<DateTime<Utc>>,
    pub status: SyncStatus,
    pub last_error: Option<String>,
    pub created_utc: DateTime<Utc>,
    /// Busy (and free) events held from its last sync.
    pub events: u64,
}

/// A new iCal subscription.
#[derive(Debug, Clone)]
pub struct NewIcalIntegration {
    pub user_id: Uuid,
    pub name: String,
    pub url: String,
}

/// A provider's tokens as stored: sealed by the server's cipher before they reach the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedTokens {
    pub access: String,
    /// `None` on a refresh that kept the refresh token we hold.
    pub refresh: Option<String>,
    pub expiry_utc: DateTime<Utc>,
}

/// A Google or Outlook calendar a member just connected through OAuth.
#[derive(Debug, Clone)]
pub struct NewOAuthIntegration {
    pub user_id: Uuid,
    pub kind: IntegrationKind,
    pub name: String,
    pub calendar_id: String,
    pub tokens: SealedTokens,
}

/// A consent a member started: the provider sends them back with `state` and we need the PKCE
/// verifier to finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthStart {
    pub state: String,
    pub user_id: Uuid,
    pub provider: IntegrationKind,
    pub pkce_verifier: String,
    /// SHA-256 (hex) of the secret kept in a cookie of the browser that started the consent:
    /// only that browser may finish it.
    pub browser_hash: String,
}

/// What a callback's `state` turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// Unknown, used or expired.
    Unknown,
    /// A consent started in another browser; it stays usable there.
    OtherBrowser,
    /// The consent, now used up.
    Taken(OAuthStart),
}

/// An integration a sync may now read: the calendar, the zone its floating times mean, and for
/// the providers the sealed tokens and where the last read stopped.
#[derive(Debug, Clone)]
pub struct SyncJob {
    pub integration: Integration,
    pub owner_zone: TimeZone,
    pub tokens: Option<SealedTokens>,
    pub sync_token: Option<String>,
    pub full_read_until: Option<DateTime<Utc>>,
}

/// What a sync read, to be stored in one transaction.
#[derive(Debug, Clone, Default)]
pub struct SyncBatch {
    /// New or changed events; on a full read, every event of the window.
    pub events: Vec<SyncedEvent>,
    /// Ids the provider reported deleted since the last read.
    pub removed: Vec<String>,
    /// A full read: events held but not in `events` have vanished.
    pub full: bool,
    /// Where the next incremental read starts (the provider's sync token or delta link).
    pub sync_token: Option<String>,
    /// The end of the window a full read covered; kept from before on an incremental read.
    pub full_read_until: Option<DateTime<Utc>>,
    /// Events that ended before this are past and dropped.
    pub prune_before: Option<DateTime<Utc>>,
}

/// What one sync changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOutcome {
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    /// Events held after the sync.
    pub held: u64,
}

impl Store {
    /// A user's calendars, oldest first.
    pub async fn integrations_of(&self, user_id: Uuid) -> Result<Vec<Integration>> {
        let rows = calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::UserId.eq(user_id))
            .order_by_asc(calendar_integrations::Column::CreatedUtc)
            .all(&self.db)
            .await?;
        let counts: HashMap<Uuid, i64> = calendar_event_syncs::Entity::find()
            .select_only()
            .column(calendar_event_syncs::Column::IntegrationId)
            .column_as(calendar_event_syncs::Column::Id.count(), "events")
            .filter(calendar_event_syncs::Column::UserId.eq(user_id))
            .group_by(calendar_event_syncs::Column::IntegrationId)
            .into_tuple::<(Uuid, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        rows.into_iter()
            .map(|row| {
                let events = counts.get(&row.id).copied().unwrap_or(0);
                integration(row, u64::try_from(events).map_err(corrupt)?)
            })
            .collect()
    }

    pub async fn integration(&self, id: Uuid) -> Result<Integration> {
        let row = calendar_integrations::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?;
        let events = count_events(&self.db, id).await?;
        integration(row, events)
    }

    /// Subscribes a user to a feed; the same feed twice is refused.
    pub async fn create_ical_integration(
        &self,
        new: &NewIcalIntegration,
        now: DateTime<Utc>,
    ) -> Result<Integration> {
        let txn = self.begin().await?;
        let taken = calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::UserId.eq(new.user_id))
            .filter(calendar_integrations::Column::IcalUrl.eq(new.url.as_str()))
            .count(&txn)
            .await?;
        if taken > 0 {
            return Err(StoreError::conflict(
                "ical_url",
                "this calendar is already connected",
            ));
        }
        let feeds = calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::UserId.eq(new.user_id))
            .filter(calendar_integrations::Column::IntegrationType.eq(Word(IntegrationKind::Ical)))
            .count(&txn)
            .await?;
        if feeds >= MAX_FEEDS_PER_PERSON {
            return Err(StoreError::conflict(
                "ical_url",
                &format!(
                    "a person may subscribe to at most {MAX_FEEDS_PER_PERSON} calendar feeds; remove one first"
                ),
            ));
        }
        let mut row = fresh_row(
            new.user_id,
            IntegrationKind::Ical,
            &new.name,
            SyncDirection::ReadOnly,
            now,
        );
        row.ical_url = Set(Some(new.url.clone()));
        let row = row.insert(&txn).await?;
        self.commit(txn, Change::new([Touch::person(new.user_id)]))
            .await?;
        integration(row, 0)
    }

    /// Connects a calendar a member consented to. Connecting the same calendar again (after the
    /// provider revoked our access, say) renews its tokens and reads it in full at the next sync.
    pub async fn connect_oauth_integration(
        &self,
        new: &NewOAuthIntegration,
        now: DateTime<Utc>,
    ) -> Result<Integration> {
        let txn = self.begin().await?;
        let existing = calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::UserId.eq(new.user_id))
            .filter(calendar_integrations::Column::IntegrationType.eq(Word(new.kind)))
            .filter(calendar_integrations::Column::CalendarId.eq(new.calendar_id.as_str()))
            .one(&txn)
            .await?;
        let row = match existing {
            Some(row) => {
                let mut renewed = row.clone().into_active_model();
                seal_into(&mut renewed, &new.tokens);
                renewed.integration_name = Set(new.name.clone());
                renewed.is_active = Set(true);
                renewed.sync_status = Set(Word(SyncStatus::Pending));
                renewed.sync_error_log = Set(None);
                renewed.sync_token = Set(None);
                renewed.full_read_until_utc = Set(None);
                renewed.updated_utc = Set(now);
                renewed.update(&txn).await?
            }
            None => {
                let mut row =
                    fresh_row(new.user_id, new.kind, &new.name, SyncDirection::TwoWay, now);
                seal_into(&mut row, &new.tokens);
                row.calendar_id = Set(Some(new.calendar_id.clone()));
                row.insert(&txn).await?
            }
        };
        // Writes that failed for want of a working connection are due again now.
        bookings::Entity::update_many()
            .col_expr(
                bookings::Column::CalendarPushRetryUtc,
                Expr::val(Option::<DateTime<Utc>>::None),
            )
            .filter(bookings::Column::AssignedTo.eq(new.user_id))
            .filter(bookings::Column::CalendarPushRetryUtc.is_not_null())
            .exec(&txn)
            .await?;
        // A reconnected calendar's events count as busy time again.
        self.commit(txn, Change::new([Touch::person(new.user_id)]))
            .await?;
        let events = count_events(&self.db, row.id).await?;
        integration(row, events)
    }

    /// The sealed tokens of a provider's calendar; `None` for an iCal feed.
    pub async fn integration_tokens(&self, id: Uuid) -> Result<Option<SealedTokens>> {
        let row = calendar_integrations::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?;
        Ok(sealed_tokens(&row))
    }

    /// Keeps refreshed tokens; a refresh that brought no refresh token keeps the one held.
    pub async fn store_tokens(
        &self,
        id: Uuid,
        tokens: &SealedTokens,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let row = calendar_integrations::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?;
        let mut renewed = row.into_active_model();
        seal_into(&mut renewed, tokens);
        renewed.updated_utc = Set(now);
        renewed.update(&self.writer).await?;
        Ok(())
    }

    /// Remembers a consent until the provider sends the member back; stale ones are dropped.
    pub async fn begin_oauth(
        &self,
        start: &OAuthStart,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<()> {
        let txn = self.begin().await?;
        oauth_states::Entity::delete_many()
            .filter(oauth_states::Column::ExpiresUtc.lt(now))
            .exec(&txn)
            .await?;
        oauth_states::ActiveModel {
            state: Set(start.state.clone()),
            user_id: Set(start.user_id),
            provider: Set(start.provider.as_ref().to_owned()),
            pkce_verifier: Set(start.pkce_verifier.clone()),
            created_utc: Set(now),
            expires_utc: Set(now + ttl),
            browser_hash: Set(Some(start.browser_hash.clone())),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Takes a consent back by its `state`, once, for the browser whose cookie hashes to
    /// `browser_hash`. The state is looked up before anything is locked for writing, so unknown
    /// states cost a read.
    pub async fn take_oauth_state(
        &self,
        state: &str,
        browser_hash: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Consent> {
        let Some(row) = oauth_states::Entity::find_by_id(state.to_owned())
            .one(&self.db)
            .await?
            .filter(|row| row.expires_utc >= now)
        else {
            return Ok(Consent::Unknown);
        };
        if row.browser_hash.is_none() || row.browser_hash.as_deref() != browser_hash {
            return Ok(Consent::OtherBrowser);
        }
        let txn = self.begin().await?;
        let deleted = oauth_states::Entity::delete_by_id(state.to_owned())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        // Two callbacks racing with one state: only the one that deleted it goes on.
        if deleted.rows_affected == 0 {
            return Ok(Consent::Unknown);
        }
        Ok(Consent::Taken(OAuthStart {
            state: row.state,
            user_id: row.user_id,
            provider: row.provider.parse().map_err(corrupt)?,
            pkce_verifier: row.pkce_verifier,
            browser_hash: row.browser_hash.unwrap_or_default(),
        }))
    }

    /// Renames a calendar or changes whether our bookings are written to it. A changed direction
    /// has every upcoming booking of its owner written again: into the calendar, or out of it.
    pub async fn change_integration(
        &self,
        id: Uuid,
        name: Option<&str>,
        direction: Option<SyncDirection>,
        now: DateTime<Utc>,
    ) -> Result<Integration> {
        let txn = self.begin().await?;
        let row = calendar_integrations::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?;
        let user_id = row.user_id;
        let redirected = direction.is_some_and(|d| d != row.sync_direction.0);
        let mut changed = row.into_active_model();
        if let Some(name) = name {
            changed.integration_name = Set(name.to_owned());
        }
        if let Some(direction) = direction {
            changed.sync_direction = Set(Word(direction));
        }
        changed.updated_utc = Set(now);
        let row = changed.update(&txn).await?;
        if redirected {
            bookings::Entity::update_many()
                .col_expr(
                    bookings::Column::CalendarPushedUtc,
                    Expr::val(Option::<DateTime<Utc>>::None),
                )
                .filter(bookings::Column::AssignedTo.eq(user_id))
                .filter(bookings::Column::EndUtc.gt(now))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        let events = count_events(&self.db, id).await?;
        integration(row, events)
    }

    /// Disconnects a calendar: the integration and every event it brought go together.
    pub async fn delete_integration(&self, id: Uuid) -> Result<()> {
        let txn = self.begin().await?;
        let owner = calendar_integrations::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?
            .user_id;
        calendar_event_syncs::Entity::delete_many()
            .filter(calendar_event_syncs::Column::IntegrationId.eq(id))
            .exec(&txn)
            .await?;
        // Events of our bookings stay in the calendar we can no longer reach; we forget them.
        bookings::Entity::update_many()
            .col_expr(
                bookings::Column::CalendarIntegrationId,
                Expr::val(Option::<Uuid>::None),
            )
            .col_expr(
                bookings::Column::ExternalEventId,
                Expr::val(Option::<String>::None),
            )
            .col_expr(
                bookings::Column::ExternalEventIsOccurrence,
                Expr::val(false),
            )
            .filter(bookings::Column::CalendarIntegrationId.eq(id))
            .exec(&txn)
            .await?;
        booking_series::Entity::update_many()
            .col_expr(
                booking_series::Column::CalendarIntegrationId,
                Expr::val(Option::<Uuid>::None),
            )
            .col_expr(
                booking_series::Column::ExternalEventId,
                Expr::val(Option::<String>::None),
            )
            .filter(booking_series::Column::CalendarIntegrationId.eq(id))
            .exec(&txn)
            .await?;
        let deleted = calendar_integrations::Entity::delete_by_id(id)
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(StoreError::NotFound("calendar integration"));
        }
        self.commit(txn, Change::new([Touch::person(owner)])).await
    }

    /// Claims the active integration whose sync is most overdue (never synced first), if any
    /// last synced more than `every` ago.
    pub async fn claim_due_sync(
        &self,
        now: DateTime<Utc>,
        every: Duration,
        lease: Duration,
    ) -> Result<Option<SyncJob>> {
        let due = Condition::any()
            .add(calendar_integrations::Column::LastSyncUtc.is_null())
            .add(calendar_integrations::Column::LastSyncUtc.lte(now - every));
        self.claim(due, now, lease).await
    }

    /// Claims one integration for a sync asked for now; `None` while another sync of it runs.
    pub async fn claim_sync_now(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<SyncJob>> {
        self.integration(id).await?;
        self.claim(
            Condition::all().add(calendar_integrations::Column::Id.eq(id)),
            now,
            lease,
        )
        .await
    }

    async fn claim(
        &self,
        condition: Condition,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<SyncJob>> {
        let txn = self.begin().await?;
        let mut query = calendar_integrations::Entity::find()
            .filter(calendar_integrations::Column::IsActive.eq(true))
            .filter(condition)
            .filter(
                Condition::any()
                    .add(calendar_integrations::Column::SyncClaimedUntilUtc.is_null())
                    .add(calendar_integrations::Column::SyncClaimedUntilUtc.lt(now)),
            )
            .order_by_asc(calendar_integrations::Column::LastSyncUtc)
            .order_by_asc(calendar_integrations::Column::CreatedUtc)
            .limit(1);
        if txn.get_database_backend() == DbBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(row) = query.one(&txn).await? else {
            return Ok(None);
        };
        let zone = user_settings::Entity::find_by_id(row.user_id)
            .one(&txn)
            .await?
            .map(|s| TimeZone::parse(&s.timezone))
            .transpose()
            .map_err(corrupt)?
            .unwrap_or(TimeZone::UTC);
        let mut claim = row.into_active_model();
        claim.sync_claimed_until_utc = Set(Some(now + lease));
        let row = claim.update(&txn).await?;
        // A claim changes nothing anyone reads: no revision bump.
        txn.commit().await?;
        let events = count_events(&self.db, row.id).await?;
        let tokens = sealed_tokens(&row);
        let (sync_token, full_read_until) = (row.sync_token.clone(), row.full_read_until_utc);
        Ok(Some(SyncJob {
            integration: integration(row, events)?,
            owner_zone: zone,
            tokens,
            sync_token,
            full_read_until,
        }))
    }

    /// Lands a successful sync in one transaction: changed events rewritten, new ones added,
    /// removed (or, on a full read, vanished) ones deleted, and where the next read starts.
    pub async fn record_sync(
        &self,
        id: Uuid,
        batch: &SyncBatch,
        now: DateTime<Utc>,
    ) -> Result<SyncOutcome> {
        let txn = self.begin().await?;
        let row = calendar_integrations::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?;
        let held: HashMap<String, calendar_event_syncs::Model> =
            calendar_event_syncs::Entity::find()
                .filter(calendar_event_syncs::Column::IntegrationId.eq(id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|e| (e.external_event_id.clone(), e))
                .collect();
        // Our own bookings written to this calendar come back in its reads; they block their
        // time as bookings already.
        let own = Store::own_event_ids(&txn, id).await?;
        let mut outcome = SyncOutcome::default();
        let mut seen = std::collections::HashSet::new();
        for event in &batch.events {
            if own.contains(&event.external_id) || !seen.insert(event.external_id.as_str()) {
                continue;
            }
            let hash = fingerprint_hash(event);
            let (start, end, all_day) = stored_times(event.event.time);
            match held.get(&event.external_id) {
                Some(old) if old.sync_hash == hash => {}
                Some(old) => {
                    let mut update = old.clone().into_active_model();
                    update.event_summary = Set(event.summary.clone());
                    update.event_start_utc = Set(start);
                    update.event_end_utc = Set(end);
                    update.is_all_day = Set(all_day);
                    update.event_status = Set(Word(event.event.status));
                    update.sync_hash = Set(hash);
                    update.last_synced_utc = Set(now);
                    update.update(&txn).await?;
                    outcome.updated += 1;
                }
                None => {
                    calendar_event_syncs::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        user_id: Set(row.user_id),
                        integration_id: Set(id),
                        external_event_id: Set(event.external_id.clone()),
                        event_summary: Set(event.summary.clone()),
                        event_start_utc: Set(start),
                        event_end_utc: Set(end),
                        event_status: Set(Word(event.event.status)),
                        is_all_day: Set(all_day),
                        last_synced_utc: Set(now),
                        sync_hash: Set(hash),
                    }
                    .insert(&txn)
                    .await?;
                    outcome.added += 1;
                }
            }
        }
        let removed: std::collections::HashSet<&str> =
            batch.removed.iter().map(String::as_str).collect();
        let gone: Vec<Uuid> = held
            .values()
            .filter(|e| {
                let id = e.external_event_id.as_str();
                let past = batch.prune_before.is_some_and(|t| e.event_end_utc < t);
                !seen.contains(id)
                    && (batch.full || removed.contains(id) || past || own.contains(id))
            })
            .map(|e| e.id)
            .collect();
        outcome.removed = gone.len() as u64;
        for chunk in gone.chunks(500) {
            calendar_event_syncs::Entity::delete_many()
                .filter(calendar_event_syncs::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
        }
        outcome.held = count_events(&txn, id).await?;
        let owner = row.user_id;
        let mut done = row.into_active_model();
        done.last_sync_utc = Set(Some(now));
        done.sync_status = Set(Word(SyncStatus::Success));
        done.sync_error_log = Set(None);
        done.sync_claimed_until_utc = Set(None);
        done.sync_token = Set(batch.sync_token.clone());
        if batch.full {
            done.full_read_until_utc = Set(batch.full_read_until);
        }
        done.updated_utc = Set(now);
        done.update(&txn).await?;
        if outcome.added + outcome.updated + outcome.removed > 0 {
            // Busy times changed: the owner's slots computed before are stale.
            self.commit(txn, Change::new([Touch::person(owner)]))
                .await?;
        } else {
            txn.commit().await?;
        }
        Ok(outcome)
    }

    /// Records a failed sync; the events of the last good sync stay, so a feed that is down for
    /// a while does not make its owner look free.
    pub async fn record_sync_failure(
        &self,
        id: Uuid,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        let row = calendar_integrations::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("calendar integration"))?;
        let mut failed = row.into_active_model();
        failed.last_sync_utc = Set(Some(now));
        failed.sync_status = Set(Word(SyncStatus::Failed));
        failed.sync_error_log = Set(Some(error.chars().take(2_000).collect()));
        failed.sync_claimed_until_utc = Set(None);
        failed.updated_utc = Set(now);
        failed.update(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn count_events(db: &impl ConnectionTrait, integration_id: Uuid) -> Result<u64> {
    Ok(calendar_event_syncs::Entity::find()
        .filter(calendar_event_syncs::Column::IntegrationId.eq(integration_id))
        .count(db)
        .await?)
}

/// The stored form: all-day events as their first and (exclusive) last dates at midnight UTC.
fn stored_times(time: EventTime) -> (DateTime<Utc>, DateTime<Utc>, bool) {
    match time {
        EventTime::Timed(span) => (span.start(), span.end(), false),
        EventTime::AllDay { first, until } => (
            first.and_time(NaiveTime::MIN).and_utc(),
            until.and_time(NaiveTime::MIN).and_utc(),
            true,
        ),
    }
}

fn fingerprint_hash(event: &SyncedEvent) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(event.fingerprint().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A calendar just connected: never synced, no tokens or feed yet.
fn fresh_row(
    user_id: Uuid,
    kind: IntegrationKind,
    name: &str,
    direction: SyncDirection,
    now: DateTime<Utc>,
) -> calendar_integrations::ActiveModel {
    calendar_integrations::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        integration_type: Set(Word(kind)),
        integration_name: Set(name.to_owned()),
        is_active: Set(true),
        access_token_encrypted: Set(None),
        refresh_token_encrypted: Set(None),
        token_expiry_utc: Set(None),
        calendar_id: Set(None),
        ical_url: Set(None),
        sync_direction: Set(Word(direction)),
        sync_token: Set(None),
        last_sync_utc: Set(None),
        sync_status: Set(Word(SyncStatus::Pending)),
        sync_error_log: Set(None),
        sync_claimed_until_utc: Set(None),
        full_read_until_utc: Set(None),
        created_utc: Set(now),
        updated_utc: Set(now),
    }
}

/// New tokens replace the held ones; a refresh that brought no refresh token keeps the old one.
fn seal_into(row: &mut calendar_integrations::ActiveModel, tokens: &SealedTokens) {
    row.access_token_encrypted = Set(Some(tokens.access.clone()));
    if let Some(refresh) = &tokens.refresh {
        row.refresh_token_encrypted = Set(Some(refresh.clone()));
    }
    row.token_expiry_utc = Set(Some(tokens.expiry_utc));
}

fn sealed_tokens(row: &calendar_integrations::Model) -> Option<SealedTokens> {
    Some(SealedTokens {
        access: row.access_token_encrypted.clone()?,
        refresh: row.refresh_token_encrypted.clone(),
        expiry_utc: row.token_expiry_utc?,
    })
}

fn integration(row: calendar_integrations::Model, events: u64) -> Result<Integration> {
    Ok(Integration {
        id: row.id,
        user_id: row.user_id,
        kind: row.integration_type.0,
        name: row.integration_name,
        is_active: row.is_active,
        calendar_id: row.calendar_id,
        ical_url: row.ical_url,
        direction: row.sync_direction.0,
        last_sync_utc: row.last_sync_utc,
        status: row.sync_status.0,
        last_error: row.sync_error_log,
        created_utc: row.created_utc,
        events,
    })
}
