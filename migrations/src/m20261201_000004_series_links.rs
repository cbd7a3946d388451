//! The meetings of a recurring series share the customer's two links, so a link's hash no longer
//! names one booking: its indexes stop being unique.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

const LINK_COLUMNS: [&str; 2] = ["cancel_token_hash", "reschedule_token_hash"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in LINK_COLUMNS {
            replace_index(manager, column, false).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in LINK_COLUMNS {
            replace_index(manager, column, true).await?;
        }
        Ok(())
    }
}

/// Drops the index on `bookings.column` and creates it again, unique or not.
async fn replace_index(
    manager: &SchemaManager<'_>,
    column: &str,
    unique: bool,
) -> Result<(), DbErr> {
    let name = |unique: bool| format!("{}_bookings_{column}", if unique { "ux" } else { "ix" });
    manager
        .drop_index(
            Index::drop()
                .name(name(!unique))
                .table("bookings")
                .to_owned(),
        )
        .await?;
    let mut index = Index::create();
    index
        .name(name(unique))
        .table("bookings")
        .col(column.to_owned());
    if unique {
        index.unique();
    }
    manager.create_index(index.to_owned()).await
}
