//! Every MM doctype of the specification and the booking reference, with their child tables,
//! plus the email outbox and idempotency keys.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(Debug, DeriveMigrationName)]
pub struct Migration;

fn fk(
    from: (&'static str, &'static str),
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{}_{}", from.0, from.1))
        .from(from.0, from.1)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!(
            "{}_{}_{}",
            if unique { "ux" } else { "ix" },
            table,
            columns.join("_")
        ))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

/// `created_utc` and `updated_utc`, both UTC instants.
fn stamped(table: &mut TableCreateStatement) -> TableCreateStatement {
    table
        .col(timestamp_with_time_zone("created_utc"))
        .col(timestamp_with_time_zone("updated_utc"))
        .to_owned()
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            // Staff accounts. Emails are stored lowercased; roles beyond System Manager come from
            // department leadership and membership.
            stamped(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_uniq("email"))
                    .col(string("full_name"))
                    .col(string("password_hash"))
                    .col(boolean("is_system_manager").default(false))
                    .col(boolean("is_active").default(true)),
            ),
            // MM User Settings: one row per user.
            Table::create()
                .table("user_settings")
                .col(pk_uuid("user_id"))
                .col(string("timezone"))
                .col(text_null("bio"))
                .col(string_null("profile_picture_url"))
                .col(json("working_hours"))
                .col(timestamp_with_time_zone("updated_utc"))
                .foreign_key(&mut fk(("user_settings", "user_id"), "users", Cascade))
                .to_owned(),
            // MM User Availability Rule.
            stamped(
                Table::create()
                    .table("availability_rules")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string("rule_name"))
                    .col(boolean("is_default").default(false))
                    .col(integer("buffer_time_before").default(0))
                    .col(integer("buffer_time_after").default(0))
                    .col(integer_null("max_bookings_per_day"))
                    .col(integer_null("max_bookings_per_week"))
                    .col(integer("min_notice_hours").default(0))
                    .col(integer_null("max_days_advance"))
                    .foreign_key(&mut fk(("availability_rules", "user_id"), "users", Cascade)),
            ),
            // MM User Date Overrides (child of a rule). Times are local "HH:MM".
            Table::create()
                .table("date_overrides")
                .col(pk_uuid("id"))
                .col(uuid("rule_id"))
                .col(date("date"))
                .col(boolean("available"))
                .col(string_null("custom_hours_start"))
                .col(string_null("custom_hours_end"))
                .col(string_null("reason"))
                .foreign_key(&mut fk(
                    ("date_overrides", "rule_id"),
                    "availability_rules",
                    Cascade,
                ))
                .to_owned(),
            // MM Department.
            stamped(
                Table::create()
                    .table("departments")
                    .col(pk_uuid("id"))
                    .col(string("department_name"))
                    .col(string_uniq("department_slug"))
                    .col(text_null("description"))
                    .col(uuid_null("department_leader"))
                    .col(boolean("is_active").default(true))
                    .col(string("timezone"))
                    .col(string("assignment_algorithm"))
                    .col(boolean("notify_leader_on_booking").default(false))
                    .col(boolean("notify_admin_on_booking").default(false))
                    .col(integer_null("max_bookings_per_day"))
                    .foreign_key(&mut fk(
                        ("departments", "department_leader"),
                        "users",
                        Restrict,
                    )),
            ),
            // Department Members (child of a department).
            Table::create()
                .table("department_members")
                .col(pk_uuid("id"))
                .col(uuid("department_id"))
                .col(uuid("user_id"))
                .col(integer("position"))
                .col(boolean("is_active").default(true))
                .col(integer("assignment_priority").default(1))
                .col(timestamp_with_time_zone_null("last_assigned_utc"))
                .col(integer("total_assignments").default(0))
                .foreign_key(&mut fk(
                    ("department_members", "department_id"),
                    "departments",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("department_members", "user_id"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
            // MM Department Meeting Type.
            stamped(
                Table::create()
                    .table("meeting_types")
                    .col(pk_uuid("id"))
                    .col(uuid("department_id"))
                    .col(string("meeting_name"))
                    .col(string("meeting_slug"))
                    .col(text_null("description"))
                    .col(integer("duration"))
                    .col(string("location_type"))
                    .col(string_null("video_platform"))
                    .col(text_null("custom_location"))
                    .col(boolean("requires_approval").default(false))
                    .col(boolean("is_public").default(true))
                    .col(boolean("is_internal").default(false))
                    .col(boolean("is_active").default(true))
                    .col(string("color"))
                    .col(integer_null("buffer_before"))
                    .col(integer_null("buffer_after"))
                    .col(integer_null("slot_interval"))
                    .col(boolean("thank_you_enabled").default(false))
                    .col(string_null("feedback_url"))
                    .col(text_null("next_steps"))
                    .col(uuid_null("created_by"))
                    .foreign_key(&mut fk(
                        ("meeting_types", "department_id"),
                        "departments",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(("meeting_types", "created_by"), "users", SetNull)),
            ),
            // Custom questions asked in step 5 (child of a meeting type).
            Table::create()
                .table("meeting_type_questions")
                .col(pk_uuid("id"))
                .col(uuid("meeting_type_id"))
                .col(integer("position"))
                .col(string("key"))
                .col(string("label"))
                .col(string("kind"))
                .col(boolean("required").default(false))
                .col(json("options"))
                .foreign_key(&mut fk(
                    ("meeting_type_questions", "meeting_type_id"),
                    "meeting_types",
                    Cascade,
                ))
                .to_owned(),
            // Reminder Schedule (child of a meeting type).
            Table::create()
                .table("meeting_type_reminders")
                .col(pk_uuid("id"))
                .col(uuid("meeting_type_id"))
                .col(integer("hours_before"))
                .col(string("notification_type"))
                .col(boolean("is_active").default(true))
                .foreign_key(&mut fk(
                    ("meeting_type_reminders", "meeting_type_id"),
                    "meeting_types",
                    Cascade,
                ))
                .to_owned(),
            // MM Meeting Booking. Instants are UTC; `timezone` is the department's at booking time.
            stamped(
                Table::create()
                    .table("bookings")
                    .col(pk_uuid("id"))
                    .col(string_uniq("booking_reference"))
                    .col(string("booking_type"))
                    .col(string("booking_source"))
                    .col(string("status"))
                    .col(uuid("department_id"))
                    .col(uuid("meeting_type_id"))
                    .col(uuid("assigned_to"))
                    .col(string("assignment_method"))
                    .col(integer("reassignment_count").default(0))
                    .col(timestamp_with_time_zone("start_utc"))
                    .col(timestamp_with_time_zone("end_utc"))
                    .col(integer("duration"))
                    .col(string("timezone"))
                    // customer
                    .col(string_null("customer_name"))
                    .col(string_null("customer_email"))
                    .col(string_null("customer_phone"))
                    .col(string_null("customer_timezone"))
                    .col(text_null("customer_notes"))
                    .col(json("answers"))
                    // meeting details
                    .col(string("meeting_title"))
                    .col(string("location_type"))
                    .col(string_null("video_platform"))
                    .col(string_null("meeting_link"))
                    .col(text_null("physical_location"))
                    .col(text_null("meeting_notes"))
                    .col(text_null("meeting_agenda"))
                    .col(text_null("meeting_minutes"))
                    .col(text_null("action_items"))
                    // approval
                    .col(boolean("requires_approval").default(false))
                    .col(string_null("approval_status"))
                    .col(uuid_null("approved_by"))
                    .col(timestamp_with_time_zone_null("approved_utc"))
                    .col(text_null("rejection_reason"))
                    // cancellation
                    .col(string_null("cancellation_reason"))
                    .col(text_null("cancellation_notes"))
                    .col(string_null("cancelled_by_role"))
                    .col(timestamp_with_time_zone_null("cancelled_utc"))
                    // customer self-service: only SHA-256 hashes of the tokens are kept
                    .col(string_null("cancel_token_hash"))
                    .col(string_null("reschedule_token_hash"))
                    .col(timestamp_with_time_zone_null("tokens_expire_utc"))
                    .col(string_null("created_from_ip"))
                    .col(uuid_null("created_by"))
                    // notification tracking
                    .col(timestamp_with_time_zone_null("confirmation_sent_utc"))
                    .col(timestamp_with_time_zone_null("last_reminder_sent_utc"))
                    .col(timestamp_with_time_zone_null("thank_you_sent_utc"))
                    // external calendar write-back and .ics revisions
                    .col(string_null("external_event_id"))
                    .col(string_null("external_calendar_link"))
                    .col(integer("ics_sequence").default(0))
                    .foreign_key(&mut fk(
                        ("bookings", "department_id"),
                        "departments",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ("bookings", "meeting_type_id"),
                        "meeting_types",
                        Restrict,
                    ))
                    .foreign_key(&mut fk(("bookings", "assigned_to"), "users", Restrict))
                    .foreign_key(&mut fk(("bookings", "approved_by"), "users", SetNull))
                    .foreign_key(&mut fk(("bookings", "created_by"), "users", SetNull)),
            ),
            // Assignment History (child of a booking).
            Table::create()
                .table("booking_assignment_history")
                .col(pk_uuid("id"))
                .col(uuid("booking_id"))
                .col(uuid("assigned_to"))
                .col(timestamp_with_time_zone("assigned_utc"))
                .col(uuid_null("assigned_by"))
                .col(string("assignment_type"))
                .col(boolean("is_current"))
                .col(text_null("notes"))
                .foreign_key(&mut fk(
                    ("booking_assignment_history", "booking_id"),
                    "bookings",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("booking_assignment_history", "assigned_to"),
                    "users",
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    ("booking_assignment_history", "assigned_by"),
                    "users",
                    SetNull,
                ))
                .to_owned(),
            // Meeting Participants (child of a booking): staff (with user_id) and external guests.
            Table::create()
                .table("booking_participants")
                .col(pk_uuid("id"))
                .col(uuid("booking_id"))
                .col(uuid_null("user_id"))
                .col(string("name"))
                .col(string("email"))
                .col(string("attendance_status"))
                .col(timestamp_with_time_zone_null("response_utc"))
                .foreign_key(&mut fk(
                    ("booking_participants", "booking_id"),
                    "bookings",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("booking_participants", "user_id"),
                    "users",
                    Restrict,
                ))
                .to_owned(),
            // Booking History (child of a booking): the audit trail.
            Table::create()
                .table("booking_history")
                .col(pk_uuid("id"))
                .col(uuid("booking_id"))
                .col(string("action"))
                .col(uuid_null("action_by"))
                .col(string("action_by_role"))
                .col(timestamp_with_time_zone("action_utc"))
                .col(text_null("old_value"))
                .col(text_null("new_value"))
                .col(text_null("notes"))
                .foreign_key(&mut fk(
                    ("booking_history", "booking_id"),
                    "bookings",
                    Cascade,
                ))
                .foreign_key(&mut fk(("booking_history", "action_by"), "users", SetNull))
                .to_owned(),
            // Which reminder went out for which start time, so each is sent once and a
            // reschedule re-arms them.
            Table::create()
                .table("booking_reminders_sent")
                .col(pk_uuid("id"))
                .col(uuid("booking_id"))
                .col(integer("hours_before"))
                .col(string("channel"))
                .col(timestamp_with_time_zone("for_start_utc"))
                .col(timestamp_with_time_zone("sent_utc"))
                .foreign_key(&mut fk(
                    ("booking_reminders_sent", "booking_id"),
                    "bookings",
                    Cascade,
                ))
                .to_owned(),
            // MM Calendar Integration. Tokens are encrypted (AES-256-GCM) before they get here.
            stamped(
                Table::create()
                    .table("calendar_integrations")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string("integration_type"))
                    .col(string("integration_name"))
                    .col(boolean("is_active").default(true))
                    .col(text_null("access_token_encrypted"))
                    .col(text_null("refresh_token_encrypted"))
                    .col(timestamp_with_time_zone_null("token_expiry_utc"))
                    .col(string_null("calendar_id"))
                    .col(text_null("ical_url"))
                    .col(string("sync_direction"))
                    .col(text_null("sync_token"))
                    .col(timestamp_with_time_zone_null("last_sync_utc"))
                    .col(string("sync_status"))
                    .col(text_null("sync_error_log"))
                    .foreign_key(&mut fk(
                        ("calendar_integrations", "user_id"),
                        "users",
                        Cascade,
                    )),
            ),
            // MM Calendar Event Sync: busy times read from external calendars.
            Table::create()
                .table("calendar_event_syncs")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(uuid("integration_id"))
                .col(string("external_event_id"))
                .col(string_null("event_summary"))
                .col(timestamp_with_time_zone("event_start_utc"))
                .col(timestamp_with_time_zone("event_end_utc"))
                .col(string("event_status"))
                .col(boolean("is_all_day").default(false))
                .col(timestamp_with_time_zone("last_synced_utc"))
                .col(string("sync_hash"))
                .foreign_key(&mut fk(
                    ("calendar_event_syncs", "user_id"),
                    "users",
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    ("calendar_event_syncs", "integration_id"),
                    "calendar_integrations",
                    Cascade,
                ))
                .to_owned(),
            // Every email, written in the transaction of the change that causes it.
            Table::create()
                .table("email_outbox")
                .col(pk_uuid("id"))
                .col(uuid_null("booking_id"))
                .col(string("kind"))
                .col(string("to_address"))
                .col(string_null("to_name"))
                .col(string("subject"))
                .col(text("body_text"))
                .col(text("body_html"))
                .col(text_null("ics"))
                .col(string("status"))
                .col(integer("attempts").default(0))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("next_attempt_utc"))
                .col(timestamp_with_time_zone_null("claimed_until_utc"))
                .col(timestamp_with_time_zone("created_utc"))
                .col(timestamp_with_time_zone_null("sent_utc"))
                .foreign_key(&mut fk(("email_outbox", "booking_id"), "bookings", SetNull))
                .to_owned(),
            // The first response to a request carrying an Idempotency-Key, replayed for repeats.
            Table::create()
                .table("idempotency_keys")
                .col(pk_uuid("id"))
                .col(string("scope"))
                .col(string("key"))
                .col(string("request_hash"))
                .col(integer("response_status"))
                .col(text("response_body"))
                .col(timestamp_with_time_zone("created_utc"))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }

        let indexes = [
            index("availability_rules", &["user_id"], false),
            index("date_overrides", &["rule_id", "date"], true),
            index("department_members", &["department_id", "user_id"], true),
            index("department_members", &["user_id"], false),
            index("meeting_types", &["department_id", "meeting_slug"], true),
            index("meeting_type_questions", &["meeting_type_id", "key"], true),
            index(
                "meeting_type_reminders",
                &["meeting_type_id", "hours_before"],
                true,
            ),
            index("bookings", &["start_utc"], false),
            index("bookings", &["assigned_to", "start_utc"], false),
            index("bookings", &["department_id", "start_utc"], false),
            index("bookings", &["status"], false),
            index("bookings", &["meeting_type_id", "status"], false),
            index("bookings", &["customer_email"], false),
            index("bookings", &["approval_status"], false),
            index("bookings", &["cancel_token_hash"], true),
            index("bookings", &["reschedule_token_hash"], true),
            index("booking_assignment_history", &["booking_id"], false),
            index("booking_participants", &["booking_id", "email"], true),
            index("booking_participants", &["user_id"], false),
            index("booking_history", &["booking_id"], false),
            index(
                "booking_reminders_sent",
                &["booking_id", "hours_before", "channel", "for_start_utc"],
                true,
            ),
            index("calendar_integrations", &["user_id"], false),
            index(
                "calendar_event_syncs",
                &["integration_id", "external_event_id"],
                true,
            ),
            index(
                "calendar_event_syncs",
                &["user_id", "event_start_utc", "event_end_utc"],
                false,
            ),
            index("email_outbox", &["status", "next_attempt_utc"], false),
            index("idempotency_keys", &["scope", "key"], true),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        // One default rule per user. Partial indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_availability_rules_default ON availability_rules (user_id) WHERE is_default",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "idempotency_keys",
            "email_outbox",
            "calendar_event_syncs",
            "calendar_integrations",
            "booking_reminders_sent",
            "booking_history",
            "booking_participants",
            "booking_assignment_history",
            "bookings",
            "meeting_type_reminders",
            "meeting_type_questions",
            "meeting_types",
            "department_members",
            "departments",
            "date_overrides",
            "availability_rules",
            "user_settings",
            "users",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
