//! API keys as stored: made, listed, revoked, and looked up by their hash when a request
//! presents one. The key itself is never stored.

use chrono::{DateTime, Utc};
use mm_domain::{
    Principal,
    api_key::{ApiKey, ApiKeyToken, NewApiKey, Scope},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::{Result, Store, corrupt, entity::api_keys};

/// `last_used_utc` is written at most this often per key: a busy integration must not turn
/// every read into a write.
const LAST_USE_PRECISION: chrono::Duration = chrono::Duration::minutes(1);

fn to_key(row: api_keys::Model) -> Result<ApiKey> {
    let scopes = row
        .scopes
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<Scope>().map_err(corrupt))
        .collect::<Result<Vec<_>>>()?;
    Ok(ApiKey {
        id: row.id,
        user_id: row.user_id,
        name: row.name,
        prefix: row.prefix,
        scopes,
        expires_utc: row.expires_utc,
        created_utc: row.created_utc,
        last_used_utc: row.last_used_utc,
    })
}

impl Store {
    /// Keeps `key` (as its `hash`) for `user_id`, as `new` describes it.
    pub async fn create_api_key(
        &self,
        user_id: Uuid,
        new: &NewApiKey,
        key: &ApiKeyToken,
        hash: String,
        now: DateTime<Utc>,
    ) -> Result<ApiKey> {
        let scopes: Vec<&str> = new.scopes.iter().map(|s| s.as_ref()).collect();
        let row = api_keys::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(user_id),
            name: Set(new.name.clone()),
            prefix: Set(key.prefix().to_owned()),
            key_hash: Set(hash),
            scopes: Set(scopes.join(",")),
            expires_utc: Set(new.expires_utc),
            created_utc: Set(now),
            last_used_utc: Set(None),
            revoked_utc: Set(None),
        }
        .insert(&self.writer)
        .await?;
        to_key(row)
    }

    /// `user_id`'s keys that are not revoked, newest first (expired ones too, until revoked).
    pub async fn api_keys_of(&self, user_id: Uuid) -> Result<Vec<ApiKey>> {
        api_keys::Entity::find()
            .filter(api_keys::Column::UserId.eq(user_id))
            .filter(api_keys::Column::RevokedUtc.is_null())
            .order_by_desc(api_keys::Column::CreatedUtc)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_key)
            .collect()
    }

    /// Revokes key `id` if it is live and `owner`'s (`None`: whoever's); whether it did.
    pub async fn revoke_api_key(
        &self,
        id: Uuid,
        owner: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut revoke = api_keys::Entity::update_many()
            .col_expr(api_keys::Column::RevokedUtc, Expr::value(now))
            .filter(api_keys::Column::Id.eq(id))
            .filter(api_keys::Column::RevokedUtc.is_null());
        if let Some(owner) = owner {
            revoke = revoke.filter(api_keys::Column::UserId.eq(owner));
        }
        let done = revoke.exec(&self.writer).await?;
        Ok(done.rows_affected == 1)
    }

    /// The key with `hash` and the person it acts for, when it is neither revoked nor expired
    /// and the person's account is active; notes its use (at most once a minute).
    pub async fn key_holder(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(ApiKey, Principal)>> {
        let Some(row) = api_keys::Entity::find()
            .filter(api_keys::Column::KeyHash.eq(hash))
            .filter(api_keys::Column::RevokedUtc.is_null())
            .filter(api_keys::Column::ExpiresUtc.gt(now))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let Some(principal) = self.principal(row.user_id).await? else {
            return Ok(None);
        };
        if row
            .last_used_utc
            .is_none_or(|used| used <= now - LAST_USE_PRECISION)
        {
            // Conditional, so that simultaneous requests write it once.
            api_keys::Entity::update_many()
                .col_expr(api_keys::Column::LastUsedUtc, Expr::value(now))
                .filter(api_keys::Column::Id.eq(row.id))
                .filter(
                    Condition::any()
                        .add(api_keys::Column::LastUsedUtc.is_null())
                        .add(api_keys::Column::LastUsedUtc.lte(now - LAST_USE_PRECISION)),
                )
                .exec(&self.writer)
                .await?;
        }
        Ok(Some((to_key(row)?, principal)))
    }
}
