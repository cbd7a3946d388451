//! `booking_history`: Booking History: the audit trail of a booking.

use mm_domain::booking::{ActorRole, HistoryAction};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_id: Uuid,
    pub action: Word<HistoryAction>,
    pub action_by: Option<Uuid>,
    pub action_by_role: Word<ActorRole>,
    pub action_utc: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub old_value: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub new_value: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
