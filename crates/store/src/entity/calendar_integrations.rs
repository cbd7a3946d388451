//! `calendar_integrations`: MM Calendar Integration (tokens encrypted at rest).

use mm_domain::external_calendar::{IntegrationKind, SyncDirection, SyncStatus};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_integrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub integration_type: Word<IntegrationKind>,
    pub integration_name: String,
    pub is_active: bool,
    #[sea_orm(column_type = "Text")]
    pub access_token_encrypted: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub refresh_token_encrypted: Option<String>,
    pub token_expiry_utc: Option<DateTimeUtc>,
    pub calendar_id: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub ical_url: Option<String>,
    pub sync_direction: Word<SyncDirection>,
    #[sea_orm(column_type = "Text")]
    pub sync_token: Option<String>,
    pub last_sync_utc: Option<DateTimeUtc>,
    pub sync_status: Word<SyncStatus>,
    #[sea_orm(column_type = "Text")]
    pub sync_error_log: Option<String>,
    pub sync_claimed_until_utc: Option<DateTimeUtc>,
    /// The end of the window the last full read covered (providers with incremental sync).
    pub full_read_until_utc: Option<DateTimeUtc>,
    pub created_utc: DateTimeUtc,
    pub updated_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
