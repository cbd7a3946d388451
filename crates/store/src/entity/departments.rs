//! `departments`: MM Department.

use mm_domain::department::AssignmentAlgorithm;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "departments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub department_name: String,
    pub department_slug: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    pub department_leader: Option<Uuid>,
    pub is_active: bool,
    pub timezone: String,
    pub assignment_algorithm: Word<AssignmentAlgorithm>,
    pub notify_leader_on_booking: bool,
    pub notify_admin_on_booking: bool,
    pub max_bookings_per_day: Option<i32>,
    pub created_utc: DateTimeUtc,
    pub updated_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
