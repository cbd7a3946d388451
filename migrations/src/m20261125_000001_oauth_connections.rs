//! Google and Outlook connect through OAuth: a consent started by a member is remembered by its
//! `state` until the provider sends them back (once, within minutes). Their calendars sync
//! incrementally, so each integration remembers how far ahead its last full read reached; when
//! the 60-day window has moved past that, the next sync reads everything again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("oauth_states")
                    .col(string("state").primary_key())
                    .col(uuid("user_id"))
                    .col(string("provider"))
                    .col(text("pkce_verifier"))
                    .col(timestamp_with_time_zone("created_utc"))
                    .col(timestamp_with_time_zone("expires_utc"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_oauth_states_user_id")
                            .from("oauth_states", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("calendar_integrations")
                    .add_column(timestamp_with_time_zone_null("full_read_until_utc"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("calendar_integrations")
                    .drop_column("full_read_until_utc")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("oauth_states").to_owned())
            .await
    }
}
