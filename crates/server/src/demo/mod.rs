//! The first System Manager from `MM_ADMIN_EMAIL`/`MM_ADMIN_PASSWORD`, and `MM_DEMO=1` demo data.

mod meetings;

use chrono::{NaiveTime, Utc, Weekday};
use mm_domain::{
    Email, Minutes, Slug, TimeZone, WorkingWeek,
    availability_rule::{AvailabilityRule, RuleLimits, RuleLimitsDraft},
    department::{AssignmentAlgorithm, Department, Member},
    meeting_type::{
        CustomQuestion, DEFAULT_COLOR, LocationType, MeetingType, QuestionKind, Reminder,
        ReminderChannel, VideoPlatform,
    },
    user::StaffUser,
    working_hours::DayDraft,
};
use mm_store::{NewUser, Store};
use uuid::Uuid;

use crate::{Config, auth::hash_password, links::LinkKeys};

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// The password every demo member signs in with.
pub const DEMO_PASSWORD: &str = "demo-password";

pub async fn bootstrap_admin(store: &Store, config: &Config) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) else {
        return Ok(());
    };
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("MM_ADMIN_EMAIL: {e}"))?;
    if store.user_exists_with_email(&email).await? {
        return Ok(());
    }
    mm_domain::user::check_password(password.expose())
        .map_err(|e| anyhow::anyhow!("MM_ADMIN_PASSWORD {e}"))?;
    let user = StaffUser {
        id: Uuid::new_v4(),
        email: email.clone(),
        full_name: "System Manager".into(),
        is_system_manager: true,
        is_active: true,
        timezone: TimeZone::parse("UTC")?,
        bio: None,
        profile_picture_url: None,
        language: None,
    };
    let hash = hash_password(password.expose().to_owned()).await?;
    store
        .create_user(
            NewUser {
                user: &user,
                password_hash: &hash,
                working_hours: &WorkingWeek::default(),
            },
            Utc::now(),
        )
        .await?;
    tracing::info!(%email, "created the System Manager from MM_ADMIN_EMAIL");
    Ok(())
}

fn week(
    start: &str,
    end: &str,
    lunch: Option<(&'static str, &'static str)>,
    days: &[Weekday],
) -> anyhow::Result<WorkingWeek> {
    let drafts = days.iter().map(|d| {
        (
            *d,
            DayDraft {
                enabled: true,
                start: Some(start),
                end: Some(end),
                breaks: lunch.into_iter().collect(),
            },
        )
    });
    WorkingWeek::parse(drafts.collect::<Vec<_>>()).map_err(|e| anyhow::anyhow!("demo hours: {e}"))
}

struct DemoMember {
    /// Set once the member's account exists.
    user_id: Uuid,
    name: &'static str,
    email: &'static str,
    start: &'static str,
    end: &'static str,
    lunch: Option<(&'static str, &'static str)>,
    days: &'static [Weekday],
}

impl DemoMember {
    fn hours(&self) -> anyhow::Result<WorkingWeek> {
        week(self.start, self.end, self.lunch, self.days)
    }

    /// Whether `from..from+minutes` on `day` lies inside this member's working day.
    fn works(&self, day: Weekday, from: NaiveTime, minutes: u32) -> bool {
        let time = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        let (Some(start), Some(end)) = (time(self.start), time(self.end)) else {
            return false;
        };
        let until = from + chrono::Duration::minutes(i64::from(minutes));
        self.days.contains(&day) && start <= from && until <= end
    }
}

/// Seeds Support and Sales (Europe/Copenhagen) with members, leaders, rules and meeting types,
/// and a few weeks of meetings around today, once: a database that already has departments is
/// left alone.
pub async fn seed(store: &Store, links: &LinkKeys) -> anyhow::Result<()> {
    if !store.list_departments().await?.is_empty() {
        return Ok(());
    }
    use Weekday::*;
    let now = Utc::now();
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let copenhagen = TimeZone::parse("Europe/Copenhagen")?;
    let departments = [
        (
            "Support",
            "Help with setup, accounts and technical problems.",
            AssignmentAlgorithm::RoundRobin,
            vec![
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Anna Jensen",
                    email: "anna.jensen@example.com",
                    start: "09:00",
                    end: "17:00",
                    lunch: Some(("12:00", "12:30")),
                    days: &WEEKDAYS,
                },
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Mikkel Nielsen",
                    email: "mikkel.nielsen@example.com",
                    start: "08:00",
                    end: "16:00",
                    lunch: Some(("11:30", "12:00")),
                    days: &WEEKDAYS,
                },
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Sofie Hansen",
                    email: "sofie.hansen@example.com",
                    start: "10:00",
                    end: "18:00",
                    lunch: Some(("13:00", "13:30")),
                    days: &WEEKDAYS,
                },
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Lars Pedersen",
                    email: "lars.pedersen@example.com",
                    start: "09:00",
                    end: "15:00",
                    lunch: None,
                    days: &[Mon, Tue, Wed, Thu],
                },
            ],
            vec![
                ("30-min Call", 30, false, vec![]),
                (
                    "Technical Consultation",
                    60,
                    false,
                    vec![CustomQuestion {
                        key: "product".into(),
                        label: "Which product is this about?".into(),
                        kind: QuestionKind::Select,
                        required: true,
                        options: vec![
                            "Firewall".into(),
                            "Endpoint protection".into(),
                            "Monitoring".into(),
                        ],
                    }],
                ),
                ("Account Setup Help", 45, false, vec![]),
            ],
        ),
        (
            "Sales",
            "Talk to us about plans, pricing and a demo.",
            AssignmentAlgorithm::LeastBusy,
            vec![
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Emma Larsen",
                    email: "emma.larsen@example.com",
                    start: "09:00",
                    end: "17:00",
                    lunch: Some(("12:00", "12:45")),
                    days: &WEEKDAYS,
                },
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Oliver Christensen",
                    email: "oliver.christensen@example.com",
                    start: "08:30",
                    end: "16:30",
                    lunch: Some(("12:00", "12:30")),
                    days: &WEEKDAYS,
                },
                DemoMember {
                    user_id: Uuid::nil(),
                    name: "Ida Andersen",
                    email: "ida.andersen@example.com",
                    start: "09:00",
                    end: "17:00",
                    lunch: None,
                    days: &[Mon, Wed, Thu, Fri],
                },
            ],
            vec![
                ("Intro Call", 30, false, vec![]),
                (
                    "Product Demo",
                    45,
                    false,
                    vec![CustomQuestion {
                        key: "company_size".into(),
                        label: "How many employees does your company have?".into(),
                        kind: QuestionKind::Select,
                        required: false,
                        options: vec![
                            "1–10".into(),
                            "11–50".into(),
                            "51–250".into(),
                            "250+".into(),
                        ],
                    }],
                ),
                ("Executive Consultation", 60, true, vec![]),
            ],
        ),
    ];
    let mut seeded = Vec::new();
    for (name, description, algorithm, mut people, types) in departments {
        let mut members = Vec::new();
        for person in &mut people {
            let user = StaffUser {
                id: Uuid::new_v4(),
                email: Email::parse(person.email)?,
                full_name: person.name.into(),
                is_system_manager: false,
                is_active: true,
                timezone: copenhagen,
                bio: None,
                profile_picture_url: None,
                language: None,
            };
            store
                .create_user(
                    NewUser {
                        user: &user,
                        password_hash: &hash,
                        working_hours: &person.hours()?,
                    },
                    now,
                )
                .await?;
            let limits = RuleLimits::parse(RuleLimitsDraft {
                buffer_before: 5,
                buffer_after: 10,
                max_bookings_per_day: Some(8),
                max_bookings_per_week: Some(30),
                min_notice_hours: 2,
                max_days_advance: Some(60),
            })
            .map_err(|e| anyhow::anyhow!("demo rule: {e}"))?;
            let rule = AvailabilityRule {
                id: Uuid::new_v4(),
                user_id: user.id,
                name: "Standard Availability".into(),
                is_default: true,
                limits,
                overrides: vec![],
            };
            store.create_rule(&rule, now).await?;
            person.user_id = user.id;
            members.push(Member {
                user_id: user.id,
                is_active: true,
                assignment_priority: 1,
                last_assigned_utc: None,
                total_assignments: 0,
            });
        }
        let department = Department {
            id: Uuid::new_v4(),
            name: name.into(),
            slug: Slug::from_name(name)?,
            description: Some(description.into()),
            leader: members.first().map(|m| m.user_id),
            is_active: true,
            timezone: copenhagen,
            algorithm,
            notify_leader_on_booking: true,
            notify_admin_on_booking: false,
            max_bookings_per_day: None,
            members,
        };
        store.create_department(&department, now).await?;
        let mut public_types = Vec::new();
        for (meeting_name, minutes, requires_approval, questions) in types {
            let meeting_type = MeetingType {
                description: Some(format!("A {minutes}-minute meeting with our {name} team.")),
                video_platform: Some(VideoPlatform::GoogleMeet),
                requires_approval,
                color: if requires_approval {
                    "#6a1b9a"
                } else {
                    DEFAULT_COLOR
                }
                .into(),
                questions,
                reminders: vec![
                    Reminder {
                        hours_before: 24,
                        channel: ReminderChannel::Email,
                        is_active: true,
                    },
                    Reminder {
                        hours_before: 1,
                        channel: ReminderChannel::Email,
                        is_active: true,
                    },
                ],
                ..MeetingType::public_call(
                    department.id,
                    meeting_name,
                    Slug::from_name(meeting_name)?,
                    Minutes::duration(minutes)?,
                )
            };
            store.create_meeting_type(&meeting_type, now).await?;
            public_types.push(meeting_type);
        }
        let check_in = MeetingType {
            description: Some("The team's weekly check-in.".into()),
            location_type: LocationType::PhysicalLocation,
            custom_location: Some("Meeting room 2".into()),
            is_public: false,
            is_internal: true,
            color: "#00897b".into(),
            ..MeetingType::public_call(
                department.id,
                "Team Check-in",
                Slug::from_name("Team Check-in")?,
                Minutes::duration(30)?,
            )
        };
        store.create_meeting_type(&check_in, now).await?;
        seeded.push(meetings::SeededDepartment {
            department,
            members: people,
            public_types,
            check_in,
        });
    }
    let count = meetings::seed(store, links, &seeded, now).await?;
    tracing::info!(
        password = DEMO_PASSWORD,
        meetings = count,
        "demo data: Support and Sales with meetings around today; members sign in with their \
         example.com email"
    );
    Ok(())
}
