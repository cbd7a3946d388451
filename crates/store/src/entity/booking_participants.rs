//! `booking_participants`: Meeting Participants of a booking.

use mm_domain::booking::AttendanceStatus;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_participants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_id: Uuid,
    pub user_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    pub attendance_status: Word<AttendanceStatus>,
    pub response_utc: Option<DateTimeUtc>,
    /// A co-host: staff assigned to lead the meeting with its primary host (not invited).
    pub is_host: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
