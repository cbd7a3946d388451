//! `oauth_states`: a calendar connection a member started and the provider has not yet sent
//! back; single use.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub state: String,
    pub user_id: Uuid,
    pub provider: String,
    #[sea_orm(column_type = "Text")]
    pub pkce_verifier: String,
    pub created_utc: DateTimeUtc,
    pub expires_utc: DateTimeUtc,
    /// SHA-256 of the secret in the cookie of the browser that started the consent.
    pub browser_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
