//! Recurring meetings: a series row keeps the rule (frequency, how many meetings, the zone whose
//! wall-clock time they keep, the first start); each meeting is an ordinary booking that names
//! its series and its place in it, so every check and change that works on a booking works on
//! one meeting of a series.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("booking_series")
                    .col(pk_uuid("id"))
                    .col(string("frequency"))
                    // How many meetings the rule gives, skipped dates included.
                    .col(integer("meeting_count"))
                    .col(string("timezone"))
                    .col(timestamp_with_time_zone("first_start_utc"))
                    // The series' invite: rises with every change sent about it.
                    .col(integer("ics_sequence").default(0))
                    .col(timestamp_with_time_zone("created_utc"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .add_column(uuid_null("series_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    // 1 for the first meeting of its series.
                    .add_column(integer_null("series_index"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_bookings_series_id")
                    .table("bookings")
                    .col("series_id")
                    .col("series_index")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_bookings_series_id")
                    .table("bookings")
                    .to_owned(),
            )
            .await?;
        for column in ["series_index", "series_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("bookings")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table("booking_series").to_owned())
            .await
    }
}
