//! Staff editing a booking's own fields (`PATCH /bookings/{id}`): what may change, how each value
//! is checked, and what the change writes — the fields that really differ, one history entry
//! naming them with their old and new values, and, when the customer or the participants see the
//! change (contact, place, link), an updated invite.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Actor, Booking, CoHosts, HistoryAction, HistoryEntry, HostsChange, hosts};
use crate::{
    Email, FieldErrors, Minutes, Phone,
    meeting_type::parse_web_link,
    notification::Notice,
    required_text,
    scheduling::{AttendeeConflict, Conflict},
    user::StaffUser,
};

const TITLE_MAX: usize = 200;
const LOCATION_MAX: usize = 500;
const TEXT_MAX: usize = 10_000;
const NOTES_MAX: usize = 5000;

/// One field of a patch: left alone, cleared (`null`), or set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// `None`: absent; `Some(None)`: `null`; `Some(Some(v))`: a value.
    pub fn from_wire(value: Option<Option<T>>) -> Self {
        match value {
            None => Self::Keep,
            Some(None) => Self::Clear,
            Some(Some(value)) => Self::Set(value),
        }
    }
}

/// The fields as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct BookingEditDraft<'a> {
    pub title: Patch<&'a str>,
    pub meeting_notes: Patch<&'a str>,
    pub meeting_description: Patch<&'a str>,
    pub physical_location: Patch<&'a str>,
    pub meeting_link: Patch<&'a str>,
    pub customer_name: Patch<&'a str>,
    pub customer_email: Patch<&'a str>,
    pub customer_phone: Patch<&'a str>,
    pub customer_notes: Patch<&'a str>,
    pub meeting_minutes: Patch<&'a str>,
    pub action_items: Patch<&'a str>,
    /// Minutes; cleared, the meeting type's (else the host's rule's) apply again.
    pub buffer_before: Patch<i64>,
    pub buffer_after: Patch<i64>,
}

/// A checked edit: `Some(None)` clears an optional field, `None` leaves it alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookingEdit {
    pub title: Option<String>,
    pub meeting_notes: Option<Option<String>>,
    pub meeting_description: Option<Option<String>>,
    pub physical_location: Option<Option<String>>,
    pub meeting_link: Option<Option<String>>,
    pub customer_name: Option<String>,
    pub customer_email: Option<Email>,
    pub customer_phone: Option<Phone>,
    pub customer_notes: Option<Option<String>>,
    pub meeting_minutes: Option<Option<String>>,
    pub action_items: Option<Option<String>>,
    pub buffer_before: Option<Option<Minutes>>,
    pub buffer_after: Option<Option<Minutes>>,
    /// The whole new set of co-hosts, replacing the old.
    pub co_hosts: Option<CoHosts>,
}

/// A required field of a patch, parsed: it may be left alone or set, never cleared.
fn required<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    patch: Patch<&str>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    match patch {
        Patch::Keep => None,
        Patch::Clear => {
            errors.add(field, "is required and cannot be cleared");
            None
        }
        Patch::Set(value) => errors.check(field, parse(value)),
    }
}

/// Free text of at most `max` characters; blank counts as cleared.
fn optional_text(value: &str, max: usize) -> Result<Option<String>, String> {
    // Counted as sent, as the contract's `maxLength` counts.
    let too_long = value.chars().count() > max;
    let value = value.trim();
    if value.is_empty() {
        Ok(None)
    } else if too_long {
        Err(format!("must be at most {max} characters"))
    } else {
        Ok(Some(value.to_owned()))
    }
}

impl BookingEdit {
    /// Checks every field of `draft` as the booking form does, naming each failure by its
    /// field; a required field (title, the customer's name, email and phone) cannot be cleared.
    pub fn parse(draft: BookingEditDraft<'_>) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = required(&mut errors, "title", draft.title, |v| {
            required_text(v, TITLE_MAX)
        });
        let customer_name = required(&mut errors, "customer_name", draft.customer_name, |v| {
            required_text(v, TITLE_MAX)
        });
        let customer_email = required(
            &mut errors,
            "customer_email",
            draft.customer_email,
            Email::parse,
        );
        let customer_phone = required(
            &mut errors,
            "customer_phone",
            draft.customer_phone,
            Phone::parse,
        );
        let mut optional = |field: &str, patch: Patch<&str>, max: usize| match patch {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(value) => errors.check(field, optional_text(value, max)),
        };
        let meeting_notes = optional("meeting_notes", draft.meeting_notes, TEXT_MAX);
        let meeting_description =
            optional("meeting_description", draft.meeting_description, TEXT_MAX);
        let customer_notes = optional("customer_notes", draft.customer_notes, NOTES_MAX);
        let meeting_minutes = optional("meeting_minutes", draft.meeting_minutes, TEXT_MAX);
        let action_items = optional("action_items", draft.action_items, TEXT_MAX);
        // A place travels into invites as one line: no line breaks.
        let physical_location = match draft.physical_location {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(value) if value.trim().is_empty() => Some(None),
            Patch::Set(value) => errors
                .check("physical_location", required_text(value, LOCATION_MAX))
                .map(Some),
        };
        let meeting_link = match draft.meeting_link {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(value) if value.trim().is_empty() => Some(None),
            Patch::Set(value) => errors
                .check("meeting_link", parse_web_link(value))
                .map(Some),
        };
        let mut buffer = |field: &str, patch: Patch<i64>| match patch {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(minutes) => errors.check(field, Minutes::buffer(minutes)).map(Some),
        };
        let buffer_before = buffer("buffer_before", draft.buffer_before);
        let buffer_after = buffer("buffer_after", draft.buffer_after);
        let edit = Self {
            co_hosts: None,
            buffer_before,
            buffer_after,
            title,
            meeting_notes,
            meeting_description,
            physical_location,
            meeting_link,
            customer_name,
            customer_email,
            customer_phone,
            customer_notes,
            meeting_minutes,
            action_items,
        };
        errors.finish(edit)
    }
}

/// Why an edit cannot be made to this booking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Customer fields on an internal meeting.
    #[error("{0} is only for customer bookings")]
    NotACustomerBooking(&'static str),
    /// Minutes and action items record a meeting that took place.
    #[error("minutes and action items can be written once the meeting starts at {start}")]
    NotStarted { start: DateTime<Utc> },
    /// Hosts change only while the meeting is still to take place.
    #[error("the hosts of a meeting that is over or no longer takes place cannot change")]
    HostsClosed,
    /// A co-host who is not a staff user.
    #[error("{0} is not a staff user")]
    UnknownCoHost(uuid::Uuid),
}

/// A field of a booking that staff edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum BookingField {
    Title,
    MeetingDescription,
    PhysicalLocation,
    MeetingLink,
    MeetingNotes,
    CustomerName,
    CustomerEmail,
    CustomerPhone,
    CustomerNotes,
    MeetingMinutes,
    ActionItems,
    BufferBefore,
    BufferAfter,
    CoHosts,
}

impl BookingField {
    /// Its name on the wire.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether the customer or the participants see it in their invite or emails.
    fn seen_by_attendees(self) -> bool {
        use BookingField as F;
        matches!(
            self,
            F::Title
                | F::PhysicalLocation
                | F::MeetingLink
                | F::CustomerName
                | F::CustomerEmail
                | F::CustomerPhone
        )
    }
}

/// One field's change: the field, its value before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: BookingField,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Everything an edit writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPlan {
    /// The fields whose value differs, in the contract's order; empty: nothing to write.
    pub changes: Vec<FieldChange>,
    pub history: Option<HistoryEntry>,
    /// The customer or participants see the change: their invite is replaced (`SEQUENCE` up).
    pub bumps_sequence: bool,
    /// The booking's own buffers change while it holds time to come: the host (and everyone
    /// in an internal meeting) must still be free around it.
    pub rechecks_time: bool,
    /// The co-hosts change: the newcomers must be free for the meeting.
    pub hosts: Option<HostsChange>,
    /// The updated invite's notice, when the people in the meeting see the change. (The
    /// co-hosts added and removed are told by the caller, who reads the people removed.)
    pub notice: Option<Notice>,
}

impl EditPlan {
    /// The new value of `field`, when the edit changes it.
    pub fn new_value(&self, field: BookingField) -> Option<Option<&str>> {
        self.changes
            .iter()
            .find(|c| c.field == field)
            .map(|c| c.new.as_deref())
    }
}

/// Plans `edit` of `before` by `actor` at `now`; `named`: the staff users its co-hosts name, as
/// read when the change is made.
pub fn plan_edit(
    before: &Booking,
    edit: BookingEdit,
    named: &[StaffUser],
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<EditPlan, EditError> {
    let customer = before.customer.as_ref();
    let customer_field = |name: &'static str, given: bool| {
        if given && customer.is_none() {
            Err(EditError::NotACustomerBooking(name))
        } else {
            Ok(())
        }
    };
    customer_field("customer_name", edit.customer_name.is_some())?;
    customer_field("customer_email", edit.customer_email.is_some())?;
    customer_field("customer_phone", edit.customer_phone.is_some())?;
    customer_field("customer_notes", edit.customer_notes.is_some())?;
    let records =
        matches!(edit.meeting_minutes, Some(Some(_))) || matches!(edit.action_items, Some(Some(_)));
    if records && now < before.span.start() {
        return Err(EditError::NotStarted {
            start: before.span.start(),
        });
    }

    let mut changes = Vec::new();
    use BookingField as F;
    let mut note = |field: BookingField, old: Option<&str>, new: Option<Option<String>>| {
        if let Some(new) = new
            && old != new.as_deref()
        {
            changes.push(FieldChange {
                field,
                old: old.map(str::to_owned),
                new,
            });
        }
    };
    note(F::Title, Some(&before.title), edit.title.map(Some));
    note(
        F::MeetingDescription,
        before.meeting_description.as_deref(),
        edit.meeting_description,
    );
    note(
        F::PhysicalLocation,
        before.physical_location.as_deref(),
        edit.physical_location,
    );
    note(
        F::MeetingLink,
        before.meeting_link.as_deref(),
        edit.meeting_link,
    );
    note(
        F::MeetingNotes,
        before.meeting_notes.as_deref(),
        edit.meeting_notes,
    );
    if let Some(customer) = customer {
        note(
            F::CustomerName,
            Some(&customer.name),
            edit.customer_name.map(Some),
        );
        note(
            F::CustomerEmail,
            Some(customer.email.as_str()),
            edit.customer_email.map(|e| Some(e.as_str().to_owned())),
        );
        note(
            F::CustomerPhone,
            customer.phone.as_ref().map(Phone::as_str),
            edit.customer_phone.map(|p| Some(p.as_str().to_owned())),
        );
        note(
            F::CustomerNotes,
            customer.notes.as_deref(),
            edit.customer_notes,
        );
    }
    note(
        F::MeetingMinutes,
        before.meeting_minutes.as_deref(),
        edit.meeting_minutes,
    );
    note(
        F::ActionItems,
        before.action_items.as_deref(),
        edit.action_items,
    );
    let minutes = |m: Option<Minutes>| m.map(|m| m.get().to_string());
    let (buffer_before, buffer_after) =
        (minutes(before.buffer_before), minutes(before.buffer_after));
    note(
        F::BufferBefore,
        buffer_before.as_deref(),
        edit.buffer_before.map(minutes),
    );
    note(
        F::BufferAfter,
        buffer_after.as_deref(),
        edit.buffer_after.map(minutes),
    );

    let mut hosts = None;
    if let Some(co_hosts) = &edit.co_hosts {
        let wanted = co_hosts
            .besides(before.assigned_to)
            .into_iter()
            .map(|id| {
                named
                    .iter()
                    .find(|u| u.id == id)
                    .cloned()
                    .ok_or(EditError::UnknownCoHost(id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((change, change_of_hosts)) = hosts::plan_co_hosts(before, &wanted) {
            if !before.status.holds_time() || now >= before.span.end() {
                return Err(EditError::HostsClosed);
            }
            changes.push(change);
            hosts = Some(change_of_hosts);
        }
    }

    if changes.is_empty() {
        return Ok(EditPlan {
            changes,
            history: None,
            bumps_sequence: false,
            rechecks_time: false,
            hosts: None,
            notice: None,
        });
    }
    let buffers_change = changes
        .iter()
        .any(|c| matches!(c.field, F::BufferBefore | F::BufferAfter));
    let seen: Vec<&'static str> = changes
        .iter()
        .map(|c| c.field)
        .filter(|f| f.seen_by_attendees())
        .map(BookingField::name)
        .collect();
    // An invite is news only while the meeting is still to come and holds its time.
    let announced = !seen.is_empty() && before.status.holds_time() && now < before.span.end();
    let values = |pick: fn(&FieldChange) -> &Option<String>| {
        let map: BTreeMap<&str, &Option<String>> =
            changes.iter().map(|c| (c.field.name(), pick(c))).collect();
        serde_json::to_string(&map).ok()
    };
    let history = HistoryEntry {
        action: HistoryAction::Updated,
        action_by: actor.user_id,
        action_by_role: actor.role,
        action_utc: now,
        old_value: values(|c| &c.old),
        new_value: values(|c| &c.new),
        notes: Some(
            changes
                .iter()
                .map(|c| c.field.name())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    Ok(EditPlan {
        history: Some(history),
        // Hosts join or leave the invite's attendees.
        bumps_sequence: !seen.is_empty() || hosts.is_some(),
        rechecks_time: (buffers_change && before.status.holds_time() && now < before.span.end())
            || hosts
                .as_ref()
                .is_some_and(|h| !h.newcomers(before).is_empty()),
        hosts,
        notice: announced.then(|| Notice::Updated {
            fields: seen.iter().map(|f| (*f).to_owned()).collect(),
        }),
        changes,
    })
}

/// What keeps a booking from its new buffers: another meeting or busy time they would reach
/// into. Hours, notice and caps were judged when the meeting was placed.
pub fn buffer_clashes(conflicts: Vec<AttendeeConflict>) -> Vec<AttendeeConflict> {
    conflicts
        .into_iter()
        .filter(|c| {
            matches!(
                c.conflict,
                Conflict::Booking { .. } | Conflict::ExternalBusy
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _};

    use super::*;
    use crate::{
        booking::{ActorRole, BookingStatus, BookingType},
        fixtures,
    };

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap()
    }

    fn host() -> Actor {
        Actor {
            user_id: Some(uuid::Uuid::from_u128(7)),
            role: ActorRole::Host,
        }
    }

    /// A confirmed customer booking four weeks ahead.
    fn booking() -> Booking {
        fixtures::booking(&fixtures::person(1, "Hana"), BookingStatus::Confirmed, true)
    }

    fn parse(draft: BookingEditDraft<'_>) -> BookingEdit {
        BookingEdit::parse(draft).unwrap()
    }

    #[test]
    fn a_meeting_link_must_be_http_or_https() {
        for bad in [
            "javascript:alert(1)",
            "ftp://files.example.com",
            "https://",
            "meet.example.com",
        ] {
            let draft = BookingEditDraft {
                meeting_link: Patch::Set(bad),
                ..Default::default()
            };
            let errors = BookingEdit::parse(draft).unwrap_err();
            assert!(errors.contains("meeting_link"), "{bad}");
        }
        let edit = parse(BookingEditDraft {
            meeting_link: Patch::Set(" https://meet.example.com/abc "),
            ..Default::default()
        });
        assert_eq!(
            edit.meeting_link,
            Some(Some("https://meet.example.com/abc".into()))
        );
    }

    #[test]
    fn every_bad_field_is_named_at_once_and_required_fields_cannot_be_cleared() {
        let draft = BookingEditDraft {
            title: Patch::Clear,
            customer_email: Patch::Set("not-an-email"),
            customer_phone: Patch::Set("call me"),
            physical_location: Patch::Set("Room 1\r\nATTENDEE:mailto:x@evil.io"),
            meeting_notes: Patch::Set(&"n".repeat(TEXT_MAX + 1)),
            ..Default::default()
        };
        let errors = BookingEdit::parse(draft).unwrap_err();
        for field in [
            "title",
            "customer_email",
            "customer_phone",
            "physical_location",
            "meeting_notes",
        ] {
            assert!(errors.contains(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn only_the_fields_that_differ_are_written_and_named_in_the_history() {
        let before = booking();
        let edit = parse(BookingEditDraft {
            title: Patch::Set(&before.title),
            meeting_notes: Patch::Set("Customer prefers English"),
            meeting_link: Patch::Set("https://meet.example.com/x"),
            ..Default::default()
        });
        let plan = plan_edit(&before, edit, &[], host(), now()).unwrap();
        let fields: Vec<_> = plan.changes.iter().map(|c| c.field.name()).collect();
        assert_eq!(fields, ["meeting_link", "meeting_notes"]);
        let history = plan.history.unwrap();
        assert_eq!(history.action, HistoryAction::Updated);
        assert_eq!(
            history.notes.as_deref(),
            Some("meeting_link, meeting_notes")
        );
        assert_eq!(
            history.new_value.as_deref(),
            Some(
                r#"{"meeting_link":"https://meet.example.com/x","meeting_notes":"Customer prefers English"}"#
            )
        );
        assert_eq!(
            history.old_value.as_deref(),
            Some(r#"{"meeting_link":null,"meeting_notes":null}"#)
        );
    }

    #[test]
    fn internal_notes_change_no_invite_but_a_new_link_or_address_does() {
        let before = booking();
        let notes = parse(BookingEditDraft {
            meeting_notes: Patch::Set("VIP"),
            ..Default::default()
        });
        let plan = plan_edit(&before, notes, &[], host(), now()).unwrap();
        assert!(!plan.bumps_sequence && plan.notice.is_none());

        let contact = parse(BookingEditDraft {
            customer_email: Patch::Set("right@example.org"),
            meeting_link: Patch::Set("https://meet.example.com/x"),
            ..Default::default()
        });
        let plan = plan_edit(&before, contact, &[], host(), now()).unwrap();
        assert!(plan.bumps_sequence);
        assert_eq!(
            plan.notice,
            Some(Notice::Updated {
                fields: vec!["meeting_link".into(), "customer_email".into()]
            })
        );
    }

    #[test]
    fn a_cancelled_or_past_meeting_is_corrected_without_telling_anyone() {
        let mut before = booking();
        before.status = BookingStatus::Cancelled;
        let edit = parse(BookingEditDraft {
            customer_phone: Patch::Set("+45 20 11 22 33"),
            ..Default::default()
        });
        let plan = plan_edit(&before, edit, &[], host(), now()).unwrap();
        assert_eq!(plan.changes.len(), 1);
        assert!(plan.notice.is_none());
    }

    #[test]
    fn minutes_and_action_items_wait_for_the_meeting_to_start() {
        let before = booking();
        let minutes = || {
            parse(BookingEditDraft {
                meeting_minutes: Patch::Set("Agreed on the plan"),
                action_items: Patch::Set("Send the offer"),
                ..Default::default()
            })
        };
        assert!(matches!(
            plan_edit(&before, minutes(), &[], host(), now()),
            Err(EditError::NotStarted { .. })
        ));
        let started = before.span.start() + Duration::minutes(1);
        let plan = plan_edit(&before, minutes(), &[], host(), started).unwrap();
        assert_eq!(plan.changes.len(), 2);
    }

    #[test]
    fn customer_fields_are_refused_on_an_internal_meeting() {
        let mut before = booking();
        before.booking_type = BookingType::Internal;
        before.customer = None;
        let edit = parse(BookingEditDraft {
            customer_name: Patch::Set("Someone"),
            ..Default::default()
        });
        assert_eq!(
            plan_edit(&before, edit, &[], host(), now()),
            Err(EditError::NotACustomerBooking("customer_name"))
        );
    }

    #[test]
    fn a_booking_keeps_its_own_buffers_and_they_call_for_a_recheck() {
        let before = booking();
        let edit = parse(BookingEditDraft {
            buffer_after: Patch::Set(30),
            ..Default::default()
        });
        let plan = plan_edit(&before, edit, &[], host(), now()).unwrap();
        assert_eq!(plan.new_value(BookingField::BufferAfter), Some(Some("30")));
        assert!(plan.rechecks_time && !plan.bumps_sequence && plan.notice.is_none());
        let too_long = BookingEdit::parse(BookingEditDraft {
            buffer_before: Patch::Set(481),
            ..Default::default()
        });
        assert!(too_long.unwrap_err().contains("buffer_before"));
        let mut over = booking();
        over.status = crate::booking::BookingStatus::Completed;
        let edit = parse(BookingEditDraft {
            buffer_after: Patch::Set(30),
            ..Default::default()
        });
        assert!(
            !plan_edit(&over, edit, &[], host(), now())
                .unwrap()
                .rechecks_time
        );
    }

    #[test]
    fn clearing_an_empty_field_changes_nothing() {
        let edit = parse(BookingEditDraft {
            meeting_notes: Patch::Clear,
            physical_location: Patch::Set("   "),
            ..Default::default()
        });
        let plan = plan_edit(&booking(), edit, &[], host(), now()).unwrap();
        assert!(plan.changes.is_empty() && plan.history.is_none());
    }
}
