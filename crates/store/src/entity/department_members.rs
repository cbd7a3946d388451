//! `department_members`: Department Members: membership with the assignment counters.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "department_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub department_id: Uuid,
    pub user_id: Uuid,
    pub position: i32,
    pub is_active: bool,
    pub assignment_priority: i32,
    pub last_assigned_utc: Option<DateTimeUtc>,
    pub total_assignments: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
