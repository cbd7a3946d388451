//! `webhook_subscriptions`: a receiver's URL, the booking events it wants, optionally one
//! department, and the secret its deliveries are signed with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// The events, comma-separated.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    pub department_id: Option<Uuid>,
    pub description: Option<String>,
    /// `whsec_` and the key in base64, as its owner was shown it.
    pub secret: String,
    pub is_active: bool,
    #[sea_orm(column_type = "Text")]
    pub disabled_reason: Option<String>,
    pub failing_since_utc: Option<DateTimeUtc>,
    pub created_utc: DateTimeUtc,
    pub updated_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
