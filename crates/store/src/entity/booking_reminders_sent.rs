//! `booking_reminders_sent`: a reminder entry handled (sent or skipped) for a booking's start time.

use mm_domain::{meeting_type::ReminderChannel, reminder::ReminderOutcome};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_reminders_sent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_id: Uuid,
    pub hours_before: i32,
    pub channel: Word<ReminderChannel>,
    pub for_start_utc: DateTimeUtc,
    pub sent_utc: DateTimeUtc,
    /// `sent` or `skipped`.
    pub outcome: Word<ReminderOutcome>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
