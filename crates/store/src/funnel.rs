//! The public wizard's funnel counts: added in batches by each server process, read summed per
//! meeting type and step over a department's days.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use mm_domain::funnel::{FunnelStep, Tally};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, ExprTrait as _},
};
use uuid::Uuid;

use crate::{
    Result, Store,
    entity::{Word, departments, funnel_counts, meeting_types},
};

/// Visits that reached `step` of `department_id` (and `meeting_type_id`) on `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunnelKey {
    /// The day in the department's zone.
    pub day: NaiveDate,
    pub department_id: Uuid,
    pub meeting_type_id: Option<Uuid>,
    pub step: FunnelStep,
}

impl Store {
    /// Adds each count to its key, in one transaction.
    pub async fn add_funnel_counts(&self, counts: &[(FunnelKey, u64)]) -> Result<()> {
        if counts.is_empty() {
            return Ok(());
        }
        let txn = self.begin().await?;
        // A department or meeting type deleted since its visits were counted takes them along.
        let department_ids: BTreeSet<Uuid> = counts.iter().map(|(k, _)| k.department_id).collect();
        let departments: BTreeSet<Uuid> = departments::Entity::find()
            .select_only()
            .column(departments::Column::Id)
            .filter(departments::Column::Id.is_in(department_ids))
            .into_tuple::<Uuid>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let type_ids: BTreeSet<Uuid> = counts
            .iter()
            .filter_map(|(k, _)| k.meeting_type_id)
            .collect();
        let meeting_types: BTreeSet<Uuid> = meeting_types::Entity::find()
            .select_only()
            .column(meeting_types::Column::Id)
            .filter(meeting_types::Column::Id.is_in(type_ids))
            .into_tuple::<Uuid>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        for (key, count) in counts {
            let still_there = departments.contains(&key.department_id)
                && key
                    .meeting_type_id
                    .is_none_or(|id| meeting_types.contains(&id));
            let Ok(count) = i64::try_from(*count) else {
                continue;
            };
            if !still_there || count == 0 {
                continue;
            }
            let meeting_type = match key.meeting_type_id {
                Some(id) => funnel_counts::Column::MeetingTypeId.eq(id),
                None => funnel_counts::Column::MeetingTypeId.is_null(),
            };
            let added = funnel_counts::Entity::update_many()
                .col_expr(
                    funnel_counts::Column::Visits,
                    Expr::col(funnel_counts::Column::Visits).add(count),
                )
                .filter(funnel_counts::Column::Day.eq(key.day))
                .filter(funnel_counts::Column::DepartmentId.eq(key.department_id))
                .filter(meeting_type)
                .filter(funnel_counts::Column::Step.eq(Word(key.step)))
                .exec(&txn)
                .await?;
            if added.rows_affected == 0 {
                funnel_counts::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    day: Set(key.day),
                    department_id: Set(key.department_id),
                    meeting_type_id: Set(key.meeting_type_id),
                    step: Set(Word(key.step)),
                    visits: Set(count),
                }
                .insert(&txn)
                .await?;
            }
        }
        // Counts change nobody's time: nothing to announce.
        self.commit(txn, crate::changes::Change::default()).await
    }

    /// The counts of `departments` from `from` to `to` (inclusive), summed per meeting type and
    /// step.
    pub async fn funnel_tallies(
        &self,
        departments: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Tally>> {
        if departments.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Option<Uuid>, Word<FunnelStep>, i64)> = funnel_counts::Entity::find()
            .select_only()
            .column(funnel_counts::Column::MeetingTypeId)
            .column(funnel_counts::Column::Step)
            .column_as(Expr::cust("CAST(SUM(visits) AS BIGINT)"), "visits")
            .filter(funnel_counts::Column::DepartmentId.is_in(departments.iter().copied()))
            .filter(funnel_counts::Column::Day.between(from, to))
            .group_by(funnel_counts::Column::MeetingTypeId)
            .group_by(funnel_counts::Column::Step)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(meeting_type_id, step, count)| Tally {
                meeting_type_id,
                step: step.0,
                count: u64::try_from(count).unwrap_or(0),
            })
            .collect())
    }
}
