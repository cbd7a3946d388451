//! The emails a booking change causes: who gets which message, each with a plain-text and an
//! HTML part (every piece of user input escaped) and, where a calendar should change, an invite.

use chrono::{DateTime, Utc};
use mm_domain::{
    Email, Interval, TimeZone,
    booking::{ActorRole, Answer, BookingStatus},
    notification::{BookingFacts, Message, MessageKind, Notice, OutgoingEmail, Recipient},
    recurrence::{Frequency, RuleEnd, SeriesCut},
    user::StaffUser,
};

use crate::ics::{self, Invite, Person};

/// The customer's self-service links, when they still work.
#[derive(Debug, Clone)]
pub struct Links {
    pub cancel_url: Option<String>,
    pub reschedule_url: Option<String>,
    /// Where an invited colleague answers the invitation (accept, maybe, decline).
    pub answer_url: Option<String>,
}

/// Where the rendering happens: links and the `UID` domain come from the public base URL.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub links: Links,
    /// The public site, for "book again" links.
    pub public_base_url: &'a str,
    pub uid_domain: &'a str,
    pub now: DateTime<Utc>,
}

/// One message of the matrix as an email to its recipient.
pub(crate) fn email(
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    message: Message<'_>,
) -> Option<OutgoingEmail> {
    let (to, to_name, zone) = match message.to {
        Recipient::Customer => {
            let c = facts.booking.customer.as_ref()?;
            (&c.email, c.name.as_str(), c.timezone)
        }
        Recipient::Staff(person) => (&person.email, person.full_name.as_str(), person.timezone),
    };
    let (subject, body) = match message.to {
        Recipient::Customer => customer_email(facts, context, message.kind, zone),
        Recipient::Staff(person) => staff_email(facts, context, message.kind, person),
    };
    Some(body.into_email(message.kind, to, Some(to_name), subject))
}

/// To a subscription's owner: the system disabled their webhook (`url`) for `reason`; it is
/// turned on again at `manage_url`.
pub fn webhook_disabled(
    owner: &StaffUser,
    url: &str,
    description: Option<&str>,
    reason: &str,
    manage_url: &str,
) -> OutgoingEmail {
    let mut body = Body::new(&format!(
        "Meeting Manager stopped sending booking events to one of your webhooks: {reason}. \
         Events that were waiting stay queued; turn the webhook on again once its receiver \
         works, and they go out."
    ))
    .line("Receiver", url);
    if let Some(description) = description {
        body = body.line("Description", description);
    }
    body.link("Open your webhooks", manage_url).into_email(
        MessageKind::WebhookDisabled,
        &owner.email,
        Some(&owner.full_name),
        "Webhook disabled".to_owned(),
    )
}

/// `text` with its first letter capital.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// ` Reason: …` when a reason was given.
fn reason_phrase(reason: Option<&str>) -> String {
    reason.map(|r| format!(" Reason: {r}")).unwrap_or_default()
}

/// What the customer reads for `kind`, in their zone.
fn customer_email(
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    kind: MessageKind,
    zone: TimeZone,
) -> (String, Body) {
    use MessageKind as K;
    let booking = facts.booking;
    let title = format!("{} with {}", facts.meeting_type.name, facts.department.name);
    let summary = |lead: &str| customer_summary(facts, zone, lead, &context.links);
    let invite = || invite(facts, context);
    match (kind, facts.notice) {
        (K::CustomerPending, _) => (
            format!("Booking request received: {title}"),
            summary(
                "We have received your booking request. It needs approval; we will write again \
                 as soon as it is confirmed.",
            ),
        ),
        (K::CustomerConfirmation, Notice::Approved) => (
            format!("Booking confirmed: {title}"),
            summary(&format!(
                "Your booking is confirmed. Your meeting will be with {} from {}.",
                facts.host.full_name, facts.department.name
            ))
            .invite(invite()),
        ),
        (K::CustomerConfirmation, _) => (
            format!("Booking confirmed: {title}"),
            summary(&format!(
                "Your meeting will be with {} from {}.",
                facts.host.full_name, facts.department.name
            ))
            .invite(invite()),
        ),
        (K::CustomerRejected, notice) => {
            let reason = match notice {
                Notice::Rejected { reason } => reason.as_str(),
                _ => "",
            };
            (
                format!("Booking request declined: {title}"),
                customer_summary(
                    facts,
                    zone,
                    &format!(
                        "We are sorry: your booking request could not be accepted. Reason: \
                         {reason}"
                    ),
                    &Links::none(),
                )
                .link("Choose another time", &book_again(facts, context)),
            )
        }
        (K::CustomerCancelled, notice) => {
            let (by_customer, why, cut) = match notice {
                Notice::Cancelled { by, reason, series } => (
                    *by == ActorRole::Customer,
                    reason_phrase(reason.as_deref()),
                    *series,
                ),
                _ => (false, String::new(), None),
            };
            let what = match cut {
                None => "your booking has".to_owned(),
                Some(SeriesCut::Whole) => "every meeting of your series has".to_owned(),
                Some(SeriesCut::Following) => format!(
                    "the meetings of your series from {} on have",
                    span(booking.span, zone)
                ),
            };
            let lead = if by_customer {
                format!("{} been cancelled as you asked.{why}", capitalised(&what))
            } else {
                format!("We are sorry: {what} been cancelled.{why}")
            };
            (
                format!("Booking cancelled: {title}"),
                customer_summary(facts, zone, &lead, &Links::none())
                    .link("Book a new time", &book_again(facts, context))
                    .invite(invite()),
            )
        }
        (K::CustomerRescheduled, notice) => (
            format!("Booking rescheduled: {title}"),
            summary(&moved(notice, zone)).invite(invite()),
        ),
        (K::CustomerReassigned, _) => (
            format!("New host for your meeting: {title}"),
            summary(&format!(
                "Your meeting host has been changed: your meeting will now be with {} from {}.",
                facts.host.full_name, facts.department.name
            ))
            .invite(invite()),
        ),
        (K::CustomerVideoLink, _) => (
            format!("Video link for your meeting: {title}"),
            summary(&video_lead(facts)).invite(invite()),
        ),
        (K::CustomerUpdated, notice) => (
            format!("Booking updated: {title}"),
            summary(&updated_lead(notice)).invite(invite()),
        ),
        (K::CustomerNoShow, _) => (
            format!("We missed you: {title}"),
            customer_summary(
                facts,
                zone,
                "We are sorry we missed you at your meeting. If you would still like to meet, \
                 choose a new time that suits you.",
                &Links::none(),
            )
            .link("Book a new time", &book_again(facts, context)),
        ),
        (K::CustomerThankYou, _) => {
            let follow_up = &facts.meeting_type.follow_up;
            let mut body = Body::new(&format!(
                "Thank you for meeting with {} from {}.",
                facts.host.full_name, facts.department.name
            ))
            .line("Reference", booking.reference.as_str())
            .line("Meeting", &facts.meeting_type.name)
            .line("When", &span(booking.span, zone));
            if let Some(next) = &follow_up.next_steps {
                body = body.line("Next steps", next);
            }
            if let Some(url) = &follow_up.feedback_url {
                body = body.link("Tell us how it went", url);
            }
            (
                format!("Thank you for your meeting with {}", facts.department.name),
                body.link("Book another meeting", &book_again(facts, context)),
            )
        }
        // Reminders, and any kind the matrix might one day send a customer.
        _ => {
            let when = until(booking.span.start() - context.now);
            (
                format!("Reminder: {title} {when}"),
                summary(&format!("A reminder: your meeting starts {when}.")),
            )
        }
    }
}

/// What a staff member reads for `kind`, in their zone.
fn staff_email(
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    kind: MessageKind,
    person: &StaffUser,
) -> (String, Body) {
    use MessageKind as K;
    let booking = facts.booking;
    let zone = person.timezone;
    let title = format!("{} with {}", facts.meeting_type.name, facts.department.name);
    let summary = |lead: &str| staff_summary(context, facts, zone, lead);
    let invite = || invite(facts, context);
    let acting_staff = facts.actor.filter(|a| a.id != facts.host.id);
    let cancelled_lead = || match facts.notice {
        Notice::Cancelled { by, reason, series } => {
            let what = match series {
                None => "this meeting",
                Some(SeriesCut::Whole) => "every meeting of this series",
                Some(SeriesCut::Following) => "this meeting and the later ones of its series",
            };
            let why = reason_phrase(reason.as_deref());
            if *by == ActorRole::Customer {
                format!("The customer cancelled {what}.{why}")
            } else {
                format!("{} has been cancelled.{why}", capitalised(what))
            }
        }
        _ => "This meeting has been cancelled.".to_owned(),
    };
    let reassigned_lead = || match facts.notice {
        Notice::Reassigned {
            previous_host,
            series,
        } => format!(
            "This meeting has been reassigned from {} to {}{}.",
            previous_host.full_name,
            facts.host.full_name,
            match series {
                None => "",
                Some(SeriesCut::Whole) => ", with every other meeting of its series",
                Some(SeriesCut::Following) => ", with the later meetings of its series",
            }
        ),
        _ => format!(
            "This meeting has been reassigned to {}.",
            facts.host.full_name
        ),
    };
    match kind {
        K::InternalInvitation => {
            let lead = match facts.actor {
                Some(creator) if creator.id != person.id => {
                    format!("{} invites you to a meeting.", creator.full_name)
                }
                _ => "You are invited to a meeting.".to_owned(),
            };
            let mut body = summary(&lead);
            if let Some(url) = &context.links.answer_url {
                body = body.link("Accept, decline or say maybe", url);
            }
            (
                format!("Invitation: {}", booking.title),
                body.invite(invite()),
            )
        }
        K::ParticipantDeclined => {
            let who = match facts.notice {
                Notice::Declined { participant } => facts
                    .participants
                    .iter()
                    .find(|p| p.id == *participant)
                    .map_or("A participant", |p| p.full_name.as_str()),
                _ => "A participant",
            };
            (
                format!("Declined: {}", booking.title),
                summary(&format!("{who} declined this meeting.")),
            )
        }
        K::InternalCreated => (
            format!("Meeting created: {}", booking.title),
            summary("The meeting is created and everyone is invited."),
        ),
        K::HostNewBooking if booking.status == BookingStatus::Pending => (
            format!("New booking: {title}"),
            summary("A new booking is assigned to you and waits for approval."),
        ),
        K::HostNewBooking if person.id != facts.host.id => (
            format!("New booking: {title}"),
            summary(&format!(
                "You co-host this meeting with {}.",
                facts.host.full_name
            ))
            .invite(invite()),
        ),
        K::HostNewBooking => {
            let lead = match acting_staff {
                Some(actor) => format!("{} booked this meeting for you.", actor.full_name),
                None => "A new booking is assigned to you.".to_owned(),
            };
            (
                format!("New booking: {title}"),
                summary(&lead).invite(invite()),
            )
        }
        K::ApprovalRequest => (
            format!("Approval needed: {title}"),
            summary("A booking waits for your approval."),
        ),
        K::BookingCreated => (
            format!("Booking created: {title}"),
            summary(&format!(
                "You booked this meeting for {}; the customer has been told.",
                facts.host.full_name
            )),
        ),
        K::LeaderNewBooking | K::AdminNewBooking => (
            format!("New booking: {title}"),
            summary(&format!(
                "A new booking in {} is assigned to {}.",
                facts.department.name, facts.host.full_name
            )),
        ),
        K::HostBookingApproved => (
            format!("Booking approved: {title}"),
            summary("A booking assigned to you was approved.").invite(invite()),
        ),
        K::HostCancelled => (
            format!("Cancelled: {}", booking.title),
            summary(&cancelled_lead()).invite(invite()),
        ),
        K::LeaderCancelled | K::AdminCancelled => (
            format!("Cancelled: {}", booking.title),
            summary(&cancelled_lead()),
        ),
        K::HostRescheduled => (
            format!("Rescheduled: {}", booking.title),
            summary(&moved(facts.notice, zone)).invite(invite()),
        ),
        K::LeaderRescheduled | K::AdminRescheduled => (
            format!("Rescheduled: {}", booking.title),
            summary(&moved(facts.notice, zone)),
        ),
        K::OldHostReassigned => (
            format!("Reassigned away from you: {}", booking.title),
            summary(&format!(
                "This meeting has been reassigned to {}; you no longer host it.",
                facts.host.full_name
            )),
        ),
        K::NewHostReassigned => (
            format!("Assigned to you: {}", booking.title),
            summary("This meeting has been assigned to you.").invite(invite()),
        ),
        K::LeaderReassigned | K::AdminReassigned => (
            format!("Reassigned: {}", booking.title),
            summary(&reassigned_lead()),
        ),
        K::CoHostAdded => {
            let lead = match facts.actor {
                Some(actor) if actor.id != person.id => format!(
                    "{} added you as a co-host of this meeting, with {}.",
                    actor.full_name, facts.host.full_name
                ),
                _ => format!("You co-host this meeting with {}.", facts.host.full_name),
            };
            (
                format!("Co-hosting: {}", booking.title),
                summary(&lead).invite(invite()),
            )
        }
        K::CoHostRemoved => (
            format!("No longer co-hosting: {}", booking.title),
            summary(&format!(
                "You no longer co-host this meeting; {} hosts it.",
                facts.host.full_name
            ))
            .invite(withdrawn_invite(facts, context)),
        ),
        K::HostUpdated => (
            format!("Updated: {}", booking.title),
            summary(&updated_lead(facts.notice)).invite(invite()),
        ),
        K::HostVideoLink => (
            format!("Video link: {}", booking.title),
            summary(&video_lead(facts)).invite(invite()),
        ),
        // Reminders, and the customer kinds, which never go to staff.
        _ => {
            let when = until(booking.span.start() - context.now);
            (
                format!("Reminder: {} {when}", booking.title),
                summary(&format!("This meeting starts {when}.")),
            )
        }
    }
}

/// `This meeting has moved from …` in `zone`, for a reschedule.
fn moved(notice: &Notice, zone: TimeZone) -> String {
    match notice {
        Notice::Rescheduled { previous, series } => {
            let with = match series {
                None => "",
                Some(SeriesCut::Whole) => ", and every other meeting of its series with it",
                Some(SeriesCut::Following) => ", and the later meetings of its series with it",
            };
            format!(
                "This meeting has moved from {}{with}.",
                span(*previous, zone)
            )
        }
        _ => "This meeting has moved.".to_owned(),
    }
}

/// What an edit changed, as the people in the meeting read it.
fn updated_lead(notice: &Notice) -> String {
    let fields: &[String] = match notice {
        Notice::Updated { fields } => fields,
        _ => &[],
    };
    let mut what: Vec<&str> = Vec::new();
    for field in fields {
        let phrase = match field.as_str() {
            "title" => "the title",
            "physical_location" => "the place",
            "meeting_link" => "the meeting link",
            _ => "the contact details",
        };
        if !what.contains(&phrase) {
            what.push(phrase);
        }
    }
    match what.as_slice() {
        [] => "The meeting's details have been updated; the new invite replaces the old one."
            .to_owned(),
        [one] => format!("We have updated {one}; the new invite replaces the old one."),
        [rest @ .., last] => format!(
            "We have updated {} and {last}; the new invite replaces the old one.",
            rest.join(", ")
        ),
    }
}

fn video_lead(facts: &BookingFacts<'_>) -> String {
    let link = facts.booking.meeting_link.as_deref().unwrap_or_default();
    format!("Your meeting now has a video link: {link}")
}

/// How long until the meeting: `in 24 hours`, `in 1 hour`, `in 45 minutes`.
pub(crate) fn until(left: chrono::Duration) -> String {
    let minutes = (left.num_seconds() + 59).div_euclid(60).max(1);
    // A reminder a few minutes late still reads as its round hour.
    let hours = (minutes + 5) / 60;
    match (hours, minutes) {
        (0, 1) => "in 1 minute".to_owned(),
        (0, m) => format!("in {m} minutes"),
        (1, _) => "in 1 hour".to_owned(),
        (h, _) => format!("in {h} hours"),
    }
}

/// The department's public page for this meeting type.
fn book_again(facts: &BookingFacts<'_>, context: &Context<'_>) -> String {
    format!(
        "{}/book/{}/{}",
        context.public_base_url, facts.department.slug, facts.meeting_type.slug
    )
}

impl Links {
    pub fn none() -> Self {
        Self {
            cancel_url: None,
            reschedule_url: None,
            answer_url: None,
        }
    }
}

fn invite(facts: &BookingFacts<'_>, context: &Context<'_>) -> String {
    render_invite(facts, context, invite_event(facts))
}

/// The invite's cancellation for someone no longer in the meeting, which goes on without them.
fn withdrawn_invite(facts: &BookingFacts<'_>, context: &Context<'_>) -> String {
    let event = ics::InviteEvent {
        cancelled: true,
        ..invite_event(facts)
    };
    render_invite(facts, context, event)
}

/// What an invite about the booking describes: the booking; or, for a meeting of a series, the
/// whole series when it was booked, approved, rejected or cancelled (one invite for all of it; cancelled
/// from a meeting on, the rule now ends before it), else that one meeting as calendar programs
/// know it within the series.
fn invite_event(facts: &BookingFacts<'_>) -> ics::InviteEvent {
    let booking = facts.booking;
    let event = ics::InviteEvent::of(booking);
    let (Some(series_facts), Some(place)) = (facts.series, booking.series) else {
        return event;
    };
    let series = &series_facts.series;
    let starts = series.starts();
    let whole = |end: RuleEnd, cancelled: bool| {
        let length = booking.span.length();
        let last = match end {
            RuleEnd::Count => starts.last().copied().unwrap_or(series.first_start),
            RuleEnd::Until(last) => last,
        };
        ics::InviteEvent {
            sequence: series.ics_sequence,
            span: Interval::new(series.first_start, series.first_start + length)
                .unwrap_or(booking.span),
            cancelled,
            series: Some(ics::SeriesPart::Whole {
                series_id: series.id,
                zone: series.zone,
                rule: series.recurrence.rule(series.zone, series.first_start, end),
                last,
                excluded: series_facts
                    .excluded
                    .iter()
                    .copied()
                    .filter(|start| *start <= last)
                    .collect(),
                moved: series_facts
                    .held
                    .iter()
                    .filter_map(|(index, held)| {
                        let original = *starts.get(usize::from(*index).checked_sub(1)?)?;
                        let moved = held.start() != original || held.length() != length;
                        (moved && original <= last).then_some((original, *held))
                    })
                    .collect(),
            }),
            ..event.clone()
        }
    };
    // The meeting before the announced one, where a series cut from it now ends.
    let before_cut = usize::from(place.index)
        .checked_sub(2)
        .and_then(|i| starts.get(i).copied());
    match (facts.notice, before_cut) {
        (
            Notice::Created
            | Notice::Approved
            | Notice::Rescheduled {
                series: Some(_), ..
            }
            | Notice::Reassigned {
                series: Some(_), ..
            },
            _,
        ) => whole(RuleEnd::Count, false),
        // A series is approved or rejected as one.
        (Notice::Rejected { .. }, _) => whole(RuleEnd::Count, true),
        (
            Notice::Cancelled {
                series: Some(SeriesCut::Following),
                ..
            },
            Some(last),
        ) => whole(RuleEnd::Until(last), false),
        (
            Notice::Cancelled {
                series: Some(SeriesCut::Whole | SeriesCut::Following),
                ..
            },
            _,
        ) => whole(RuleEnd::Count, true),
        _ => ics::InviteEvent {
            // Above the series' own: a change to one meeting outranks the series' invite.
            sequence: series.ics_sequence + booking.ics_sequence,
            series: Some(ics::SeriesPart::Meeting {
                series_id: series.id,
                zone: series.zone,
                original: starts
                    .get(usize::from(place.index).saturating_sub(1))
                    .copied()
                    .unwrap_or(booking.span.start()),
            }),
            ..event
        },
    }
}

fn render_invite(
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    event: ics::InviteEvent,
) -> String {
    let booking = facts.booking;
    let mut attendees: Vec<Person<'_>> = booking
        .customer
        .iter()
        .map(|c| Person {
            name: &c.name,
            email: c.email.as_str(),
        })
        .collect();
    attendees.extend(facts.participants.iter().map(|p| Person {
        name: &p.full_name,
        email: p.email.as_str(),
    }));
    let description = booking
        .meeting_agenda
        .as_deref()
        .or(facts.meeting_type.description.as_deref())
        .unwrap_or_default();
    ics::render(&Invite {
        event,
        summary: &booking.title,
        description,
        location: location(facts),
        organizer: Some(Person {
            name: &facts.host.full_name,
            email: facts.host.email.as_str(),
        }),
        attendees,
        uid_domain: context.uid_domain,
        stamp: context.now,
    })
}

pub(crate) fn location<'a>(facts: &BookingFacts<'a>) -> Option<&'a str> {
    let booking = facts.booking;
    booking
        .meeting_link
        .as_deref()
        .or(booking.physical_location.as_deref())
        .or(facts.meeting_type.custom_location.as_deref())
}

/// `Monday 29 March 2027, 09:00–10:00 (Europe/Copenhagen)`.
pub fn span(span: Interval, zone: TimeZone) -> String {
    let start = zone.local(span.start());
    let end = zone.local(span.end());
    format!(
        "{}, {}–{} ({})",
        start.format("%A %-d %B %Y"),
        start.format("%H:%M"),
        end.format("%H:%M"),
        zone.name()
    )
}

/// For a meeting of a series: how often it repeats and every meeting that still takes place,
/// in `zone` (nothing once none does).
fn series_lines(body: Body, facts: &BookingFacts<'_>, zone: TimeZone) -> Body {
    let Some(series) = facts.series.filter(|s| !s.held.is_empty()) else {
        return body;
    };
    let how_often = match series.series.recurrence.frequency() {
        Frequency::Weekly => "every week",
        Frequency::Biweekly => "every other week",
        Frequency::Monthly => "every month, on the same weekday",
    };
    let meetings: Vec<String> = series
        .held
        .iter()
        .map(|(_, meeting)| span(*meeting, zone))
        .collect();
    body.line(
        "Repeats",
        &format!("{how_often}, {} meetings", series.held.len()),
    )
    .line("Meetings", &meetings.join("; "))
}

/// The customer's view: what, when in their zone and the department's, and their links.
fn customer_summary(facts: &BookingFacts<'_>, zone: TimeZone, lead: &str, links: &Links) -> Body {
    let booking = facts.booking;
    let mut body = Body::new(lead)
        .line("Reference", booking.reference.as_str())
        .line("Department", &facts.department.name)
        .line("Meeting", &facts.meeting_type.name)
        .line("When", &span(booking.span, zone));
    if zone != booking.timezone {
        body = body.line("Department time", &span(booking.span, booking.timezone));
    }
    body = series_lines(body, facts, zone);
    if let Some(place) = location(facts) {
        body = body.line("Where", place);
    }
    if let Some(url) = &links.reschedule_url {
        body = body.link("Reschedule", url);
    }
    if let Some(url) = &links.cancel_url {
        body = body.link("Cancel", url);
    }
    body
}

/// The staff view: the customer's details and answers, in the staff member's zone.
fn staff_summary(
    context: &Context<'_>,
    facts: &BookingFacts<'_>,
    zone: TimeZone,
    lead: &str,
) -> Body {
    let booking = facts.booking;
    let mut body = Body::new(lead)
        .line("Reference", booking.reference.as_str())
        .line("Meeting", &booking.title)
        .line("When", &span(booking.span, zone));
    body = series_lines(body, facts, zone).line("Host", &facts.host.full_name);
    let co_hosts: Vec<&str> = booking.co_hosts().map(|p| p.name.as_str()).collect();
    if !co_hosts.is_empty() {
        body = body.line("Co-hosts", &co_hosts.join(", "));
    }
    if let Some(c) = &booking.customer {
        body = body
            .line("Customer", &c.name)
            .line("Email", c.email.as_str());
        if let Some(phone) = &c.phone {
            body = body.line("Phone", phone.as_str());
        }
        if let Some(notes) = &c.notes {
            body = body.line("Notes", notes);
        }
    }
    for (key, answer) in &booking.answers {
        let label = facts
            .meeting_type
            .questions
            .iter()
            .find(|q| &q.key == key)
            .map_or(key.as_str(), |q| q.label.as_str());
        let value = match answer {
            Answer::Text(text) => text.clone(),
            Answer::Checked(true) => "yes".to_owned(),
            Answer::Checked(false) => "no".to_owned(),
        };
        body = body.line(label, &value);
    }
    if let Some(agenda) = &booking.meeting_agenda {
        body = body.line("Agenda", agenda);
    }
    if let Some(place) = location(facts) {
        body = body.line("Where", place);
    }
    body.link(
        "Open in Meeting Manager (reschedule, reassign or cancel)",
        &format!("{}/admin/bookings/{}", context.public_base_url, booking.id),
    )
}

/// A message as a lead sentence and labelled lines, rendered twice: as text and as HTML.
#[derive(Debug, Clone)]
struct Body {
    lead: String,
    lines: Vec<(String, String)>,
    links: Vec<(String, String)>,
    ics: Option<String>,
}

impl Body {
    fn new(lead: &str) -> Self {
        Self {
            lead: lead.to_owned(),
            lines: Vec::new(),
            links: Vec::new(),
            ics: None,
        }
    }

    fn line(mut self, label: &str, value: &str) -> Self {
        self.lines.push((label.to_owned(), value.to_owned()));
        self
    }

    fn link(mut self, label: &str, url: &str) -> Self {
        self.links.push((label.to_owned(), url.to_owned()));
        self
    }

    fn invite(mut self, ics: String) -> Self {
        self.ics = Some(ics);
        self
    }

    fn into_email(
        self,
        kind: MessageKind,
        to: &Email,
        to_name: Option<&str>,
        subject: String,
    ) -> OutgoingEmail {
        let mut text = format!("{}\n\n", self.lead);
        let mut html = format!(
            "<!doctype html><html><body><p>{}</p><table>",
            escape(&self.lead)
        );
        for (label, value) in &self.lines {
            text.push_str(&format!("{label}: {value}\n"));
            html.push_str(&format!(
                "<tr><th align=\"left\">{}</th><td>{}</td></tr>",
                escape(label),
                escape(value).replace('\n', "<br>")
            ));
        }
        html.push_str("</table>");
        if !self.links.is_empty() {
            text.push('\n');
            html.push_str("<p>");
            for (label, url) in &self.links {
                text.push_str(&format!("{label}: {url}\n"));
                html.push_str(&format!(
                    "<a href=\"{}\">{}</a> ",
                    escape(url),
                    escape(label)
                ));
            }
            html.push_str("</p>");
        }
        html.push_str("</body></html>");
        OutgoingEmail {
            kind,
            to: to.clone(),
            to_name: to_name.map(str::to_owned),
            subject,
            text,
            html,
            ics: self.ics,
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_until_a_meeting_reads_in_round_hours_or_minutes() {
        use chrono::Duration;
        assert_eq!(
            until(Duration::hours(24) + Duration::seconds(20)),
            "in 24 hours"
        );
        assert_eq!(until(Duration::minutes(58)), "in 1 hour");
        assert_eq!(until(Duration::minutes(45)), "in 45 minutes");
        assert_eq!(until(Duration::seconds(30)), "in 1 minute");
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }
}
