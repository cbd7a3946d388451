//! `email_outbox`: an email or text message queued in the transaction of the change that caused
//! it, as the notice it tells of until the sender writes its text.

use mm_domain::notification::MessageKind;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub booking_id: Option<Uuid>,
    pub kind: Word<MessageKind>,
    pub to_address: String,
    pub to_name: Option<String>,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// What the message is written in (`da`, `en`…), once written.
    pub language: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub ics: Option<String>,
    pub status: String,
    pub attempts: i32,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    pub next_attempt_utc: DateTimeUtc,
    pub claimed_until_utc: Option<DateTimeUtc>,
    pub created_utc: DateTimeUtc,
    pub sent_utc: Option<DateTimeUtc>,
    /// `email` or `sms`.
    pub channel: String,
    /// The change the message tells of (JSON); `None` for rows queued with their text.
    #[sea_orm(column_type = "Text")]
    pub notice: Option<String>,
    /// The staff user it is for; `None` for the customer.
    pub recipient_user_id: Option<Uuid>,
    /// The staff user who made the change, if one did.
    pub actor_id: Option<Uuid>,
    /// When the text was written (at the first attempt to send).
    pub rendered_utc: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
