//! `meeting_types`: MM Department Meeting Type.

use mm_domain::meeting_type::{LocationType, VideoPlatform};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub department_id: Uuid,
    pub meeting_name: String,
    pub meeting_slug: String,
    #[sea_orm(column_type = "Text")]
    pub description: Option<String>,
    pub duration: i32,
    pub location_type: Word<LocationType>,
    pub video_platform: Option<Word<VideoPlatform>>,
    #[sea_orm(column_type = "Text")]
    pub custom_location: Option<String>,
    pub requires_approval: bool,
    pub is_public: bool,
    pub is_internal: bool,
    pub is_active: bool,
    pub color: String,
    pub buffer_before: Option<i32>,
    pub buffer_after: Option<i32>,
    pub slot_interval: Option<i32>,
    /// The most meetings a customer may book as one series; `None`: single meetings only.
    pub max_series_count: Option<i32>,
    pub thank_you_enabled: bool,
    pub feedback_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub next_steps: Option<String>,
    /// Email a customer who did not come a link to book again.
    pub no_show_follow_up: bool,
    /// Mark a confirmed meeting nobody marked as a no-show this long after its start.
    pub auto_no_show_minutes: Option<i32>,
    pub created_by: Option<Uuid>,
    pub created_utc: DateTimeUtc,
    pub updated_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
