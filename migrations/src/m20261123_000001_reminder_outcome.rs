//! A reminder entry is either sent or deliberately skipped (its time had passed when the meeting
//! was booked, moved or approved); the booking shows which. Each schedule entry is handled once
//! per start time whatever its channel, which a unique index holds even across processes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("booking_reminders_sent")
                    .add_column(string("outcome").default("sent"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_booking_reminders_sent_once")
                    .table("booking_reminders_sent")
                    .col("booking_id")
                    .col("hours_before")
                    .col("for_start_utc")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_booking_reminders_sent_once")
                    .table("booking_reminders_sent")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("booking_reminders_sent")
                    .drop_column("outcome")
                    .to_owned(),
            )
            .await
    }
}
