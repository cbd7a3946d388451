//! Meeting types with their custom questions and reminder schedule.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use mm_domain::{
    Minutes, Slug,
    meeting_type::{CustomQuestion, FollowUp, MeetingType, Reminder},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use crate::{
    Result, Store, StoreError,
    changes::{Change, Touch},
    corrupt,
    entity::{Word, bookings, meeting_type_questions, meeting_type_reminders, meeting_types},
};

const SLUG_TAKEN: &str = "another meeting type of this department already uses this slug";

fn minutes(value: Option<i32>, range: std::ops::RangeInclusive<u32>) -> Result<Option<Minutes>> {
    value
        .map(|v| Minutes::parse_in(i64::from(v), range.clone()).map_err(corrupt))
        .transpose()
}

fn to_meeting_type(
    row: meeting_types::Model,
    questions: Vec<meeting_type_questions::Model>,
    reminders: Vec<meeting_type_reminders::Model>,
) -> Result<MeetingType> {
    Ok(MeetingType {
        id: row.id,
        department_id: row.department_id,
        name: row.meeting_name,
        slug: Slug::parse(&row.meeting_slug).map_err(corrupt)?,
        description: row.description,
        duration: Minutes::duration(i64::from(row.duration)).map_err(corrupt)?,
        location_type: row.location_type.0,
        video_platform: row.video_platform.map(|p| p.0),
        custom_location: row.custom_location,
        requires_approval: row.requires_approval,
        is_public: row.is_public,
        is_internal: row.is_internal,
        is_active: row.is_active,
        color: row.color,
        buffer_before: minutes(row.buffer_before, Minutes::BUFFER)?,
        buffer_after: minutes(row.buffer_after, Minutes::BUFFER)?,
        slot_interval: minutes(row.slot_interval, Minutes::DURATION)?,
        max_series_count: row
            .max_series_count
            .map(u16::try_from)
            .transpose()
            .map_err(corrupt)?,
        questions: questions
            .into_iter()
            .map(|q| {
                Ok(CustomQuestion {
                    key: q.key,
                    label: q.label,
                    kind: q.kind.0,
                    required: q.required,
                    options: serde_json::from_value(q.options).map_err(corrupt)?,
                })
            })
            .collect::<Result<_>>()?,
        reminders: reminders
            .into_iter()
            .map(|r| {
                Ok(Reminder {
                    hours_before: r.hours_before.max(0) as u32,
                    channel: r.notification_type.0,
                    is_active: r.is_active,
                })
            })
            .collect::<Result<_>>()?,
        follow_up: FollowUp {
            enabled: row.thank_you_enabled,
            feedback_url: row.feedback_url,
            next_steps: row.next_steps,
            no_show_email: row.no_show_follow_up,
            auto_no_show_after: row
                .auto_no_show_minutes
                .map(|m| mm_domain::meeting_type::parse_auto_no_show(i64::from(m)).map_err(corrupt))
                .transpose()?,
        },
        created_by: row.created_by,
    })
}

fn meeting_type_row(t: &MeetingType, now: DateTime<Utc>) -> meeting_types::ActiveModel {
    let minutes = |m: Option<Minutes>| m.map(|m| m.get() as i32);
    meeting_types::ActiveModel {
        id: Set(t.id),
        department_id: Set(t.department_id),
        meeting_name: Set(t.name.clone()),
        meeting_slug: Set(t.slug.as_str().to_owned()),
        description: Set(t.description.clone()),
        duration: Set(t.duration.get() as i32),
        location_type: Set(Word(t.location_type)),
        video_platform: Set(t.video_platform.map(Word)),
        custom_location: Set(t.custom_location.clone()),
        requires_approval: Set(t.requires_approval),
        is_public: Set(t.is_public),
        is_internal: Set(t.is_internal),
        is_active: Set(t.is_active),
        color: Set(t.color.clone()),
        buffer_before: Set(minutes(t.buffer_before)),
        buffer_after: Set(minutes(t.buffer_after)),
        slot_interval: Set(minutes(t.slot_interval)),
        max_series_count: Set(t.max_series_count.map(i32::from)),
        thank_you_enabled: Set(t.follow_up.enabled),
        feedback_url: Set(t.follow_up.feedback_url.clone()),
        next_steps: Set(t.follow_up.next_steps.clone()),
        no_show_follow_up: Set(t.follow_up.no_show_email),
        auto_no_show_minutes: Set(minutes(t.follow_up.auto_no_show_after)),
        created_by: Set(t.created_by),
        created_utc: Set(now),
        updated_utc: Set(now),
    }
}

async fn write_children(db: &impl ConnectionTrait, t: &MeetingType) -> Result<()> {
    meeting_type_questions::Entity::delete_many()
        .filter(meeting_type_questions::Column::MeetingTypeId.eq(t.id))
        .exec(db)
        .await?;
    meeting_type_reminders::Entity::delete_many()
        .filter(meeting_type_reminders::Column::MeetingTypeId.eq(t.id))
        .exec(db)
        .await?;
    for (position, q) in t.questions.iter().enumerate() {
        meeting_type_questions::ActiveModel {
            id: Set(Uuid::new_v4()),
            meeting_type_id: Set(t.id),
            position: Set(position as i32),
            key: Set(q.key.clone()),
            label: Set(q.label.clone()),
            kind: Set(Word(q.kind)),
            required: Set(q.required),
            options: Set(serde_json::Value::from(q.options.clone())),
        }
        .insert(db)
        .await?;
    }
    for r in &t.reminders {
        meeting_type_reminders::ActiveModel {
            id: Set(Uuid::new_v4()),
            meeting_type_id: Set(t.id),
            hours_before: Set(r.hours_before as i32),
            notification_type: Set(Word(r.channel)),
            is_active: Set(r.is_active),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

impl Store {
    #[tracing::instrument(skip_all, fields(meeting_type_id = %meeting_type.id))]
    pub async fn create_meeting_type(
        &self,
        meeting_type: &MeetingType,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        meeting_type_row(meeting_type, now)
            .insert(&txn)
            .await
            .map_err(StoreError::unique_as("meeting_slug", SLUG_TAKEN))?;
        write_children(&txn, meeting_type).await?;
        self.commit(
            txn,
            Change::new([Touch::department(meeting_type.department_id)]),
        )
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(meeting_type_id = %meeting_type.id))]
    pub async fn update_meeting_type(
        &self,
        meeting_type: &MeetingType,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        let existing = meeting_types::Entity::find_by_id(meeting_type.id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("meeting type"))?;
        let mut row = meeting_type_row(meeting_type, now);
        row.created_utc = Set(existing.created_utc);
        row.update(&txn)
            .await
            .map_err(StoreError::unique_as("meeting_slug", SLUG_TAKEN))?;
        write_children(&txn, meeting_type).await?;
        // The type may have moved from another department.
        let touched = [existing.department_id, meeting_type.department_id].map(Touch::department);
        self.commit(txn, Change::new(touched)).await?;
        Ok(())
    }

    pub async fn meeting_type(&self, id: Uuid) -> Result<MeetingType> {
        load_meeting_type(&self.db, id).await
    }

    /// The meeting types of one department (or of all, with `None`), by name.
    pub async fn list_meeting_types(
        &self,
        department_id: Option<Uuid>,
    ) -> Result<Vec<MeetingType>> {
        let mut query =
            meeting_types::Entity::find().order_by_asc(meeting_types::Column::MeetingName);
        if let Some(id) = department_id {
            query = query.filter(meeting_types::Column::DepartmentId.eq(id));
        }
        let rows = query.all(&self.db).await?;
        assemble(&self.db, rows).await
    }

    /// Deletes a meeting type no booking refers to; otherwise refuses (deactivate it instead).
    #[tracing::instrument(skip(self))]
    pub async fn delete_meeting_type(&self, id: Uuid) -> Result<()> {
        let txn = self.begin().await?;
        let existing = meeting_types::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("meeting type"))?;
        let bookings = bookings::Entity::find()
            .filter(bookings::Column::MeetingTypeId.eq(id))
            .count(&txn)
            .await?;
        if bookings > 0 {
            return Err(StoreError::InUse(format!(
                "the meeting type has {bookings} booking(s); deactivate it instead (is_active: false)"
            )));
        }
        meeting_types::Entity::delete_by_id(id).exec(&txn).await?;
        self.commit(
            txn,
            Change::new([Touch::department(existing.department_id)]),
        )
        .await?;
        Ok(())
    }
}

pub(crate) async fn load_meeting_type(db: &impl ConnectionTrait, id: Uuid) -> Result<MeetingType> {
    let row = meeting_types::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(StoreError::NotFound("meeting type"))?;
    with_children(db, row).await
}

/// The meeting type of `row`, with its questions and reminder schedule.
pub(crate) async fn with_children(
    db: &impl ConnectionTrait,
    row: meeting_types::Model,
) -> Result<MeetingType> {
    let mut all = assemble(db, vec![row]).await?;
    all.pop().ok_or(StoreError::NotFound("meeting type"))
}

/// Loads the children of these meeting types in two queries.
async fn assemble(
    db: &impl ConnectionTrait,
    rows: Vec<meeting_types::Model>,
) -> Result<Vec<MeetingType>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut questions: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
    for q in meeting_type_questions::Entity::find()
        .filter(meeting_type_questions::Column::MeetingTypeId.is_in(ids.clone()))
        .order_by_asc(meeting_type_questions::Column::Position)
        .all(db)
        .await?
    {
        questions.entry(q.meeting_type_id).or_default().push(q);
    }
    let mut reminders: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
    for r in meeting_type_reminders::Entity::find()
        .filter(meeting_type_reminders::Column::MeetingTypeId.is_in(ids))
        .order_by_desc(meeting_type_reminders::Column::HoursBefore)
        .all(db)
        .await?
    {
        reminders.entry(r.meeting_type_id).or_default().push(r);
    }
    rows.into_iter()
        .map(|row| {
            let (q, r) = (
                questions.remove(&row.id).unwrap_or_default(),
                reminders.remove(&row.id).unwrap_or_default(),
            );
            to_meeting_type(row, q, r)
        })
        .collect()
}
