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
use mm_i18n::{Language, Texts};

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
    /// The language of whoever has chosen none: the organisation's.
    pub default_language: Language,
}

/// One message of the matrix as an email to its recipient.
pub(crate) fn email(
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    message: Message<'_>,
) -> Option<OutgoingEmail> {
    let (to, to_name, zone, language) = match message.to {
        Recipient::Customer => {
            let c = facts.booking.customer.as_ref()?;
            (&c.email, c.name.as_str(), c.timezone, c.language)
        }
        Recipient::Staff(person) => (
            &person.email,
            person.full_name.as_str(),
            person.timezone,
            person.language,
        ),
    };
    let t = language.unwrap_or(context.default_language).texts();
    let (subject, body) = match message.to {
        Recipient::Customer => customer_email(t, facts, context, message.kind, zone),
        Recipient::Staff(person) => staff_email(t, facts, context, message.kind, person),
    };
    Some(body.into_email(message.kind, to, Some(to_name), subject))
}

/// To a subscription's owner: the system disabled their webhook (`url`) for `reason`; it is
/// turned on again at `manage_url`.
pub fn webhook_disabled(
    owner: &StaffUser,
    default_language: Language,
    url: &str,
    description: Option<&str>,
    reason: &str,
    manage_url: &str,
) -> OutgoingEmail {
    let t = owner.language.unwrap_or(default_language).texts();
    let mut body = Body::new(t, &t.lead_webhook_disabled(reason)).line(t.label_receiver(), url);
    if let Some(description) = description {
        body = body.line(t.label_description(), description);
    }
    body.link(t.link_open_webhooks(), manage_url).into_email(
        MessageKind::WebhookDisabled,
        &owner.email,
        Some(&owner.full_name),
        t.subject_webhook_disabled().to_owned(),
    )
}

/// `lead`, and ` Reason: …` after it when a reason was given.
fn with_reason(t: Texts, lead: String, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("{lead} {}", t.reason_given(reason)),
        None => lead,
    }
}

/// How a series change reads in a select: `one`, `following` or `series`.
fn scope(cut: Option<SeriesCut>) -> &'static str {
    match cut {
        None => "one",
        Some(SeriesCut::Following) => "following",
        Some(SeriesCut::Whole) => "series",
    }
}

/// What the customer reads for `kind`, in their zone and language.
fn customer_email(
    t: Texts,
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    kind: MessageKind,
    zone: TimeZone,
) -> (String, Body) {
    use MessageKind as K;
    let booking = facts.booking;
    let (host, department) = (
        facts.host.full_name.as_str(),
        facts.department.name.as_str(),
    );
    let title = t.meeting_with_department(&facts.meeting_type.name, department);
    let summary = |lead: &str| customer_summary(t, facts, zone, lead, &context.links);
    let invite = || invite(t, facts, context);
    match (kind, facts.notice) {
        (K::CustomerPending, _) => (
            t.subject_request_received(&title),
            summary(t.lead_request_received()),
        ),
        (K::CustomerConfirmation, Notice::Approved) => (
            t.subject_booking_confirmed(&title),
            summary(&t.lead_booking_approved(host, department)).invite(invite()),
        ),
        (K::CustomerConfirmation, _) => (
            t.subject_booking_confirmed(&title),
            summary(&t.lead_booking_confirmed(host, department)).invite(invite()),
        ),
        (K::CustomerRejected, notice) => {
            let reason = match notice {
                Notice::Rejected { reason } => reason.as_str(),
                _ => "",
            };
            (
                t.subject_request_declined(&title),
                customer_summary(
                    t,
                    facts,
                    zone,
                    &t.lead_request_declined(reason),
                    &Links::none(),
                )
                .link(t.link_choose_another_time(), &book_again(facts, context)),
            )
        }
        (K::CustomerCancelled, notice) => {
            let (by_customer, reason, cut) = match notice {
                Notice::Cancelled { by, reason, series } => {
                    (*by == ActorRole::Customer, reason.as_deref(), *series)
                }
                _ => (false, None, None),
            };
            let from = span(t, booking.span, zone);
            let lead = if by_customer {
                t.lead_cancelled_as_asked(scope(cut), &from)
            } else {
                t.lead_cancelled_for_customer(scope(cut), &from)
            };
            (
                t.subject_booking_cancelled(&title),
                customer_summary(
                    t,
                    facts,
                    zone,
                    &with_reason(t, lead, reason),
                    &Links::none(),
                )
                .link(t.link_book_new_time(), &book_again(facts, context))
                .invite(invite()),
            )
        }
        (K::CustomerRescheduled, notice) => (
            t.subject_booking_rescheduled(&title),
            summary(&moved(t, notice, zone)).invite(invite()),
        ),
        (K::CustomerReassigned, _) => (
            t.subject_new_host(&title),
            summary(&t.lead_new_host(host, department)).invite(invite()),
        ),
        (K::CustomerVideoLink, _) => (
            t.subject_video_link_for_customer(&title),
            summary(&video_lead(t, facts)).invite(invite()),
        ),
        (K::CustomerUpdated, notice) => (
            t.subject_booking_updated(&title),
            summary(&updated_lead(t, notice)).invite(invite()),
        ),
        (K::CustomerNoShow, _) => (
            t.subject_no_show(&title),
            customer_summary(t, facts, zone, t.lead_no_show(), &Links::none())
                .link(t.link_book_new_time(), &book_again(facts, context)),
        ),
        (K::CustomerThankYou, _) => {
            let follow_up = &facts.meeting_type.follow_up;
            let mut body = Body::new(t, &t.lead_thank_you(host, department))
                .line(t.label_reference(), booking.reference.as_str())
                .line(t.label_meeting(), &facts.meeting_type.name)
                .line(t.label_when(), &span(t, booking.span, zone));
            if let Some(next) = &follow_up.next_steps {
                body = body.line(t.label_next_steps(), next);
            }
            if let Some(url) = &follow_up.feedback_url {
                body = body.link(t.link_feedback(), url);
            }
            (
                t.subject_thank_you(department),
                body.link(t.link_book_another(), &book_again(facts, context)),
            )
        }
        // Reminders, and any kind the matrix might one day send a customer.
        _ => {
            let when = until(t, booking.span.start() - context.now);
            (
                t.subject_reminder(&title, &when),
                summary(&t.lead_reminder_customer(&when)),
            )
        }
    }
}

/// What a staff member reads for `kind`, in their zone and language.
fn staff_email(
    t: Texts,
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    kind: MessageKind,
    person: &StaffUser,
) -> (String, Body) {
    use MessageKind as K;
    let booking = facts.booking;
    let zone = person.timezone;
    let host = facts.host.full_name.as_str();
    let meeting = booking.title.as_str();
    let title = t.meeting_with_department(&facts.meeting_type.name, &facts.department.name);
    let summary = |lead: &str| staff_summary(t, context, facts, zone, lead);
    let invite = || invite(t, facts, context);
    let acting_staff = facts.actor.filter(|a| a.id != facts.host.id);
    let cancelled_lead = || match facts.notice {
        Notice::Cancelled { by, reason, series } => {
            let lead = if *by == ActorRole::Customer {
                t.lead_customer_cancelled(scope(*series))
            } else {
                t.lead_meeting_cancelled(scope(*series))
            };
            with_reason(t, lead, reason.as_deref())
        }
        _ => t.lead_meeting_cancelled(scope(None)),
    };
    let reassigned_lead = || match facts.notice {
        Notice::Reassigned {
            previous_host,
            series,
        } => t.lead_reassigned(scope(*series), &previous_host.full_name, host),
        _ => t.lead_reassigned_to(host),
    };
    match kind {
        K::InternalInvitation => {
            let lead = match facts.actor {
                Some(creator) if creator.id != person.id => t.lead_invites_you(&creator.full_name),
                _ => t.lead_you_are_invited().to_owned(),
            };
            let mut body = summary(&lead);
            if let Some(url) = &context.links.answer_url {
                body = body.link(t.link_answer_invitation(), url);
            }
            (t.subject_invitation(meeting), body.invite(invite()))
        }
        K::ParticipantDeclined => {
            let who = match facts.notice {
                Notice::Declined { participant } => facts
                    .participants
                    .iter()
                    .find(|p| p.id == *participant)
                    .map_or(t.a_participant(), |p| p.full_name.as_str()),
                _ => t.a_participant(),
            };
            (t.subject_declined(meeting), summary(&t.lead_declined(who)))
        }
        K::InternalCreated => (
            t.subject_meeting_created(meeting),
            summary(t.lead_meeting_created()),
        ),
        K::HostNewBooking if booking.status == BookingStatus::Pending => (
            t.subject_new_booking(&title),
            summary(t.lead_new_booking_awaits_approval()),
        ),
        K::HostNewBooking if person.id != facts.host.id => (
            t.subject_new_booking(&title),
            summary(&t.lead_you_co_host(host)).invite(invite()),
        ),
        K::HostNewBooking => {
            let lead = match acting_staff {
                Some(actor) => t.lead_booked_for_you(&actor.full_name),
                None => t.lead_new_booking().to_owned(),
            };
            (
                t.subject_new_booking(&title),
                summary(&lead).invite(invite()),
            )
        }
        K::ApprovalRequest => (
            t.subject_approval_needed(&title),
            summary(t.lead_approval_needed()),
        ),
        K::BookingCreated => (
            t.subject_booking_created(&title),
            summary(&t.lead_booking_created(host)),
        ),
        K::LeaderNewBooking | K::AdminNewBooking => (
            t.subject_new_booking(&title),
            summary(&t.lead_department_new_booking(&facts.department.name, host)),
        ),
        K::HostBookingApproved => (
            t.subject_booking_approved(&title),
            summary(t.lead_booking_approved_host()).invite(invite()),
        ),
        K::HostCancelled => (
            t.subject_cancelled(meeting),
            summary(&cancelled_lead()).invite(invite()),
        ),
        K::LeaderCancelled | K::AdminCancelled => {
            (t.subject_cancelled(meeting), summary(&cancelled_lead()))
        }
        K::HostRescheduled => (
            t.subject_rescheduled(meeting),
            summary(&moved(t, facts.notice, zone)).invite(invite()),
        ),
        K::LeaderRescheduled | K::AdminRescheduled => (
            t.subject_rescheduled(meeting),
            summary(&moved(t, facts.notice, zone)),
        ),
        K::OldHostReassigned => (
            t.subject_reassigned_away(meeting),
            summary(&t.lead_reassigned_away(host)),
        ),
        K::NewHostReassigned => (
            t.subject_assigned_to_you(meeting),
            summary(t.lead_assigned_to_you()).invite(invite()),
        ),
        K::LeaderReassigned | K::AdminReassigned => {
            (t.subject_reassigned(meeting), summary(&reassigned_lead()))
        }
        K::CoHostAdded => {
            let lead = match facts.actor {
                Some(actor) if actor.id != person.id => {
                    t.lead_added_as_co_host(&actor.full_name, host)
                }
                _ => t.lead_you_co_host(host),
            };
            (
                t.subject_co_hosting(meeting),
                summary(&lead).invite(invite()),
            )
        }
        K::CoHostRemoved => (
            t.subject_no_longer_co_hosting(meeting),
            summary(&t.lead_no_longer_co_hosting(host)).invite(withdrawn_invite(t, facts, context)),
        ),
        K::HostUpdated => (
            t.subject_updated(meeting),
            summary(&updated_lead(t, facts.notice)).invite(invite()),
        ),
        K::HostVideoLink => (
            t.subject_video_link(meeting),
            summary(&video_lead(t, facts)).invite(invite()),
        ),
        // Reminders, and the customer kinds, which never go to staff.
        _ => {
            let when = until(t, booking.span.start() - context.now);
            (
                t.subject_reminder(meeting, &when),
                summary(&t.lead_reminder_staff(&when)),
            )
        }
    }
}

/// `This meeting has moved from …` in `zone`, for a reschedule.
fn moved(t: Texts, notice: &Notice, zone: TimeZone) -> String {
    match notice {
        Notice::Rescheduled { previous, series } => {
            t.lead_moved(scope(*series), &span(t, *previous, zone))
        }
        _ => t.lead_moved_somewhere().to_owned(),
    }
}

/// What an edit changed, as the people in the meeting read it.
fn updated_lead(t: Texts, notice: &Notice) -> String {
    let fields: &[String] = match notice {
        Notice::Updated { fields } => fields,
        _ => &[],
    };
    let mut what: Vec<&str> = Vec::new();
    for field in fields {
        let phrase = match field.as_str() {
            "title" => t.updated_title(),
            "physical_location" => t.updated_place(),
            "meeting_link" => t.updated_meeting_link(),
            _ => t.updated_contact_details(),
        };
        if !what.contains(&phrase) {
            what.push(phrase);
        }
    }
    match what.as_slice() {
        [] => t.lead_updated_details().to_owned(),
        [one] => t.lead_updated(one),
        [rest @ .., last] => t.lead_updated(&t.list_last_two(&rest.join(", "), last)),
    }
}

fn video_lead(t: Texts, facts: &BookingFacts<'_>) -> String {
    t.lead_video_link(facts.booking.meeting_link.as_deref().unwrap_or_default())
}

/// How long until the meeting: `in 24 hours`, `in 1 hour`, `in 45 minutes`.
pub(crate) fn until(t: Texts, left: chrono::Duration) -> String {
    let minutes = (left.num_seconds() + 59).div_euclid(60).max(1);
    // A reminder a few minutes late still reads as its round hour.
    let hours = (minutes + 5) / 60;
    let count = |n: i64| u64::try_from(n).unwrap_or_default();
    match hours {
        0 => t.until_minutes(count(minutes)),
        h => t.until_hours(count(h)),
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

fn invite(t: Texts, facts: &BookingFacts<'_>, context: &Context<'_>) -> String {
    render_invite(t, facts, context, invite_event(facts))
}

/// The invite's cancellation for someone no longer in the meeting, which goes on without them.
fn withdrawn_invite(t: Texts, facts: &BookingFacts<'_>, context: &Context<'_>) -> String {
    let event = ics::InviteEvent {
        cancelled: true,
        ..invite_event(facts)
    };
    render_invite(t, facts, context, event)
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
    t: Texts,
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
    // What the meeting is about, then its reference and the reader's own links, in their
    // language: a calendar keeps the invite long after the email is gone.
    let mut description: Vec<String> = booking
        .meeting_agenda
        .as_deref()
        .or(facts.meeting_type.description.as_deref())
        .map(|about| vec![about.to_owned(), String::new()])
        .unwrap_or_default();
    description.push(format!(
        "{}: {}",
        t.label_reference(),
        booking.reference.as_str()
    ));
    for (label, url) in [
        (t.link_reschedule(), &context.links.reschedule_url),
        (t.link_cancel(), &context.links.cancel_url),
    ] {
        if let Some(url) = url {
            description.push(format!("{label}: {url}"));
        }
    }
    ics::render(&Invite {
        event,
        summary: &booking.title,
        description: &description.join("\n"),
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

/// `Monday 29 March 2027, 09:00–10:00 (Europe/Copenhagen)` / `mandag den 29. marts 2027 kl.
/// 09:00–10:00 (Europe/Copenhagen)`.
pub fn span(t: Texts, span: Interval, zone: TimeZone) -> String {
    let start = zone.local(span.start());
    let end = zone.local(span.end());
    t.time_span(
        &t.long_date(start.date_naive()),
        &t.time(start.time()),
        &t.time(end.time()),
        zone.name(),
    )
}

/// For a meeting of a series: how often it repeats and every meeting that still takes place,
/// in `zone` (nothing once none does).
fn series_lines(t: Texts, body: Body, facts: &BookingFacts<'_>, zone: TimeZone) -> Body {
    let Some(series) = facts.series.filter(|s| !s.held.is_empty()) else {
        return body;
    };
    let how_often = match series.series.recurrence.frequency() {
        Frequency::Weekly => t.repeats_weekly(),
        Frequency::Biweekly => t.repeats_biweekly(),
        Frequency::Monthly => t.repeats_monthly(),
    };
    let meetings: Vec<String> = series
        .held
        .iter()
        .map(|(_, meeting)| span(t, *meeting, zone))
        .collect();
    let count = u64::try_from(series.held.len()).unwrap_or(u64::MAX);
    body.line(t.label_repeats(), &t.repeats_line(how_often, count))
        .line(t.label_meetings(), &meetings.join("; "))
}

/// The customer's view: what, when in their zone and the department's, and their links.
fn customer_summary(
    t: Texts,
    facts: &BookingFacts<'_>,
    zone: TimeZone,
    lead: &str,
    links: &Links,
) -> Body {
    let booking = facts.booking;
    let mut body = Body::new(t, lead)
        .line(t.label_reference(), booking.reference.as_str())
        .line(t.label_department(), &facts.department.name)
        .line(t.label_meeting(), &facts.meeting_type.name)
        .line(t.label_when(), &span(t, booking.span, zone));
    if zone != booking.timezone {
        body = body.line(
            t.label_department_time(),
            &span(t, booking.span, booking.timezone),
        );
    }
    body = series_lines(t, body, facts, zone);
    if let Some(place) = location(facts) {
        body = body.line(t.label_where(), place);
    }
    if let Some(url) = &links.reschedule_url {
        body = body.link(t.link_reschedule(), url);
    }
    if let Some(url) = &links.cancel_url {
        body = body.link(t.link_cancel(), url);
    }
    body
}

/// The staff view: the customer's details and answers, in the staff member's zone.
fn staff_summary(
    t: Texts,
    context: &Context<'_>,
    facts: &BookingFacts<'_>,
    zone: TimeZone,
    lead: &str,
) -> Body {
    let booking = facts.booking;
    let mut body = Body::new(t, lead)
        .line(t.label_reference(), booking.reference.as_str())
        .line(t.label_meeting(), &booking.title)
        .line(t.label_when(), &span(t, booking.span, zone));
    body = series_lines(t, body, facts, zone).line(t.label_host(), &facts.host.full_name);
    let co_hosts: Vec<&str> = booking.co_hosts().map(|p| p.name.as_str()).collect();
    if !co_hosts.is_empty() {
        body = body.line(t.label_co_hosts(), &co_hosts.join(", "));
    }
    if let Some(c) = &booking.customer {
        body = body
            .line(t.label_customer(), &c.name)
            .line(t.label_email(), c.email.as_str());
        if let Some(phone) = &c.phone {
            body = body.line(t.label_phone(), phone.as_str());
        }
        if let Some(notes) = &c.notes {
            body = body.line(t.label_notes(), notes);
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
            Answer::Checked(true) => t.yes().to_owned(),
            Answer::Checked(false) => t.no().to_owned(),
        };
        body = body.line(label, &value);
    }
    if let Some(agenda) = &booking.meeting_agenda {
        body = body.line(t.label_agenda(), agenda);
    }
    if let Some(place) = location(facts) {
        body = body.line(t.label_where(), place);
    }
    body.link(
        t.link_open_booking(),
        &format!("{}/admin/bookings/{}", context.public_base_url, booking.id),
    )
}

/// A message as a lead sentence and labelled lines, rendered twice: as text and as HTML.
#[derive(Debug, Clone)]
struct Body {
    language: Language,
    lead: String,
    lines: Vec<(String, String)>,
    links: Vec<(String, String)>,
    ics: Option<String>,
}

impl Body {
    fn new(t: Texts, lead: &str) -> Self {
        Self {
            language: t.language(),
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
            "<!doctype html><html lang=\"{}\"><body><p>{}</p><table>",
            self.language.code(),
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
            language: self.language,
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
        let en = Language::En.texts();
        assert_eq!(
            until(en, Duration::hours(24) + Duration::seconds(20)),
            "in 24 hours"
        );
        assert_eq!(until(en, Duration::minutes(58)), "in 1 hour");
        assert_eq!(until(en, Duration::minutes(45)), "in 45 minutes");
        assert_eq!(until(en, Duration::seconds(30)), "in 1 minute");
        let da = Language::Da.texts();
        assert_eq!(until(da, Duration::hours(24)), "om 24 timer");
        assert_eq!(until(da, Duration::minutes(58)), "om 1 time");
        assert_eq!(until(da, Duration::minutes(45)), "om 45 minutter");
    }

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }
}
