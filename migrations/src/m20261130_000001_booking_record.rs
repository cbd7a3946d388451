//! The whole booking record: a booking's description (what the meeting is about, as staff tell
//! everyone in it, beside the internal notes only staff read); when its customer was erased (the
//! booking stays for the statistics, anonymised); and the audit of deletions, erasures and
//! exports of personal data — who did what, when — which holds no personal data itself.

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
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .add_column(timestamp_with_time_zone_null("customer_erased_utc"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("data_audit")
                    .col(pk_uuid("id"))
                    .col(string("action"))
                    .col(uuid_null("booking_id"))
                    .col(string_null("booking_reference"))
                    .col(uuid_null("actor_id"))
                    .col(text("detail"))
                    .col(timestamp_with_time_zone("created_utc"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_data_audit_actor_id")
                            .from("data_audit", "actor_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_data_audit_created_utc")
                    .table("data_audit")
                    .col("created_utc")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("data_audit").to_owned())
            .await?;
        for column in ["customer_erased_utc", "meeting_description"] {
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
