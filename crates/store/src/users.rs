//! Staff users, their settings and working hours, and what they lead and belong to.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use mm_domain::{
    Email, Principal, TimeZone, WorkingWeek,
    access::Standing,
    user::StaffUser,
    working_hours::{DayDraft, WEEKDAYS, weekday_name},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Page, Result, Store, StoreError,
    changes::{Change, Touch},
    corrupt,
    entity::{bookings, department_members, departments, staff_sessions, user_settings, users},
};

/// What creating a user needs besides the profile: the password hash and first working hours.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub user: &'a StaffUser,
    pub password_hash: &'a str,
    pub working_hours: &'a WorkingWeek,
}

#[derive(Serialize, Deserialize)]
struct StoredBreak {
    start: String,
    end: String,
}

#[derive(Serialize, Deserialize)]
struct StoredDay {
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    breaks: Vec<StoredBreak>,
}

/// The specification's `working_hours_json`: `{"monday": {"enabled": true, "start": "09:00", …}, …}`.
fn encode_week(week: &WorkingWeek) -> serde_json::Value {
    let days: BTreeMap<&str, StoredDay> = week
        .days()
        .map(|(weekday, day)| {
            let stored = match day {
                None => StoredDay {
                    enabled: false,
                    start: None,
                    end: None,
                    breaks: Vec::new(),
                },
                Some(day) => StoredDay {
                    enabled: true,
                    start: Some(day.hours().start().to_string()),
                    end: Some(day.hours().end().to_string()),
                    breaks: day
                        .breaks()
                        .iter()
                        .map(|b| StoredBreak {
                            start: b.start().to_string(),
                            end: b.end().to_string(),
                        })
                        .collect(),
                },
            };
            (weekday_name(weekday), stored)
        })
        .collect();
    serde_json::to_value(days).unwrap_or_default()
}

pub(crate) fn decode_week(value: serde_json::Value) -> Result<WorkingWeek> {
    let days: BTreeMap<String, StoredDay> = serde_json::from_value(value).map_err(corrupt)?;
    let drafts = WEEKDAYS.into_iter().filter_map(|weekday| {
        days.get(weekday_name(weekday)).map(|d| {
            let breaks = d
                .breaks
                .iter()
                .map(|b| (b.start.as_str(), b.end.as_str()))
                .collect();
            (
                weekday,
                DayDraft {
                    enabled: d.enabled,
                    start: d.start.as_deref(),
                    end: d.end.as_deref(),
                    breaks,
                },
            )
        })
    });
    WorkingWeek::parse(drafts).map_err(corrupt)
}

fn to_user(user: users::Model, settings: Option<user_settings::Model>) -> Result<StaffUser> {
    let timezone = match &settings {
        Some(s) => TimeZone::parse(&s.timezone).map_err(corrupt)?,
        None => TimeZone::default(),
    };
    Ok(StaffUser {
        id: user.id,
        email: Email::parse(&user.email).map_err(corrupt)?,
        full_name: user.full_name,
        is_system_manager: user.is_system_manager,
        is_active: user.is_active,
        timezone,
        bio: settings.as_ref().and_then(|s| s.bio.clone()),
        language: settings
            .as_ref()
            .and_then(|s| s.language.as_deref())
            .and_then(|code| code.parse().ok()),
        profile_picture_url: settings.and_then(|s| s.profile_picture_url),
    })
}

impl Store {
    #[tracing::instrument(skip_all, fields(user_id = %new.user.id))]
    pub async fn create_user(&self, new: NewUser<'_>, now: DateTime<Utc>) -> Result<()> {
        let user = new.user;
        let txn = self.begin().await?;
        users::ActiveModel {
            id: Set(user.id),
            email: Set(user.email.as_str().to_lowercase()),
            full_name: Set(user.full_name.clone()),
            password_hash: Set(new.password_hash.to_owned()),
            is_system_manager: Set(user.is_system_manager),
            is_active: Set(user.is_active),
            created_utc: Set(now),
            updated_utc: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(StoreError::unique_as(
            "email",
            "a user with this email already exists",
        ))?;
        user_settings::ActiveModel {
            user_id: Set(user.id),
            timezone: Set(user.timezone.name().to_owned()),
            bio: Set(user.bio.clone()),
            profile_picture_url: Set(user.profile_picture_url.clone()),
            language: Set(user.language.map(|l| l.code().to_owned())),
            working_hours: Set(encode_week(new.working_hours)),
            updated_utc: Set(now),
        }
        .insert(&txn)
        .await?;
        self.commit(txn, Change::new([Touch::person(user.id)]))
            .await?;
        Ok(())
    }

    /// These users, in two queries; unknown ids are skipped.
    pub async fn users(&self, ids: &[Uuid]) -> Result<Vec<StaffUser>> {
        load_users(&self.db, ids).await
    }

    pub async fn user(&self, id: Uuid) -> Result<StaffUser> {
        load_users(&self.db, &[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound("user"))
    }

    /// The user with this email (case-insensitive) and their password hash, for login.
    pub async fn user_credentials(&self, email: &str) -> Result<Option<(StaffUser, String)>> {
        let Some(user) = users::Entity::find()
            .filter(users::Column::Email.eq(email.trim().to_lowercase()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let settings = user_settings::Entity::find_by_id(user.id)
            .one(&self.db)
            .await?;
        let hash = user.password_hash.clone();
        Ok(Some((to_user(user, settings)?, hash)))
    }

    pub async fn user_exists_with_email(&self, email: &Email) -> Result<bool> {
        let count = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str().to_lowercase()))
            .count(&self.db)
            .await?;
        Ok(count > 0)
    }

    pub async fn list_users(&self, page: Page) -> Result<(Vec<StaffUser>, u64)> {
        let total = users::Entity::find().count(&self.db).await?;
        let rows = users::Entity::find()
            .order_by_asc(users::Column::FullName)
            .order_by_asc(users::Column::Id)
            .offset(page.offset())
            .limit(page.per_page)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|u| u.id).collect();
        let mut settings: BTreeMap<Uuid, user_settings::Model> = user_settings::Entity::find()
            .filter(user_settings::Column::UserId.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.user_id, s))
            .collect();
        let users = rows
            .into_iter()
            .map(|u| to_user(u.clone(), settings.remove(&u.id)))
            .collect::<Result<_>>()?;
        Ok((users, total))
    }

    /// Which of these ids name no user.
    pub async fn unknown_users(&self, ids: &[Uuid]) -> Result<Vec<Uuid>> {
        let found: BTreeSet<Uuid> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(users::Column::Id.is_in(ids.to_vec()))
            .into_tuple::<Uuid>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(ids
            .iter()
            .copied()
            .filter(|id| !found.contains(id))
            .collect())
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn update_user(
        &self,
        user: &StaffUser,
        password_hash: Option<&str>,
        sessions: EndSessions,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        end_sessions(&txn, user.id, sessions).await?;
        let mut row: users::ActiveModel = users::Entity::find_by_id(user.id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("user"))?
            .into();
        row.email = Set(user.email.as_str().to_lowercase());
        row.full_name = Set(user.full_name.clone());
        row.is_system_manager = Set(user.is_system_manager);
        row.is_active = Set(user.is_active);
        row.updated_utc = Set(now);
        if let Some(hash) = password_hash {
            row.password_hash = Set(hash.to_owned());
        }
        row.update(&txn).await.map_err(StoreError::unique_as(
            "email",
            "a user with this email already exists",
        ))?;
        let mut settings: user_settings::ActiveModel = user_settings::Entity::find_by_id(user.id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("user settings"))?
            .into();
        settings.timezone = Set(user.timezone.name().to_owned());
        settings.bio = Set(user.bio.clone());
        settings.profile_picture_url = Set(user.profile_picture_url.clone());
        settings.language = Set(user.language.map(|l| l.code().to_owned()));
        settings.updated_utc = Set(now);
        settings.update(&txn).await?;
        self.commit(txn, Change::new([Touch::person(user.id)]))
            .await?;
        Ok(())
    }

    /// Deletes a user who has no bookings and belongs to no department; otherwise refuses, so
    /// that no booking or department ever points at a missing person (deactivate them instead).
    #[tracing::instrument(skip(self))]
    pub async fn delete_user(&self, id: Uuid) -> Result<()> {
        let txn = self.begin().await?;
        users::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        let bookings = bookings::Entity::find()
            .filter(bookings::Column::AssignedTo.eq(id))
            .count(&txn)
            .await?;
        if bookings > 0 {
            return Err(StoreError::InUse(format!(
                "the user hosts {bookings} booking(s); deactivate them instead"
            )));
        }
        let memberships = department_members::Entity::find()
            .filter(department_members::Column::UserId.eq(id))
            .count(&txn)
            .await?;
        let leads = departments::Entity::find()
            .filter(departments::Column::DepartmentLeader.eq(id))
            .count(&txn)
            .await?;
        if memberships > 0 || leads > 0 {
            return Err(StoreError::InUse(
                "the user belongs to a department; remove them from it or deactivate them".into(),
            ));
        }
        users::Entity::delete_by_id(id).exec(&txn).await?;
        self.commit(txn, Change::new([Touch::person(id)])).await?;
        Ok(())
    }

    pub async fn working_hours(&self, user_id: Uuid) -> Result<WorkingWeek> {
        let settings = user_settings::Entity::find_by_id(user_id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        decode_week(settings.working_hours)
    }

    pub async fn set_working_hours(
        &self,
        user_id: Uuid,
        week: &WorkingWeek,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        let mut settings: user_settings::ActiveModel = user_settings::Entity::find_by_id(user_id)
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound("user"))?
            .into();
        settings.working_hours = Set(encode_week(week));
        settings.updated_utc = Set(now);
        settings.update(&txn).await?;
        self.commit(txn, Change::new([Touch::person(user_id)]))
            .await
    }

    /// The departments in which the user is an active member.
    pub async fn departments_of(&self, user_id: Uuid) -> Result<BTreeSet<Uuid>> {
        departments_of(&self.db, user_id).await
    }

    /// A person as the access rules see them when someone else acts on them.
    pub async fn standing(&self, user_id: Uuid) -> Result<Standing> {
        standing(&self.db, user_id).await
    }

    /// Opens a session for a person who just signed in; their sessions that have expired go.
    pub async fn open_session(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<()> {
        let txn = self.begin().await?;
        staff_sessions::Entity::delete_many()
            .filter(staff_sessions::Column::UserId.eq(user_id))
            .filter(staff_sessions::Column::ExpiresUtc.lte(now))
            .exec(&txn)
            .await?;
        staff_sessions::ActiveModel {
            id: Set(session_id),
            user_id: Set(user_id),
            created_utc: Set(now),
            expires_utc: Set(expires),
        }
        .insert(&txn)
        .await?;
        // No data that anything derives from changed: no revision to announce.
        Ok(txn.commit().await?)
    }

    /// Drops sessions that have expired.
    pub async fn sweep_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let done = staff_sessions::Entity::delete_many()
            .filter(staff_sessions::Column::ExpiresUtc.lte(now))
            .exec(&self.writer)
            .await?;
        Ok(done.rows_affected)
    }

    /// Ends one session (signing out).
    pub async fn end_session(&self, session_id: Uuid) -> Result<()> {
        staff_sessions::Entity::delete_by_id(session_id)
            .exec(&self.writer)
            .await?;
        Ok(())
    }

    /// The person a bearer token names, with their roles: `None` if the session it carries has
    /// ended or expired, or the account is gone or inactive.
    pub async fn session_principal(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<Principal>> {
        let live = staff_sessions::Entity::find_by_id(session_id)
            .filter(staff_sessions::Column::UserId.eq(user_id))
            .filter(staff_sessions::Column::ExpiresUtc.gt(now))
            .count(&self.db)
            .await?;
        if live == 0 {
            return Ok(None);
        }
        self.principal(user_id).await
    }

    /// The person with their roles, or `None` if the account is gone or inactive.
    pub(crate) async fn principal(&self, user_id: Uuid) -> Result<Option<Principal>> {
        let Some(user) = users::Entity::find_by_id(user_id).one(&self.db).await? else {
            return Ok(None);
        };
        if !user.is_active {
            return Ok(None);
        }
        let leads = departments::Entity::find()
            .select_only()
            .column(departments::Column::Id)
            .filter(departments::Column::DepartmentLeader.eq(user_id))
            .into_tuple::<Uuid>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(Some(Principal {
            user_id,
            is_system_manager: user.is_system_manager,
            leads,
            member_of: departments_of(&self.db, user_id).await?,
        }))
    }

    pub async fn user_count(&self) -> Result<u64> {
        Ok(users::Entity::find().count(&self.db).await?)
    }
}

/// Which of a person's sessions a change of their account ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndSessions {
    None,
    /// All but the one making the change (a person who changed their own password).
    AllBut(Uuid),
    /// All (a password set by someone else, a deactivation, a change of role).
    All,
}

async fn end_sessions(db: &impl ConnectionTrait, user_id: Uuid, which: EndSessions) -> Result<()> {
    let mut ended =
        staff_sessions::Entity::delete_many().filter(staff_sessions::Column::UserId.eq(user_id));
    match which {
        EndSessions::None => return Ok(()),
        EndSessions::AllBut(kept) => ended = ended.filter(staff_sessions::Column::Id.ne(kept)),
        EndSessions::All => {}
    }
    ended.exec(db).await?;
    Ok(())
}

/// Every department the person belongs to (active or not), and whether they are a System
/// Manager; an unknown person stands nowhere.
pub(crate) async fn standing(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Standing> {
    let is_system_manager = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.is_system_manager);
    let departments = department_members::Entity::find()
        .select_only()
        .column(department_members::Column::DepartmentId)
        .filter(department_members::Column::UserId.eq(user_id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(Standing {
        departments,
        is_system_manager,
    })
}

async fn departments_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<BTreeSet<Uuid>> {
    Ok(department_members::Entity::find()
        .select_only()
        .column(department_members::Column::DepartmentId)
        .filter(department_members::Column::UserId.eq(user_id))
        .filter(department_members::Column::IsActive.eq(true))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// These users (unknown ids are skipped), in two queries.
pub(crate) async fn load_users(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<StaffUser>> {
    let rows = users::Entity::find()
        .filter(users::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let mut settings: std::collections::BTreeMap<Uuid, user_settings::Model> =
        user_settings::Entity::find()
            .filter(user_settings::Column::UserId.is_in(ids.to_vec()))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.user_id, s))
            .collect();
    rows.into_iter()
        .map(|u| {
            let s = settings.remove(&u.id);
            to_user(u, s)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    #[test]
    fn working_hours_survive_the_round_trip_through_json() {
        let week = WorkingWeek::parse([
            (
                Weekday::Mon,
                DayDraft {
                    enabled: true,
                    start: Some("09:00"),
                    end: Some("17:00"),
                    breaks: vec![("12:00", "12:30")],
                },
            ),
            (
                Weekday::Sat,
                DayDraft {
                    enabled: true,
                    start: Some("10:00"),
                    end: Some("24:00"),
                    breaks: vec![],
                },
            ),
        ])
        .unwrap();
        let json = encode_week(&week);
        assert_eq!(json["monday"]["breaks"][0]["start"], "12:00");
        assert_eq!(json["sunday"]["enabled"], false);
        assert_eq!(decode_week(json).unwrap(), week);
    }
}
