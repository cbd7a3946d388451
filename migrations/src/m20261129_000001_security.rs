//! What keeps the service safe on the internet: staff sign-ins as server-side sessions (so a
//! password change, a deactivation or a sign-out ends them), the hits that rate limits count
//! (shared by every server process), the browser a calendar connection was started in, and the
//! network a public booking came from (IPv6 addresses are limited by their /64).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("staff_sessions")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(timestamp_with_time_zone("created_utc"))
                    .col(timestamp_with_time_zone("expires_utc"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_sessions_user_id")
                            .from("staff_sessions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_staff_sessions_user_id")
                    .table("staff_sessions")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rate_limit_hits")
                    .col(pk_uuid("id"))
                    .col(string("bucket"))
                    .col(string("subject"))
                    .col(timestamp_with_time_zone("hit_utc"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_rate_limit_hits_bucket_subject_hit_utc")
                    .table("rate_limit_hits")
                    .col("bucket")
                    .col("subject")
                    .col("hit_utc")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("oauth_states")
                    .add_column(string_null("browser_hash"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .add_column(string_null("created_from_network"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_bookings_created_from_network_created_utc")
                    .table("bookings")
                    .col("created_from_network")
                    .col("created_utc")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_bookings_created_from_network_created_utc")
                    .table("bookings")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("bookings")
                    .drop_column("created_from_network")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("oauth_states")
                    .drop_column("browser_hash")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("rate_limit_hits").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("staff_sessions").to_owned())
            .await
    }
}
