//! A booking's Zoom meeting, made through Zoom's API when its meeting type asks for Zoom: its
//! id, so a rescheduled booking moves the meeting and a cancelled one deletes it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .add_column(string_null("video_meeting_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .drop_column("video_meeting_id")
                    .to_owned(),
            )
            .await
    }
}
