//! Availability rules and their date overrides.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mm_domain::{
    Minutes, TimeOfDay, TimeRange,
    availability_rule::{AvailabilityRule, DateOverride, OverrideHours, RuleLimits},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError,
    changes::{Change, Touch},
    corrupt,
    entity::{availability_rules, date_overrides},
};

pub(crate) fn to_rule(
    row: availability_rules::Model,
    overrides: Vec<date_overrides::Model>,
) -> Result<AvailabilityRule> {
    let count = |v: Option<i32>| v.map(|v| v.max(0) as u32);
    Ok(AvailabilityRule {
        id: row.id,
        user_id: row.user_id,
        name: row.rule_name,
        is_default: row.is_default,
        limits: RuleLimits {
            buffer_before: Minutes::buffer(i64::from(row.buffer_time_before)).map_err(corrupt)?,
            buffer_after: Minutes::buffer(i64::from(row.buffer_time_after)).map_err(corrupt)?,
            max_bookings_per_day: count(row.max_bookings_per_day),
            max_bookings_per_week: count(row.max_bookings_per_week),
            min_notice_hours: row.min_notice_hours.max(0) as u32,
            max_days_advance: count(row.max_days_advance),
        },
        overrides: overrides
            .into_iter()
            .map(|o| {
                let hours = if o.available {
                    let time = |t: Option<String>| {
                        TimeOfDay::parse(t.as_deref().unwrap_or_default()).map_err(corrupt)
                    };
                    let range =
                        TimeRange::new(time(o.custom_hours_start)?, time(o.custom_hours_end)?)
                            .map_err(corrupt)?;
                    OverrideHours::Custom(range)
                } else {
                    OverrideHours::DayOff
                };
                Ok(DateOverride {
                    date: o.date,
                    hours,
                    reason: o.reason,
                })
            })
            .collect::<Result<_>>()?,
    })
}

async fn write_rule(
    db: &impl ConnectionTrait,
    rule: &AvailabilityRule,
    now: DateTime<Utc>,
    insert: bool,
) -> Result<()> {
    if rule.is_default {
        // Only one default per user: the new default replaces the old one.
        availability_rules::Entity::update_many()
            .col_expr(availability_rules::Column::IsDefault, Expr::value(false))
            .filter(availability_rules::Column::UserId.eq(rule.user_id))
            .filter(availability_rules::Column::Id.ne(rule.id))
            .exec(db)
            .await?;
    }
    let limits = &rule.limits;
    let count = |v: Option<u32>| v.map(|v| v as i32);
    let row = availability_rules::ActiveModel {
        id: Set(rule.id),
        user_id: Set(rule.user_id),
        rule_name: Set(rule.name.clone()),
        is_default: Set(rule.is_default),
        buffer_time_before: Set(limits.buffer_before.get() as i32),
        buffer_time_after: Set(limits.buffer_after.get() as i32),
        max_bookings_per_day: Set(count(limits.max_bookings_per_day)),
        max_bookings_per_week: Set(count(limits.max_bookings_per_week)),
        min_notice_hours: Set(limits.min_notice_hours as i32),
        max_days_advance: Set(count(limits.max_days_advance)),
        created_utc: Set(now),
        updated_utc: Set(now),
    };
    if insert {
        row.insert(db).await?;
    } else {
        let mut row = row;
        row.created_utc = sea_orm::ActiveValue::NotSet;
        row.update(db).await?;
    }
    date_overrides::Entity::delete_many()
        .filter(date_overrides::Column::RuleId.eq(rule.id))
        .exec(db)
        .await?;
    for o in &rule.overrides {
        let (available, start, end) = match o.hours {
            OverrideHours::DayOff => (false, None, None),
            OverrideHours::Custom(r) => {
                (true, Some(r.start().to_string()), Some(r.end().to_string()))
            }
        };
        date_overrides::ActiveModel {
            id: Set(Uuid::new_v4()),
            rule_id: Set(rule.id),
            date: Set(o.date),
            available: Set(available),
            custom_hours_start: Set(start),
            custom_hours_end: Set(end),
            reason: Set(o.reason.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Creates a rule; a user's first rule becomes their default whatever it says.
    #[tracing::instrument(skip_all, fields(rule_id = %rule.id))]
    pub async fn create_rule(
        &self,
        rule: &AvailabilityRule,
        now: DateTime<Utc>,
    ) -> Result<AvailabilityRule> {
        let txn = self.begin().await?;
        let existing = availability_rules::Entity::find()
            .filter(availability_rules::Column::UserId.eq(rule.user_id))
            .count(&txn)
            .await?;
        let mut rule = rule.clone();
        rule.is_default |= existing == 0;
        write_rule(&txn, &rule, now, true).await?;
        self.commit(txn, Change::new([Touch::person(rule.user_id)]))
            .await?;
        Ok(rule)
    }

    #[tracing::instrument(skip_all, fields(rule_id = %rule.id))]
    pub async fn update_rule(&self, rule: &AvailabilityRule, now: DateTime<Utc>) -> Result<()> {
        let txn = self.begin().await?;
        let existing = availability_rules::Entity::find_by_id(rule.id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("availability rule"))?;
        if existing.is_default && !rule.is_default {
            return Err(StoreError::conflict(
                "is_default",
                "make another rule the default instead",
            ));
        }
        write_rule(&txn, rule, now, false).await?;
        // The rule may have changed hands.
        let touched = [existing.user_id, rule.user_id].map(Touch::person);
        self.commit(txn, Change::new(touched)).await?;
        Ok(())
    }

    pub async fn rule(&self, id: Uuid) -> Result<AvailabilityRule> {
        let row = availability_rules::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("availability rule"))?;
        let overrides = date_overrides::Entity::find()
            .filter(date_overrides::Column::RuleId.eq(id))
            .order_by_asc(date_overrides::Column::Date)
            .all(&self.db)
            .await?;
        to_rule(row, overrides)
    }

    /// A user's rules, the default first.
    pub async fn list_rules(&self, user_id: Uuid) -> Result<Vec<AvailabilityRule>> {
        let rows = availability_rules::Entity::find()
            .filter(availability_rules::Column::UserId.eq(user_id))
            .order_by_desc(availability_rules::Column::IsDefault)
            .order_by_asc(availability_rules::Column::RuleName)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut overrides: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
        for o in date_overrides::Entity::find()
            .filter(date_overrides::Column::RuleId.is_in(ids))
            .order_by_asc(date_overrides::Column::Date)
            .all(&self.db)
            .await?
        {
            overrides.entry(o.rule_id).or_default().push(o);
        }
        rows.into_iter()
            .map(|r| {
                let o = overrides.remove(&r.id).unwrap_or_default();
                to_rule(r, o)
            })
            .collect()
    }

    /// Deletes a rule; the default rule can go only when it is the user's last one.
    #[tracing::instrument(skip(self))]
    pub async fn delete_rule(&self, id: Uuid) -> Result<()> {
        let txn = self.begin().await?;
        let rule = availability_rules::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("availability rule"))?;
        let siblings = availability_rules::Entity::find()
            .filter(availability_rules::Column::UserId.eq(rule.user_id))
            .count(&txn)
            .await?;
        if rule.is_default && siblings > 1 {
            return Err(StoreError::InUse(
                "this is the default rule; make another rule the default first".into(),
            ));
        }
        availability_rules::Entity::delete_by_id(id)
            .exec(&txn)
            .await?;
        self.commit(txn, Change::new([Touch::person(rule.user_id)]))
            .await?;
        Ok(())
    }
}
