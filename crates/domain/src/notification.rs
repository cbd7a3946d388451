//! What happened to a booking that people must hear about, and the emails that say so. Emails are
//! rendered elsewhere (`mm-notify`) and written to the outbox in the transaction of the change.

use uuid::Uuid;

use crate::{
    Email, Interval, Phone,
    booking::{ActorRole, Booking, BookingStatus, BookingType},
    department::Department,
    meeting_type::{MeetingType, ReminderChannel},
    user::StaffUser,
};

/// A change to a booking that causes emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Created,
    Approved,
    Rejected {
        reason: String,
    },
    Cancelled {
        by: ActorRole,
        reason: Option<String>,
        /// For a meeting of a series: the meetings of it cancelled with this one.
        series: Option<crate::recurrence::SeriesCut>,
    },
    Rescheduled {
        previous: Interval,
        /// For a meeting of a series: the meetings of it moved with this one, by the same
        /// number of days to the same new time of day.
        series: Option<crate::recurrence::SeriesCut>,
    },
    Reassigned {
        previous_host: StaffUser,
        /// For a meeting of a series: the meetings of it given to the new host with this one.
        series: Option<crate::recurrence::SeriesCut>,
    },
    /// An entry of the meeting type's reminder schedule has come due.
    Reminder {
        hours_before: u32,
        channel: ReminderChannel,
    },
    /// The meeting is over and its type sends a thank-you.
    ThankYou,
    /// A video meeting (Zoom, Meet, Teams) was made for the booking after it was booked: its
    /// link, now the booking's `meeting_link`, goes to everyone in the meeting.
    VideoLinkReady,
    /// Staff changed what the people in the meeting see (the place, the link, the title, the
    /// customer's contact): `fields` names them.
    Updated {
        fields: Vec<String>,
    },
    /// A participant of an internal meeting declined its invitation.
    Declined {
        participant: uuid::Uuid,
    },
    /// The customer missed the meeting: an invitation to book again.
    NoShowFollowUp,
    /// Staff changed who co-hosts the meeting: the co-hosts `added` (among the participants
    /// now) get its invite, the ones `removed` its cancellation.
    HostsChanged {
        added: Vec<Uuid>,
        removed: Vec<StaffUser>,
    },
}

/// Everything a renderer needs about a booking and the people around it: read in the change's
/// transaction to decide who is told, and again when a message is sent, to write it.
#[derive(Debug, Clone, Copy)]
pub struct BookingFacts<'a> {
    pub notice: &'a Notice,
    pub booking: &'a Booking,
    pub department: &'a Department,
    pub meeting_type: &'a MeetingType,
    pub host: &'a StaffUser,
    /// The staff user who made the change, if one did.
    pub actor: Option<&'a StaffUser>,
    /// Staff in the meeting besides the primary host: its co-hosts, and the participants of an
    /// internal meeting.
    pub participants: &'a [StaffUser],
    /// The department leader, when the department wants them told.
    pub leader: Option<&'a StaffUser>,
    /// Active System Managers, when the department wants them told.
    pub admins: &'a [StaffUser],
    /// Who may approve the booking: the department's active leader, else every active System
    /// Manager.
    pub approvers: &'a [StaffUser],
    /// The series the booking is a meeting of, if it recurs: its messages speak for the series.
    pub series: Option<&'a SeriesFacts>,
}

/// The series a booking is a meeting of, as its messages describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesFacts {
    pub series: crate::recurrence::Series,
    /// The meetings that take place (pending or confirmed), first to last, each with its place
    /// in the series.
    pub held: Vec<(u16, Interval)>,
    /// The starts the rule gives at which no meeting takes place (left out when booked, or
    /// cancelled alone): the invite's `EXDATE`s.
    pub excluded: Vec<chrono::DateTime<chrono::Utc>>,
}

impl<'a> BookingFacts<'a> {
    /// The staff in the meeting: the host, then the other participants.
    pub fn attendees(&self) -> impl Iterator<Item = &'a StaffUser> + use<'a> {
        std::iter::once(self.host).chain(self.participants)
    }

    /// Whether `user` is among the attendees.
    pub fn attends(&self, user: uuid::Uuid) -> bool {
        self.host.id == user || self.participants.iter().any(|p| p.id == user)
    }
}

/// Every message the system sends, by the stable name the outbox records as its `kind`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum MessageKind {
    CustomerConfirmation,
    CustomerPending,
    CustomerRejected,
    CustomerCancelled,
    CustomerRescheduled,
    CustomerReassigned,
    CustomerReminder,
    CustomerReminderSms,
    CustomerVideoLink,
    CustomerUpdated,
    CustomerThankYou,
    CustomerNoShow,
    HostNewBooking,
    HostBookingApproved,
    HostCancelled,
    HostRescheduled,
    HostReminder,
    HostVideoLink,
    HostUpdated,
    CoHostAdded,
    CoHostRemoved,
    ParticipantDeclined,
    NewHostReassigned,
    OldHostReassigned,
    BookingCreated,
    ApprovalRequest,
    InternalInvitation,
    InternalCreated,
    LeaderNewBooking,
    AdminNewBooking,
    LeaderCancelled,
    AdminCancelled,
    LeaderRescheduled,
    AdminRescheduled,
    LeaderReassigned,
    AdminReassigned,
    /// To a webhook subscription's owner: the system disabled it. Written when queued.
    WebhookDisabled,
}

impl MessageKind {
    /// Text messages; every other kind is an email.
    pub fn is_sms(self) -> bool {
        self == Self::CustomerReminderSms
    }
}

/// Who one message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient<'a> {
    /// The booking's customer, at their email (or, for a text message, their phone).
    Customer,
    Staff(&'a StaffUser),
}

/// One message a change causes: what it says, and to whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub kind: MessageKind,
    pub to: Recipient<'a>,
}

/// Who hears of a change to a booking, and as what: the whole table of the README's "Who gets
/// what", in the order the messages are queued. A person is told once per change; the host and
/// the staff member who acted hear of it in their own words, so the department's watchers (its
/// leader and, when it asks, the System Managers) are told only of what is news to them.
pub fn messages<'a>(facts: &BookingFacts<'a>) -> Vec<Message<'a>> {
    use MessageKind as K;
    let booking = facts.booking;
    let has_customer = booking.customer.is_some();
    let mut out = Vec::new();
    let mut customer = |kind| {
        if has_customer {
            out.push(Message {
                kind,
                to: Recipient::Customer,
            });
        }
    };
    let mut staff_out = Vec::new();
    let mut staff = |kind, person: &'a StaffUser| {
        staff_out.push(Message {
            kind,
            to: Recipient::Staff(person),
        });
    };
    // The staff user who acted, when they are not the host: they get a confirmation instead of
    // the host's notice.
    let acting_staff = facts.actor.filter(|a| a.id != facts.host.id);
    let watcher = |person: &StaffUser, as_leader, as_admin| {
        if facts.leader.is_some_and(|l| l.id == person.id) {
            as_leader
        } else {
            as_admin
        }
    };
    match facts.notice {
        Notice::Created if booking.booking_type == BookingType::Internal => {
            for person in facts.attendees() {
                staff(K::InternalInvitation, person);
            }
            if let Some(creator) = facts.actor.filter(|a| !facts.attends(a.id)) {
                staff(K::InternalCreated, creator);
            }
        }
        Notice::Created if booking.status == BookingStatus::Pending => {
            customer(K::CustomerPending);
            for person in facts.attendees() {
                staff(K::HostNewBooking, person);
            }
            let approvers = facts.approvers.iter().chain(watchers(facts));
            let hosts: Vec<Uuid> = facts.attendees().map(|p| p.id).collect();
            for person in distinct(approvers, &hosts) {
                staff(K::ApprovalRequest, person);
            }
        }
        Notice::Created => {
            customer(K::CustomerConfirmation);
            for person in facts.attendees() {
                staff(K::HostNewBooking, person);
            }
            if let Some(actor) = acting_staff {
                staff(K::BookingCreated, actor);
            }
            let skip: Vec<Uuid> = facts
                .attendees()
                .map(|p| p.id)
                .chain(acting_staff.map(|a| a.id))
                .collect();
            for person in distinct(watchers(facts), &skip) {
                staff(
                    watcher(person, K::LeaderNewBooking, K::AdminNewBooking),
                    person,
                );
            }
        }
        Notice::Approved => {
            customer(K::CustomerConfirmation);
            for person in facts.attendees() {
                staff(K::HostBookingApproved, person);
            }
        }
        Notice::Rejected { .. } => customer(K::CustomerRejected),
        Notice::Cancelled { by, .. } => {
            customer(K::CustomerCancelled);
            for person in facts.attendees() {
                staff(K::HostCancelled, person);
            }
            // Staff who cancel have told whoever they meant to; a customer's cancellation is
            // news to the people watching the department.
            if *by == ActorRole::Customer {
                for person in distinct(watchers(facts), &[facts.host.id]) {
                    staff(
                        watcher(person, K::LeaderCancelled, K::AdminCancelled),
                        person,
                    );
                }
            }
        }
        Notice::Rescheduled { .. } => {
            customer(K::CustomerRescheduled);
            for person in facts.attendees() {
                staff(K::HostRescheduled, person);
            }
            let skip: Vec<Uuid> = facts.attendees().map(|p| p.id).collect();
            for person in distinct(watchers(facts), &skip) {
                staff(
                    watcher(person, K::LeaderRescheduled, K::AdminRescheduled),
                    person,
                );
            }
        }
        Notice::Reassigned { previous_host, .. } => {
            customer(K::CustomerReassigned);
            staff(K::OldHostReassigned, previous_host);
            staff(K::NewHostReassigned, facts.host);
            for person in distinct(watchers(facts), &[facts.host.id, previous_host.id]) {
                staff(
                    watcher(person, K::LeaderReassigned, K::AdminReassigned),
                    person,
                );
            }
        }
        Notice::Reminder { channel, .. } => {
            if *channel != ReminderChannel::Sms {
                customer(K::CustomerReminder);
                for person in facts.attendees() {
                    staff(K::HostReminder, person);
                }
            }
            // A text message needs a number to go to.
            let has_phone = booking.customer.as_ref().is_some_and(|c| c.phone.is_some());
            if *channel != ReminderChannel::Email && has_phone {
                staff_out.push(Message {
                    kind: K::CustomerReminderSms,
                    to: Recipient::Customer,
                });
            }
        }
        Notice::VideoLinkReady => {
            customer(K::CustomerVideoLink);
            for person in facts.attendees() {
                staff(K::HostVideoLink, person);
            }
        }
        Notice::Updated { fields } => {
            customer(K::CustomerUpdated);
            // The customer's contact is staff's own record; the participants' invite changes
            // only with the place, the link or the title.
            if fields.iter().any(|f| !f.starts_with("customer_")) {
                for person in facts.attendees() {
                    staff(K::HostUpdated, person);
                }
            }
        }
        Notice::Declined { .. } => staff(K::ParticipantDeclined, facts.host),
        Notice::ThankYou => customer(K::CustomerThankYou),
        Notice::NoShowFollowUp => customer(K::CustomerNoShow),
        Notice::HostsChanged { added, removed } => {
            for person in facts.participants.iter().filter(|p| added.contains(&p.id)) {
                staff(K::CoHostAdded, person);
            }
            for person in removed {
                staff(K::CoHostRemoved, person);
            }
        }
    }
    out.extend(staff_out);
    out
}

/// The leader and admins the department wants told of its bookings.
fn watchers<'a>(facts: &BookingFacts<'a>) -> impl Iterator<Item = &'a StaffUser> + use<'a> {
    facts.leader.into_iter().chain(facts.admins)
}

/// Each person once, leaving out those in `skip` (who hear about the change otherwise).
fn distinct<'a>(people: impl Iterator<Item = &'a StaffUser>, skip: &[Uuid]) -> Vec<&'a StaffUser> {
    let mut seen: Vec<Uuid> = skip.to_vec();
    people
        .filter(|p| {
            let fresh = !seen.contains(&p.id);
            seen.push(p.id);
            fresh
        })
        .collect()
}

/// One email, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub kind: MessageKind,
    pub to: Email,
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A calendar invite (`text/calendar`) to attach.
    pub ics: Option<String>,
    /// What it is written in (its `Content-Language`).
    pub language: mm_i18n::Language,
}

/// One text message, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    pub kind: MessageKind,
    pub to: Phone,
    pub text: String,
}

/// A message of either channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    Email(OutgoingEmail),
    Sms(OutgoingSms),
}

/// When a failed email is tried again: the first retry after `first_delay`, each later one after
/// twice the previous delay up to `max_delay`; after `max_attempts` attempts it has failed for
/// good and waits for a person to look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay: chrono::Duration,
    pub max_delay: chrono::Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// A minute, doubling to an hour, twelve attempts: about seven hours of an SMTP outage.
    fn default() -> Self {
        Self {
            first_delay: chrono::Duration::minutes(1),
            max_delay: chrono::Duration::hours(1),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `attempts` failed ones, or `None` to give up.
    pub fn next_delay(&self, attempts: u32) -> Option<chrono::Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let doublings = attempts.saturating_sub(1).min(30);
        let delay = self
            .first_delay
            .checked_mul(1_i32 << doublings)
            .unwrap_or(self.max_delay);
        Some(delay.min(self.max_delay))
    }
}

#[cfg(test)]
mod retry_tests {
    use chrono::Duration;

    use super::RetryPolicy;

    #[test]
    fn retries_double_from_the_first_delay_up_to_the_cap_then_stop() {
        let policy = RetryPolicy::default();
        let delays: Vec<Option<i64>> = (1..=13)
            .map(|n| policy.next_delay(n).map(|d| d.num_minutes()))
            .collect();
        assert_eq!(
            delays,
            [
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                None,
                None
            ]
        );
        let fast = RetryPolicy {
            first_delay: Duration::seconds(1),
            ..policy
        };
        assert_eq!(fast.next_delay(1), Some(Duration::seconds(1)));
        assert_eq!(fast.next_delay(3), Some(Duration::seconds(4)));
    }
}

#[cfg(test)]
mod matrix_tests {
    use super::*;
    use crate::fixtures::{booking, department, meeting_type, person};

    /// The people around a booking: host Hanna, leader Lea, System Manager Sam.
    struct World {
        host: StaffUser,
        leader: StaffUser,
        admin: StaffUser,
        department: Department,
        meeting_type: MeetingType,
    }

    impl World {
        fn new() -> Self {
            let leader = person(2, "Lea");
            Self {
                host: person(1, "Hanna"),
                department: department(Some(leader.id)),
                leader,
                admin: person(3, "Sam"),
                meeting_type: meeting_type(),
            }
        }

        /// Who gets what for `notice` on `booking`, with `actor` acting.
        fn told(
            &self,
            notice: &Notice,
            booking: &Booking,
            actor: Option<&StaffUser>,
        ) -> Vec<(MessageKind, String)> {
            self.told_with(notice, booking, actor, &[])
        }

        /// As [`World::told`], with `participants` (co-hosts) in the meeting besides the host.
        fn told_with(
            &self,
            notice: &Notice,
            booking: &Booking,
            actor: Option<&StaffUser>,
            participants: &[StaffUser],
        ) -> Vec<(MessageKind, String)> {
            let facts = BookingFacts {
                notice,
                booking,
                department: &self.department,
                meeting_type: &self.meeting_type,
                host: &self.host,
                actor,
                participants,
                leader: Some(&self.leader),
                admins: std::slice::from_ref(&self.admin),
                approvers: std::slice::from_ref(&self.leader),
                series: None,
            };
            messages(&facts)
                .into_iter()
                .map(|m| {
                    let to = match m.to {
                        Recipient::Customer => "customer".to_owned(),
                        Recipient::Staff(p) => p.full_name.clone(),
                    };
                    (m.kind, to)
                })
                .collect()
        }
    }

    fn expect(pairs: &[(MessageKind, &str)]) -> Vec<(MessageKind, String)> {
        pairs.iter().map(|(k, to)| (*k, (*to).to_owned())).collect()
    }

    use MessageKind as K;

    #[test]
    fn a_public_booking_tells_the_customer_the_host_and_the_watchers() {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Confirmed, false);
        assert_eq!(
            w.told(&Notice::Created, &b, None),
            expect(&[
                (K::CustomerConfirmation, "customer"),
                (K::HostNewBooking, "Hanna"),
                (K::LeaderNewBooking, "Lea"),
                (K::AdminNewBooking, "Sam"),
            ])
        );
    }

    #[test]
    fn every_host_of_a_new_booking_gets_its_invite_and_the_leader_co_hosting_is_told_once() {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Confirmed, false);
        let co_hosts = [person(4, "Ole"), w.leader.clone()];
        assert_eq!(
            w.told_with(&Notice::Created, &b, None, &co_hosts),
            expect(&[
                (K::CustomerConfirmation, "customer"),
                (K::HostNewBooking, "Hanna"),
                (K::HostNewBooking, "Ole"),
                (K::HostNewBooking, "Lea"),
                (K::AdminNewBooking, "Sam"),
            ])
        );
    }

    #[test]
    fn co_hosts_added_get_the_invite_and_those_removed_its_cancellation() {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Confirmed, false);
        let (ole, mia) = (person(4, "Ole"), person(5, "Mia"));
        let notice = Notice::HostsChanged {
            added: vec![ole.id],
            removed: vec![mia],
        };
        assert_eq!(
            w.told_with(&notice, &b, Some(&w.leader), &[ole]),
            expect(&[(K::CoHostAdded, "Ole"), (K::CoHostRemoved, "Mia")])
        );
    }

    #[test]
    fn a_booking_made_by_the_leader_for_a_member_confirms_to_the_leader_instead_of_notifying_them()
    {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Confirmed, false);
        assert_eq!(
            w.told(&Notice::Created, &b, Some(&w.leader)),
            expect(&[
                (K::CustomerConfirmation, "customer"),
                (K::HostNewBooking, "Hanna"),
                (K::BookingCreated, "Lea"),
                (K::AdminNewBooking, "Sam"),
            ])
        );
    }

    #[test]
    fn a_booking_awaiting_approval_asks_each_approver_and_watcher_once() {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Pending, false);
        assert_eq!(
            w.told(&Notice::Created, &b, None),
            expect(&[
                (K::CustomerPending, "customer"),
                (K::HostNewBooking, "Hanna"),
                (K::ApprovalRequest, "Lea"),
                (K::ApprovalRequest, "Sam"),
            ])
        );
    }

    #[test]
    fn watchers_hear_of_a_cancellation_only_when_the_customer_cancelled() {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Cancelled, false);
        let by = |role| Notice::Cancelled {
            by: role,
            reason: None,
            series: None,
        };
        assert_eq!(
            w.told(&by(ActorRole::Customer), &b, None),
            expect(&[
                (K::CustomerCancelled, "customer"),
                (K::HostCancelled, "Hanna"),
                (K::LeaderCancelled, "Lea"),
                (K::AdminCancelled, "Sam"),
            ])
        );
        assert_eq!(
            w.told(&by(ActorRole::DepartmentLeader), &b, Some(&w.leader)),
            expect(&[
                (K::CustomerCancelled, "customer"),
                (K::HostCancelled, "Hanna")
            ])
        );
    }

    #[test]
    fn a_reassignment_tells_both_hosts_and_the_watchers_who_were_neither() {
        let w = World::new();
        let b = booking(&w.host, BookingStatus::Confirmed, false);
        let notice = Notice::Reassigned {
            previous_host: w.leader.clone(),
            series: None,
        };
        assert_eq!(
            w.told(&notice, &b, None),
            expect(&[
                (K::CustomerReassigned, "customer"),
                (K::OldHostReassigned, "Lea"),
                (K::NewHostReassigned, "Hanna"),
                (K::AdminReassigned, "Sam"),
            ])
        );
    }

    #[test]
    fn a_text_reminder_goes_only_to_a_customer_who_gave_a_number() {
        let w = World::new();
        let sms = Notice::Reminder {
            hours_before: 1,
            channel: ReminderChannel::Both,
        };
        let with_phone = booking(&w.host, BookingStatus::Confirmed, true);
        assert_eq!(
            w.told(&sms, &with_phone, None),
            expect(&[
                (K::CustomerReminder, "customer"),
                (K::HostReminder, "Hanna"),
                (K::CustomerReminderSms, "customer"),
            ])
        );
        let without = booking(&w.host, BookingStatus::Confirmed, false);
        let only_sms = Notice::Reminder {
            hours_before: 1,
            channel: ReminderChannel::Sms,
        };
        assert_eq!(w.told(&only_sms, &without, None), []);
    }

    #[test]
    fn every_kind_has_its_snake_case_name() {
        assert_eq!(K::CustomerReminderSms.as_ref(), "customer_reminder_sms");
        assert_eq!("host_new_booking".parse::<K>(), Ok(K::HostNewBooking));
        assert!(K::CustomerReminderSms.is_sms());
        assert!(!K::CustomerReminder.is_sms());
    }
}
