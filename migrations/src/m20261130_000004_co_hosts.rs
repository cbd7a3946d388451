//! Several hosts for one booking: besides its primary host (`bookings.assigned_to`), staff
//! participants marked as hosts lead it with them. They are assigned rather than invited, so
//! they do not answer an invitation.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("booking_participants")
                    .add_column(boolean("is_host").default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("booking_participants")
                    .drop_column("is_host")
                    .to_owned(),
            )
            .await
    }
}
