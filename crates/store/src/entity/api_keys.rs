//! `api_keys`: integrations' credentials, each acting for the staff user who made it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// The key's first characters, to recognise it by.
    pub prefix: String,
    /// SHA-256 of the whole key, hex.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// The scopes, comma-separated.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    pub expires_utc: DateTimeUtc,
    pub created_utc: DateTimeUtc,
    pub last_used_utc: Option<DateTimeUtc>,
    pub revoked_utc: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
