//! A booking's own buffers: staff may keep more (or less) time free around one meeting than its
//! meeting type or its host's rule says.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["buffer_before", "buffer_after"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("bookings")
                        .add_column(integer_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["buffer_after", "buffer_before"] {
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
