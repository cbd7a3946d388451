//! `availability_rules`: MM User Availability Rule.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "availability_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub rule_name: String,
    pub is_default: bool,
    pub buffer_time_before: i32,
    pub buffer_time_after: i32,
    pub max_bookings_per_day: Option<i32>,
    pub max_bookings_per_week: Option<i32>,
    pub min_notice_hours: i32,
    pub max_days_advance: Option<i32>,
    pub created_utc: DateTimeUtc,
    pub updated_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
