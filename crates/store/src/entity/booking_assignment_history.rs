//! `booking_assignment_history`: Assignment History of a booking.

use mm_domain::booking::AssignmentType;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_assignment_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_id: Uuid,
    pub assigned_to: Uuid,
    pub assigned_utc: DateTimeUtc,
    pub assigned_by: Option<Uuid>,
    pub assignment_type: Word<AssignmentType>,
    pub is_current: bool,
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
