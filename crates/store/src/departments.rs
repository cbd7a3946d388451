//! Departments and their members.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mm_domain::{
    Slug, TimeZone,
    access::Standing,
    department::{Department, Member},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError,
    changes::{Change, Touch},
    corrupt,
    entity::{Word, bookings, department_members, departments, meeting_types},
};

const SLUG_TAKEN: &str = "another department already uses this slug";

fn to_department(
    row: departments::Model,
    members: Vec<department_members::Model>,
) -> Result<Department> {
    Ok(Department {
        id: row.id,
        name: row.department_name,
        slug: Slug::parse(&row.department_slug).map_err(corrupt)?,
        description: row.description,
        leader: row.department_leader,
        is_active: row.is_active,
        timezone: TimeZone::parse(&row.timezone).map_err(corrupt)?,
        algorithm: row.assignment_algorithm.0,
        notify_leader_on_booking: row.notify_leader_on_booking,
        notify_admin_on_booking: row.notify_admin_on_booking,
        max_bookings_per_day: row.max_bookings_per_day.map(|v| v.max(0) as u32),
        members: members
            .into_iter()
            .map(|m| Member {
                user_id: m.user_id,
                is_active: m.is_active,
                assignment_priority: m.assignment_priority,
                last_assigned_utc: m.last_assigned_utc,
                total_assignments: m.total_assignments.max(0) as u32,
            })
            .collect(),
    })
}

fn department_row(d: &Department, now: DateTime<Utc>) -> departments::ActiveModel {
    departments::ActiveModel {
        id: Set(d.id),
        department_name: Set(d.name.clone()),
        department_slug: Set(d.slug.as_str().to_owned()),
        description: Set(d.description.clone()),
        department_leader: Set(d.leader),
        is_active: Set(d.is_active),
        timezone: Set(d.timezone.name().to_owned()),
        assignment_algorithm: Set(Word(d.algorithm)),
        notify_leader_on_booking: Set(d.notify_leader_on_booking),
        notify_admin_on_booking: Set(d.notify_admin_on_booking),
        max_bookings_per_day: Set(d.max_bookings_per_day.map(|v| v as i32)),
        created_utc: Set(now),
        updated_utc: Set(now),
    }
}

/// Replaces the member list, keeping the assignment counters of members who stay.
async fn write_members(
    db: &impl ConnectionTrait,
    department_id: Uuid,
    members: &[Member],
) -> Result<()> {
    let existing: BTreeMap<Uuid, department_members::Model> = department_members::Entity::find()
        .filter(department_members::Column::DepartmentId.eq(department_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m))
        .collect();
    department_members::Entity::delete_many()
        .filter(department_members::Column::DepartmentId.eq(department_id))
        .exec(db)
        .await?;
    for (position, member) in members.iter().enumerate() {
        let kept = existing.get(&member.user_id);
        department_members::ActiveModel {
            id: Set(Uuid::new_v4()),
            department_id: Set(department_id),
            user_id: Set(member.user_id),
            position: Set(position as i32),
            is_active: Set(member.is_active),
            assignment_priority: Set(member.assignment_priority),
            last_assigned_utc: Set(kept
                .and_then(|k| k.last_assigned_utc)
                .or(member.last_assigned_utc)),
            total_assignments: Set(
                kept.map_or(member.total_assignments as i32, |k| k.total_assignments)
            ),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

impl Store {
    #[tracing::instrument(skip_all, fields(department_id = %department.id))]
    pub async fn create_department(
        &self,
        department: &Department,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        department_row(department, now)
            .insert(&txn)
            .await
            .map_err(StoreError::unique_as("department_slug", SLUG_TAKEN))?;
        write_members(&txn, department.id, &department.members).await?;
        self.commit(txn, Change::new([Touch::department(department.id)]))
            .await?;
        Ok(())
    }

    /// Replaces a department and its members. Each person new to its members must pass
    /// `may_add`, judged on their standing as this transaction sees it.
    #[tracing::instrument(skip_all, fields(department_id = %department.id))]
    pub async fn update_department(
        &self,
        department: &Department,
        may_add: &(dyn Fn(&Standing) -> bool + Sync),
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        let existing = departments::Entity::find_by_id(department.id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("department"))?;
        let current: Vec<Uuid> = department_members::Entity::find()
            .select_only()
            .column(department_members::Column::UserId)
            .filter(department_members::Column::DepartmentId.eq(department.id))
            .into_tuple()
            .all(&txn)
            .await?;
        for newcomer in department
            .members
            .iter()
            .map(|m| m.user_id)
            .filter(|id| !current.contains(id))
        {
            if !may_add(&crate::users::standing(&txn, newcomer).await?) {
                return Err(StoreError::NotAllowed(
                    "a Department Leader may add only people who belong to no other department; \
                     ask a System Manager to add this person"
                        .into(),
                ));
            }
        }
        let mut row = department_row(department, now);
        row.created_utc = Set(existing.created_utc);
        row.update(&txn)
            .await
            .map_err(StoreError::unique_as("department_slug", SLUG_TAKEN))?;
        write_members(&txn, department.id, &department.members).await?;
        self.commit(txn, Change::new([Touch::department(department.id)]))
            .await?;
        Ok(())
    }

    /// The time zones the active departments keep.
    pub async fn department_zones(&self) -> Result<Vec<TimeZone>> {
        let names: Vec<String> = departments::Entity::find()
            .select_only()
            .column(departments::Column::Timezone)
            .filter(departments::Column::IsActive.eq(true))
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        names
            .iter()
            .map(|name| TimeZone::parse(name).map_err(corrupt))
            .collect()
    }

    pub async fn department(&self, id: Uuid) -> Result<Department> {
        load_department(&self.db, id).await
    }

    pub async fn department_by_slug(&self, slug: &Slug) -> Result<Department> {
        let row = departments::Entity::find()
            .filter(departments::Column::DepartmentSlug.eq(slug.as_str()))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("department"))?;
        with_members(&self.db, row).await
    }

    /// Every department with its members, by name; two queries whatever the count.
    pub async fn list_departments(&self) -> Result<Vec<Department>> {
        let rows = departments::Entity::find()
            .order_by_asc(departments::Column::DepartmentName)
            .all(&self.db)
            .await?;
        let mut members: BTreeMap<Uuid, Vec<department_members::Model>> = BTreeMap::new();
        for member in department_members::Entity::find()
            .order_by_asc(department_members::Column::Position)
            .all(&self.db)
            .await?
        {
            members
                .entry(member.department_id)
                .or_default()
                .push(member);
        }
        rows.into_iter()
            .map(|row| {
                let m = members.remove(&row.id).unwrap_or_default();
                to_department(row, m)
            })
            .collect()
    }

    /// Deletes a department with its meeting types when no booking refers to it.
    #[tracing::instrument(skip(self))]
    pub async fn delete_department(&self, id: Uuid) -> Result<()> {
        let txn = self.begin().await?;
        departments::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("department"))?;
        let bookings = bookings::Entity::find()
            .filter(bookings::Column::DepartmentId.eq(id))
            .count(&txn)
            .await?;
        if bookings > 0 {
            return Err(StoreError::InUse(format!(
                "the department has {bookings} booking(s); deactivate it instead (is_active: false)"
            )));
        }
        meeting_types::Entity::delete_many()
            .filter(meeting_types::Column::DepartmentId.eq(id))
            .exec(&txn)
            .await?;
        departments::Entity::delete_by_id(id).exec(&txn).await?;
        self.commit(txn, Change::new([Touch::department(id)]))
            .await?;
        Ok(())
    }
}

pub(crate) async fn load_department(db: &impl ConnectionTrait, id: Uuid) -> Result<Department> {
    let row = departments::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("department"))?;
    with_members(db, row).await
}

/// The department of `row`, with its members in roster order.
async fn with_members(db: &impl ConnectionTrait, row: departments::Model) -> Result<Department> {
    let members = department_members::Entity::find()
        .filter(department_members::Column::DepartmentId.eq(row.id))
        .order_by_asc(department_members::Column::Position)
        .all(db)
        .await?;
    to_department(row, members)
}
