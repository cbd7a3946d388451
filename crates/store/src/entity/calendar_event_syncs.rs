//! `calendar_event_syncs`: MM Calendar Event Sync: an external busy (or free) event.

use mm_domain::scheduling::BusyStatus;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_event_syncs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub integration_id: Uuid,
    pub external_event_id: String,
    pub event_summary: Option<String>,
    pub event_start_utc: DateTimeUtc,
    pub event_end_utc: DateTimeUtc,
    pub event_status: Word<BusyStatus>,
    pub is_all_day: bool,
    pub last_synced_utc: DateTimeUtc,
    pub sync_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
