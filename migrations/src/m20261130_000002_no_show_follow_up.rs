//! What follows a missed meeting, per meeting type: an email inviting the customer to book
//! again, and whether (and how many minutes after its start) a meeting nobody marked is marked
//! a no-show automatically.

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
                    .add_column(boolean("no_show_follow_up").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("meeting_types")
                    .add_column(integer_null("auto_no_show_minutes"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["auto_no_show_minutes", "no_show_follow_up"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("meeting_types")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
