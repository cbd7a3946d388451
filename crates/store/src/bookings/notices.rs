//! Notices in the outbox. A change queues, in its own transaction, one row per message the
//! domain's matrix says it causes: what happened (the notice, with its details), the message's
//! kind, its recipient and their address. No text is written then: the sender asks for the
//! [`PendingNotice`] when it sends, renders it from the booking as it is at that moment, and
//! records the text it sent. So the store never calls the renderer, and the wording can change
//! (or be translated) without touching queued rows.

use chrono::{DateTime, Utc};
use mm_domain::{
    Interval,
    booking::{ActorRole, Booking, BookingStatus},
    department::Department,
    meeting_type::{MeetingType, ReminderChannel},
    notification::{
        self, BookingFacts, Message, MessageKind, Notice, Outgoing, Recipient, SeriesFacts,
    },
    recurrence::SeriesCut,
    user::StaffUser,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{read, series::series_facts};
use crate::{
    Result, Store, StoreError, corrupt,
    departments::load_department,
    entity::{Word, email_outbox, users},
    meeting_types::load_meeting_type,
    outbox::{EMAIL, QUEUED, SMS},
    users::load_users,
};

/// A change to tell people about: what happened, to which booking (of which department and
/// meeting type), and which staff user made it, if one did.
#[derive(Debug, Clone, Copy)]
pub struct Announcement<'a> {
    pub notice: &'a Notice,
    pub booking: &'a Booking,
    pub department: &'a Department,
    pub meeting_type: &'a MeetingType,
    pub actor: Option<Uuid>,
}

/// A notice as the outbox keeps it: the details a message needs that the booking no longer
/// holds once it has changed again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
enum StoredNotice {
    Created,
    Approved,
    Rejected {
        reason: String,
    },
    Cancelled {
        by: String,
        reason: Option<String>,
        /// Rows queued before series existed have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        series: Option<SeriesCut>,
    },
    Rescheduled {
        previous_start_utc: DateTime<Utc>,
        previous_end_utc: DateTime<Utc>,
        /// Rows queued before series moved together have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        series: Option<SeriesCut>,
    },
    Reassigned {
        previous_host: Uuid,
        /// Rows queued before series were reassigned together have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        series: Option<SeriesCut>,
    },
    Reminder {
        hours_before: u32,
        channel: String,
    },
    ThankYou,
    VideoLinkReady,
    Updated {
        fields: Vec<String>,
    },
    Declined {
        participant: Uuid,
    },
    NoShowFollowUp,
    HostsChanged {
        added: Vec<Uuid>,
        removed: Vec<Uuid>,
    },
}

impl From<&Notice> for StoredNotice {
    fn from(notice: &Notice) -> Self {
        match notice {
            Notice::Created => Self::Created,
            Notice::Approved => Self::Approved,
            Notice::Rejected { reason } => Self::Rejected {
                reason: reason.clone(),
            },
            Notice::Cancelled { by, reason, series } => Self::Cancelled {
                by: by.as_ref().to_owned(),
                reason: reason.clone(),
                series: *series,
            },
            Notice::Rescheduled { previous, series } => Self::Rescheduled {
                previous_start_utc: previous.start(),
                previous_end_utc: previous.end(),
                series: *series,
            },
            Notice::Reassigned {
                previous_host,
                series,
            } => Self::Reassigned {
                previous_host: previous_host.id,
                series: *series,
            },
            Notice::Reminder {
                hours_before,
                channel,
            } => Self::Reminder {
                hours_before: *hours_before,
                channel: channel.as_ref().to_owned(),
            },
            Notice::ThankYou => Self::ThankYou,
            Notice::VideoLinkReady => Self::VideoLinkReady,
            Notice::Updated { fields } => Self::Updated {
                fields: fields.clone(),
            },
            Notice::Declined { participant } => Self::Declined {
                participant: *participant,
            },
            Notice::NoShowFollowUp => Self::NoShowFollowUp,
            Notice::HostsChanged { added, removed } => Self::HostsChanged {
                added: added.clone(),
                removed: removed.iter().map(|u| u.id).collect(),
            },
        }
    }
}

impl StoredNotice {
    /// The notice again, reading the people it names.
    async fn notice(self, db: &impl ConnectionTrait) -> Result<Notice> {
        Ok(match self {
            Self::Created => Notice::Created,
            Self::Approved => Notice::Approved,
            Self::Rejected { reason } => Notice::Rejected { reason },
            Self::Cancelled { by, reason, series } => Notice::Cancelled {
                by: by.parse::<ActorRole>().map_err(corrupt)?,
                reason,
                series,
            },
            Self::Rescheduled {
                previous_start_utc,
                previous_end_utc,
                series,
            } => Notice::Rescheduled {
                previous: Interval::new(previous_start_utc, previous_end_utc).map_err(corrupt)?,
                series,
            },
            Self::Reassigned {
                previous_host,
                series,
            } => Notice::Reassigned {
                previous_host: load_users(db, &[previous_host])
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound("previous host"))?,
                series,
            },
            Self::Reminder {
                hours_before,
                channel,
            } => Notice::Reminder {
                hours_before,
                channel: channel.parse::<ReminderChannel>().map_err(corrupt)?,
            },
            Self::ThankYou => Notice::ThankYou,
            Self::VideoLinkReady => Notice::VideoLinkReady,
            Self::Updated { fields } => Notice::Updated { fields },
            Self::Declined { participant } => Notice::Declined { participant },
            Self::NoShowFollowUp => Notice::NoShowFollowUp,
            Self::HostsChanged { added, removed } => Notice::HostsChanged {
                added,
                removed: load_users(db, &removed).await?,
            },
        })
    }
}

/// The staff a change to a booking may concern, read together, and the series it is a
/// meeting of, which its messages describe.
#[derive(Debug, Clone)]
struct Audience {
    host: StaffUser,
    actor: Option<StaffUser>,
    participants: Vec<StaffUser>,
    leader: Option<StaffUser>,
    admins: Vec<StaffUser>,
    approvers: Vec<StaffUser>,
    series: Option<SeriesFacts>,
}

impl Audience {
    /// Reads the host, the staff participants, the one who acted, and the watchers the
    /// department asks to be told: its active leader, the active System Managers, and whoever
    /// may approve a pending booking (the leader, else every System Manager).
    async fn load(
        db: &impl ConnectionTrait,
        booking: &Booking,
        department: &Department,
        actor: Option<Uuid>,
    ) -> Result<Self> {
        let mut wanted = vec![booking.assigned_to];
        wanted.extend(booking.participants.iter().filter_map(|p| p.user_id));
        wanted.extend(department.leader);
        wanted.extend(actor);
        let people = load_users(db, &wanted).await?;
        let find = |id: Uuid| people.iter().find(|u| u.id == id).cloned();
        let host = find(booking.assigned_to).ok_or(StoreError::NotFound("host"))?;
        let participants: Vec<StaffUser> = booking
            .participants
            .iter()
            .filter_map(|p| p.user_id)
            .filter(|id| *id != booking.assigned_to)
            .filter_map(find)
            .collect();
        let active_leader = department.leader.and_then(find).filter(|u| u.is_active);
        let awaiting_approval = booking.status == BookingStatus::Pending;
        let system_managers = if department.notify_admin_on_booking
            || (awaiting_approval && active_leader.is_none())
        {
            let ids: Vec<Uuid> = users::Entity::find()
                .select_only()
                .column(users::Column::Id)
                .filter(users::Column::IsSystemManager.eq(true))
                .filter(users::Column::IsActive.eq(true))
                .into_tuple()
                .all(db)
                .await?;
            load_users(db, &ids).await?
        } else {
            Vec::new()
        };
        let approvers = match &active_leader {
            _ if !awaiting_approval => Vec::new(),
            Some(leader) => vec![leader.clone()],
            None => system_managers.clone(),
        };
        Ok(Self {
            host,
            actor: actor.and_then(find),
            participants,
            leader: active_leader.filter(|_| department.notify_leader_on_booking),
            admins: if department.notify_admin_on_booking {
                system_managers
            } else {
                Vec::new()
            },
            approvers,
            series: match booking.series {
                Some(place) => Some(series_facts(db, place.series_id).await?),
                None => None,
            },
        })
    }

    fn facts<'a>(
        &'a self,
        notice: &'a Notice,
        booking: &'a Booking,
        department: &'a Department,
        meeting_type: &'a MeetingType,
    ) -> BookingFacts<'a> {
        BookingFacts {
            notice,
            booking,
            department,
            meeting_type,
            host: &self.host,
            actor: self.actor.as_ref(),
            participants: &self.participants,
            leader: self.leader.as_ref(),
            admins: &self.admins,
            approvers: &self.approvers,
            series: self.series.as_ref(),
        }
    }
}

/// Queues one outbox row per message `change` causes, each to its recipient's address: an
/// email, or a text message to the customer's phone when it has a country code.
pub(super) async fn notify(
    db: &impl ConnectionTrait,
    change: &Announcement<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let booking = change.booking;
    let audience = Audience::load(db, booking, change.department, change.actor).await?;
    let facts = audience.facts(
        change.notice,
        booking,
        change.department,
        change.meeting_type,
    );
    let notice = serde_json::to_string(&StoredNotice::from(change.notice)).map_err(corrupt)?;
    let mut rows = Vec::new();
    for message in notification::messages(&facts) {
        let Some((channel, address, name)) = address(booking, &message) else {
            tracing::info!(kind = %message.kind, "no message: the recipient has no address on its channel");
            continue;
        };
        rows.push(email_outbox::ActiveModel {
            id: Set(Uuid::new_v4()),
            booking_id: Set(Some(booking.id)),
            channel: Set(channel.to_owned()),
            kind: Set(Word(message.kind)),
            to_address: Set(address),
            to_name: Set(name),
            subject: Set(String::new()),
            body_text: Set(String::new()),
            body_html: Set(String::new()),
            ics: Set(None),
            language: Set(None),
            notice: Set(Some(notice.clone())),
            recipient_user_id: Set(match message.to {
                Recipient::Customer => None,
                Recipient::Staff(person) => Some(person.id),
            }),
            actor_id: Set(change.actor),
            rendered_utc: Set(None),
            status: Set(QUEUED.to_owned()),
            attempts: Set(0),
            last_error: Set(None),
            next_attempt_utc: Set(now),
            claimed_until_utc: Set(None),
            created_utc: Set(now),
            sent_utc: Set(None),
        });
    }
    // One statement for all of them: it may run under SQLite's write lock.
    if !rows.is_empty() {
        email_outbox::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The channel, address and name a message goes to: staff and the customer by email, a text
/// message to the customer's phone in E.164 form; `None` when there is no such address.
fn address(
    booking: &Booking,
    message: &Message<'_>,
) -> Option<(&'static str, String, Option<String>)> {
    match message.to {
        Recipient::Staff(person) => Some((
            EMAIL,
            person.email.as_str().to_owned(),
            Some(person.full_name.clone()),
        )),
        Recipient::Customer => {
            let customer = booking.customer.as_ref()?;
            if message.kind.is_sms() {
                Some((SMS, customer.phone.as_ref()?.e164()?, None))
            } else {
                Some((
                    EMAIL,
                    customer.email.as_str().to_owned(),
                    Some(customer.name.clone()),
                ))
            }
        }
    }
}

/// A queued message whose text is yet to be written: the change it tells of, and the booking,
/// its department and meeting type and the people around it as they are now.
#[derive(Debug, Clone)]
pub struct PendingNotice {
    pub kind: MessageKind,
    pub notice: Notice,
    pub booking: Booking,
    pub department: Department,
    pub meeting_type: MeetingType,
    /// The staff user the message is for; `None`: the customer.
    recipient: Option<StaffUser>,
    audience: Audience,
}

impl PendingNotice {
    /// What the renderer reads.
    pub fn facts(&self) -> BookingFacts<'_> {
        self.audience.facts(
            &self.notice,
            &self.booking,
            &self.department,
            &self.meeting_type,
        )
    }

    /// The message to write.
    pub fn message(&self) -> Message<'_> {
        Message {
            kind: self.kind,
            to: match &self.recipient {
                None => Recipient::Customer,
                Some(person) => Recipient::Staff(person),
            },
        }
    }
}

impl Store {
    /// The notice of outbox row `id`, if its text is yet to be written (rows queued with their
    /// text have none); [`StoreError::NotFound`] when its booking or recipient is gone.
    pub async fn pending_notice(&self, id: Uuid) -> Result<Option<PendingNotice>> {
        let row = email_outbox::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("message"))?;
        let (Some(notice), None, Some(booking_id)) = (row.notice, row.rendered_utc, row.booking_id)
        else {
            return Ok(None);
        };
        let stored: StoredNotice = serde_json::from_str(&notice).map_err(corrupt)?;
        let notice = stored.notice(&self.db).await?;
        let booking = read::load_booking(&self.db, booking_id).await?;
        let department = load_department(&self.db, booking.department_id).await?;
        let meeting_type = load_meeting_type(&self.db, booking.meeting_type_id).await?;
        let audience = Audience::load(&self.db, &booking, &department, row.actor_id).await?;
        let recipient = match row.recipient_user_id {
            None => None,
            Some(user) => Some(
                load_users(&self.db, &[user])
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound("recipient"))?,
            ),
        };
        Ok(Some(PendingNotice {
            kind: row.kind.0,
            notice,
            booking,
            department,
            meeting_type,
            recipient,
            audience,
        }))
    }

    /// Keeps the text written for outbox row `id` as the record of what is sent.
    pub async fn record_rendering(
        &self,
        id: Uuid,
        message: &Outgoing,
        now: DateTime<Utc>,
    ) -> Result<crate::OutboxEmail> {
        let row = email_outbox::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("message"))?;
        let mut rendered = row.into_active_model();
        match message {
            Outgoing::Email(email) => {
                rendered.subject = Set(email.subject.clone());
                rendered.body_text = Set(email.text.clone());
                rendered.body_html = Set(email.html.clone());
                rendered.ics = Set(email.ics.clone());
                rendered.language = Set(Some(email.language.code().to_owned()));
            }
            Outgoing::Sms(sms) => rendered.body_text = Set(sms.text.clone()),
        }
        rendered.rendered_utc = Set(Some(now));
        Ok(rendered.update(&self.writer).await?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_is_kept_with_the_details_its_messages_need() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let previous = Interval::new(start, start + chrono::Duration::minutes(30)).unwrap();
        let stored = StoredNotice::from(&Notice::Rescheduled {
            previous,
            series: None,
        });
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(
            json,
            r#"{"notice":"rescheduled","previous_start_utc":"2027-01-15T08:00:00Z","previous_end_utc":"2027-01-15T08:30:00Z"}"#
        );
        assert_eq!(serde_json::from_str::<StoredNotice>(&json).unwrap(), stored);

        let cancelled = StoredNotice::from(&Notice::Cancelled {
            by: ActorRole::Customer,
            reason: Some("ill".to_owned()),
            series: None,
        });
        let json = serde_json::to_string(&cancelled).unwrap();
        assert_eq!(
            json,
            r#"{"notice":"cancelled","by":"customer","reason":"ill"}"#
        );
        let tail = StoredNotice::from(&Notice::Cancelled {
            by: ActorRole::Host,
            reason: None,
            series: Some(SeriesCut::Following),
        });
        let json = serde_json::to_string(&tail).unwrap();
        assert_eq!(
            json,
            r#"{"notice":"cancelled","by":"host","reason":null,"series":"following"}"#
        );
        assert_eq!(serde_json::from_str::<StoredNotice>(&json).unwrap(), tail);
    }
}
