//! `meeting_type_reminders`: Reminder Schedule entry of a meeting type.

use mm_domain::meeting_type::ReminderChannel;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_type_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_type_id: Uuid,
    pub hours_before: i32,
    pub notification_type: Word<ReminderChannel>,
    pub is_active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
