//! Bookings are written to their host's connected calendar (Google, Outlook). A booking needs a
//! write when it changed after the last one (`updated_utc` past `calendar_pushed_utc`); a
//! process claims it with a lease, and a failed write waits until `calendar_push_retry_utc`.
//! `calendar_integration_id` says which calendar holds the event, so a reassigned booking's event
//! is deleted there and created in the new host's calendar.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 5] = [
    "calendar_integration_id",
    "calendar_pushed_utc",
    "calendar_push_claimed_until_utc",
    "calendar_push_retry_utc",
    "calendar_push_error",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in [
            uuid_null(COLUMNS[0]),
            timestamp_with_time_zone_null(COLUMNS[1]),
            timestamp_with_time_zone_null(COLUMNS[2]),
            timestamp_with_time_zone_null(COLUMNS[3]),
            text_null(COLUMNS[4]),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table("bookings")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table("bookings")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
