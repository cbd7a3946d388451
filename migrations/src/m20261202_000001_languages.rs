//! Languages: the customer's is kept with their booking, for every email to them; a staff
//! member's on their settings (none: the organisation's default); an email's with its outbox
//! row, for its `Content-Language`.

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
                    .add_column(string_len_null("customer_language", 8))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("user_settings")
                    .add_column(string_len_null("language", 8))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("email_outbox")
                    .add_column(string_len_null("language", 8))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("email_outbox")
                    .drop_column("language")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("user_settings")
                    .drop_column("language")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .drop_column("customer_language")
                    .to_owned(),
            )
            .await
    }
}
