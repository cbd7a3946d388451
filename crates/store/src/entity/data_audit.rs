//! `data_audit`: who deleted a booking, erased a customer or exported a customer's data, and
//! when; it names bookings by id and reference but holds no personal data.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "data_audit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `booking_deleted`, `customer_erased`, `customer_exported` or `retention_erased`.
    pub action: String,
    pub booking_id: Option<Uuid>,
    pub booking_reference: Option<String>,
    /// `None`: the system (the retention sweep), or a person since deleted.
    pub actor_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub created_utc: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
