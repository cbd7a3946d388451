//! `bookings`: MM Meeting Booking: customer bookings and internal meetings.

use mm_domain::{
    booking::{
        ActorRole, ApprovalStatus, AssignmentMethod, BookingSource, BookingStatus, BookingType,
    },
    meeting_type::{LocationType, VideoPlatform},
};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_reference: String,
    pub booking_type: Word<BookingType>,
    pub booking_source: Word<BookingSource>,
    pub status: Word<BookingStatus>,
    pub department_id: Uuid,
    pub meeting_type_id: Uuid,
    pub assigned_to: Uuid,
    pub assignment_method: Word<AssignmentMethod>,
    pub reassignment_count: i32,
    pub start_utc: DateTimeUtc,
    pub end_utc: DateTimeUtc,
    pub duration: i32,
    pub timezone: String,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_timezone: Option<String>,
    /// The customer's language (`da`, `en`…), for every email to them.
    pub customer_language: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub customer_notes: Option<String>,
    pub answers: Json,
    pub meeting_title: String,
    pub location_type: Word<LocationType>,
    pub video_platform: Option<Word<VideoPlatform>>,
    pub meeting_link: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub physical_location: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub meeting_notes: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub meeting_agenda: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub meeting_description: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub meeting_minutes: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub action_items: Option<String>,
    pub requires_approval: bool,
    pub approval_status: Option<Word<ApprovalStatus>>,
    pub approved_by: Option<Uuid>,
    pub approved_utc: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub rejection_reason: Option<String>,
    pub cancellation_reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub cancellation_notes: Option<String>,
    pub cancelled_by_role: Option<Word<ActorRole>>,
    pub cancelled_utc: Option<DateTimeUtc>,
    pub cancel_token_hash: Option<String>,
    pub reschedule_token_hash: Option<String>,
    pub tokens_expire_utc: Option<DateTimeUtc>,
    pub created_from_ip: Option<String>,
    pub created_by: Option<Uuid>,
    pub confirmation_sent_utc: Option<DateTimeUtc>,
    pub last_reminder_sent_utc: Option<DateTimeUtc>,
    pub thank_you_sent_utc: Option<DateTimeUtc>,
    pub external_event_id: Option<String>,
    pub external_calendar_link: Option<String>,
    pub ics_sequence: i32,
    pub created_utc: DateTimeUtc,
    /// The connected calendar holding the booking's event (`external_event_id`).
    pub calendar_integration_id: Option<Uuid>,
    /// The `updated_utc` the host's calendar last reflected.
    pub calendar_pushed_utc: Option<DateTimeUtc>,
    pub calendar_push_claimed_until_utc: Option<DateTimeUtc>,
    pub calendar_push_retry_utc: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub calendar_push_error: Option<String>,
    /// The booking's meeting at the video provider (Zoom).
    pub video_meeting_id: Option<String>,
    pub updated_utc: DateTimeUtc,
    /// What the public booking limit counts the client by: its IPv4 address or IPv6 /64.
    pub created_from_network: Option<String>,
    /// When the customer's personal data was erased from the booking (it stays, anonymised).
    pub customer_erased_utc: Option<DateTimeUtc>,
    /// This booking's own buffers, over its meeting type's and its host's rule.
    pub buffer_before: Option<i32>,
    pub buffer_after: Option<i32>,
    /// The recurring series this booking is a meeting of, and its place in it (1 for the first).
    pub series_id: Option<Uuid>,
    pub series_index: Option<i32>,
    /// The booking's event (`external_event_id`) is its occurrence of its series' recurring
    /// event, not an event of its own.
    pub external_event_is_occurrence: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
