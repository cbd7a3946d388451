//! `user_settings`: MM User Settings: time zone, profile and weekly working hours (JSON).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub timezone: String,
    #[sea_orm(column_type = "Text")]
    pub bio: Option<String>,
    pub profile_picture_url: Option<String>,
    /// `da`, `en`…; none: the organisation's default.
    pub language: Option<String>,
    pub working_hours: Json,
    pub updated_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
