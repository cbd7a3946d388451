//! Calendar syncs are claimed like outbox emails: a process that takes an integration owns it
//! until `sync_claimed_until_utc`, so several processes never sync the same calendar at once
//! and a process that died mid-sync lets it go.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendar_integrations")
                    .add_column(timestamp_with_time_zone_null("sync_claimed_until_utc"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendar_integrations")
                    .drop_column("sync_claimed_until_utc")
                    .to_owned(),
            )
            .await
    }
}
