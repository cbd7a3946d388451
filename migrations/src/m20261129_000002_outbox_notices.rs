//! The outbox keeps what happened rather than finished text: the notice (what changed, with its
//! details), who it is for and who acted. The sender writes the text when it sends, from the
//! booking as it is then, and keeps it in the row as the record of what went out. Rows queued
//! before this migration carry their text and no notice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

/// Added one at a time: SQLite alters a table by one column per statement.
const COLUMNS: [&str; 4] = ["notice", "recipient_user_id", "actor_id", "rendered_utc"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            text_null("notice"),
            uuid_null("recipient_user_id"),
            uuid_null("actor_id"),
            timestamp_with_time_zone_null("rendered_utc"),
        ];
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table("email_outbox")
                        .add_column(column)
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
                        .table("email_outbox")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
