//! `booking_reminders_sent`: a reminder entry handled (sent or skipped) for a booking's start time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_reminders_sent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_id: Uuid,
    pub hours_before: i32,
    pub channel: String,
    pub for_start_utc: DateTimeUtc,
    pub sent_utc: DateTimeUtc,
    /// `sent` or `skipped`.
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
