//! `webhook_deliveries`: one event on its way to one subscription's receiver, with its body as
//! written when the change committed, its attempts and the receiver's last answer.

use mm_domain::webhook::DeliveryStatus;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_type: String,
    pub booking_id: Option<Uuid>,
    /// The event's place among the subscription's events of the booking: a later one waits
    /// until the earlier ones are delivered or given up on.
    pub sequence: i64,
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub status: Word<DeliveryStatus>,
    pub attempts: i32,
    pub next_attempt_utc: DateTimeUtc,
    pub claimed_until_utc: Option<DateTimeUtc>,
    pub last_attempt_utc: Option<DateTimeUtc>,
    pub response_status: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    pub created_utc: DateTimeUtc,
    pub delivered_utc: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
