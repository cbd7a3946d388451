//! The public wizard's funnel: how many visits reached each step, per department, meeting type
//! and local day. Counts only, never who: no address, no session, nothing personal.
//!
//! Each server process adds its counts in batches; two processes may each insert a row for the
//! same key, so readers sum the rows of a key rather than expect one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("funnel_counts")
                    .col(pk_uuid("id"))
                    // The day in the department's zone.
                    .col(date("day"))
                    .col(uuid("department_id"))
                    // None for the first step, taken before a meeting type is chosen.
                    .col(uuid_null("meeting_type_id"))
                    .col(string("step"))
                    .col(big_integer("visits"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_funnel_counts_department_id")
                            .from("funnel_counts", "department_id")
                            .to("departments", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_funnel_counts_meeting_type_id")
                            .from("funnel_counts", "meeting_type_id")
                            .to("meeting_types", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_funnel_counts_department_id_day")
                    .table("funnel_counts")
                    .col("department_id")
                    .col("day")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("funnel_counts").to_owned())
            .await
    }
}
