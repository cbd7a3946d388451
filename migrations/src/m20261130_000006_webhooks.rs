//! Webhooks: subscriptions (a URL, the events it wants, optionally one department, the secret
//! its deliveries are signed with) and their deliveries, the durable outbox of what each
//! receiver is sent. A delivery is written in the transaction of the change it tells of, with
//! its body already written, and claimed with a lease like an email.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook_subscriptions")
                    .col(pk_uuid("id"))
                    .col(uuid("owner_id"))
                    .col(text("url"))
                    .col(text("events"))
                    // Deleting the department ends the subscription: it must never widen to all.
                    .col(uuid_null("department_id"))
                    .col(string_null("description"))
                    .col(string("secret"))
                    .col(boolean("is_active"))
                    .col(text_null("disabled_reason"))
                    .col(timestamp_with_time_zone_null("failing_since_utc"))
                    .col(timestamp_with_time_zone("created_utc"))
                    .col(timestamp_with_time_zone("updated_utc"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_subscriptions_owner_id")
                            .from("webhook_subscriptions", "owner_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_subscriptions_department_id")
                            .from("webhook_subscriptions", "department_id")
                            .to("departments", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_subscriptions_owner_id")
                    .table("webhook_subscriptions")
                    .col("owner_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(pk_uuid("id"))
                    .col(uuid("subscription_id"))
                    .col(string("event_type"))
                    // No foreign key: a deleted booking's last event outlives it.
                    .col(uuid_null("booking_id"))
                    // The event's place among this subscription's events of the booking.
                    .col(big_integer("sequence"))
                    .col(text("payload"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_utc"))
                    .col(timestamp_with_time_zone_null("claimed_until_utc"))
                    .col(timestamp_with_time_zone_null("last_attempt_utc"))
                    .col(integer_null("response_status"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_utc"))
                    .col(timestamp_with_time_zone_null("delivered_utc"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_deliveries_subscription_id")
                            .from("webhook_deliveries", "subscription_id")
                            .to("webhook_subscriptions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_webhook_deliveries_due",
                &["status", "next_attempt_utc"][..],
            ),
            (
                "ix_webhook_deliveries_subscription",
                &["subscription_id", "created_utc"][..],
            ),
            (
                "ix_webhook_deliveries_booking",
                &["booking_id", "subscription_id", "sequence"][..],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table("webhook_deliveries");
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("webhook_deliveries").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("webhook_subscriptions").to_owned())
            .await
    }
}
