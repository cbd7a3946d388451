//! A series is one recurring event in its host's calendar: the series remembers where that event
//! is, and a meeting whether the event it holds is its occurrence of it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column at a time.
        for column in [
            uuid_null("calendar_integration_id"),
            string_null("external_event_id"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("booking_series")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .add_column(boolean("external_event_is_occurrence").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .drop_column("external_event_is_occurrence")
                    .to_owned(),
            )
            .await?;
        for column in ["calendar_integration_id", "external_event_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("booking_series")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
