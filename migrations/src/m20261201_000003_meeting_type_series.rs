//! Whether customers may book a meeting type as a recurring series, and up to how many meetings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("meeting_types")
                    // None: customers book single meetings only.
                    .add_column(integer_null("max_series_count"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("meeting_types")
                    .drop_column("max_series_count")
                    .to_owned(),
            )
            .await
    }
}
