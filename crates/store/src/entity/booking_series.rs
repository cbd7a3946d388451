//! `booking_series`: a recurring series' rule. Its meetings are the bookings that name it.

use mm_domain::recurrence::Frequency;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_series")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub frequency: Word<Frequency>,
    /// How many meetings the rule gives, skipped dates included.
    pub meeting_count: i32,
    /// The zone whose wall-clock time every meeting keeps.
    pub timezone: String,
    pub first_start_utc: DateTimeUtc,
    pub ics_sequence: i32,
    pub created_utc: DateTimeUtc,
    /// The series' recurring event in its host's calendar: the connected calendar and the
    /// event's id there.
    pub calendar_integration_id: Option<Uuid>,
    pub external_event_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
