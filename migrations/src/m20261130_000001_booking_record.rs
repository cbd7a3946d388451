//! A booking's description: what the meeting is about, as staff tell everyone in it (the
//! reference's `meeting_description`), beside the internal notes only staff read.

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
                    .add_column(text_null("meeting_description"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .drop_column("meeting_description")
                    .to_owned(),
            )
            .await
    }
}
