//! The emails a booking change causes: who gets which message, each with a plain-text and an
//! HTML part (every piece of user input escaped) and, where a calendar should change, an invite.

use chrono::{DateTime, Utc};
use mm_domain::{
    Email, Interval, TimeZone,
    booking::{ActorRole, Answer, BookingStatus, BookingType},
    meeting_type::ReminderChannel,
    notification::{BookingFacts, Notice, OutgoingEmail},
    user::StaffUser,
};

use uuid::Uuid;

use crate::ics::{self, Invite, Person};

/// The customer's self-service links, when they still work.
#[derive(Debug, Clone)]
pub struct Links {
    pub cancel_url: Option<String>,
    pub reschedule_url: Option<String>,
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

/// Every email `facts.notice` causes.
pub fn render(facts: &BookingFacts<'_>, context: &Context<'_>) -> Vec<OutgoingEmail> {
    let booking = facts.booking;
    let mut out = Outbox::default();
    let title = format!("{} with {}", facts.meeting_type.name, facts.department.name);
    let invite = || invite(facts, context);
    // The staff user who acted, when they are not the host: they get a confirmation instead of
    // the host's notice.
    let acting_staff = facts.actor.filter(|a| a.id != facts.host.id);
    match facts.notice {
        Notice::Created if booking.booking_type == BookingType::Internal => {
            for person in facts.attendees() {
                let lead = match facts.actor {
                    Some(creator) if creator.id != person.id => {
                        format!("{} invites you to a meeting.", creator.full_name)
                    }
                    _ => "You are invited to a meeting.".to_owned(),
                };
                out.staff(
                    "internal_invitation",
                    person,
                    format!("Invitation: {}", booking.title),
                    staff_summary(context, facts, person.timezone, &lead).invite(invite()),
                );
            }
            if let Some(creator) = facts.actor.filter(|a| !facts.attends(a.id)) {
                out.staff(
                    "internal_created",
                    creator,
                    format!("Meeting created: {}", booking.title),
                    staff_summary(
                        context,
                        facts,
                        creator.timezone,
                        "The meeting is created and everyone is invited.",
                    ),
                );
            }
        }
        Notice::Created if booking.status == BookingStatus::Pending => {
            out.customer(
                facts,
                "customer_pending",
                format!("Booking request received: {title}"),
                |zone| {
                    customer_summary(
                        facts,
                        zone,
                        "We have received your booking request. It needs approval; we will \
                         write again as soon as it is confirmed.",
                        &context.links,
                    )
                },
            );
            out.staff(
                "host_new_booking",
                facts.host,
                format!("New booking: {title}"),
                staff_summary(
                    context,
                    facts,
                    facts.host.timezone,
                    "A new booking is assigned to you and waits for approval.",
                ),
            );
            let approvers = facts.approvers.iter().chain(watchers(facts));
            for person in distinct(approvers, &[facts.host.id]) {
                out.staff(
                    "approval_request",
                    person,
                    format!("Approval needed: {title}"),
                    staff_summary(
                        context,
                        facts,
                        person.timezone,
                        "A booking waits for your approval.",
                    ),
                );
            }
        }
        Notice::Created => {
            out.customer(
                facts,
                "customer_confirmation",
                format!("Booking confirmed: {title}"),
                |zone| {
                    let lead = format!(
                        "Your meeting will be with {} from {}.",
                        facts.host.full_name, facts.department.name
                    );
                    customer_summary(facts, zone, &lead, &context.links).invite(invite())
                },
            );
            let host_lead = match acting_staff {
                Some(actor) => format!("{} booked this meeting for you.", actor.full_name),
                None => "A new booking is assigned to you.".to_owned(),
            };
            out.staff(
                "host_new_booking",
                facts.host,
                format!("New booking: {title}"),
                staff_summary(context, facts, facts.host.timezone, &host_lead).invite(invite()),
            );
            if let Some(actor) = acting_staff {
                out.staff(
                    "booking_created",
                    actor,
                    format!("Booking created: {title}"),
                    staff_summary(
                        context,
                        facts,
                        actor.timezone,
                        &format!(
                            "You booked this meeting for {}; the customer has been told.",
                            facts.host.full_name
                        ),
                    ),
                );
            }
            let skip = [Some(facts.host.id), acting_staff.map(|a| a.id)];
            for person in distinct(
                watchers(facts),
                &skip.into_iter().flatten().collect::<Vec<_>>(),
            ) {
                out.staff(
                    watcher_kind(facts, person, ("leader_new_booking", "admin_new_booking")),
                    person,
                    format!("New booking: {title}"),
                    staff_summary(
                        context,
                        facts,
                        person.timezone,
                        &format!(
                            "A new booking in {} is assigned to {}.",
                            facts.department.name, facts.host.full_name
                        ),
                    ),
                );
            }
        }
        Notice::Approved => {
            out.customer(
                facts,
                "customer_confirmation",
                format!("Booking confirmed: {title}"),
                |zone| {
                    let lead = format!(
                        "Your booking is confirmed. Your meeting will be with {} from {}.",
                        facts.host.full_name, facts.department.name
                    );
                    customer_summary(facts, zone, &lead, &context.links).invite(invite())
                },
            );
            out.staff(
                "host_booking_approved",
                facts.host,
                format!("Booking approved: {title}"),
                staff_summary(
                    context,
                    facts,
                    facts.host.timezone,
                    "A booking assigned to you was approved.",
                )
                .invite(invite()),
            );
        }
        Notice::Rejected { reason } => {
            out.customer(
                facts,
                "customer_rejected",
                format!("Booking request declined: {title}"),
                |zone| {
                    let lead = format!(
                        "We are sorry: your booking request could not be accepted. Reason: {reason}"
                    );
                    customer_summary(facts, zone, &lead, &Links::none())
                        .link("Choose another time", &book_again(facts, context))
                },
            );
        }
        Notice::Cancelled { by, reason } => {
            let why = reason
                .as_deref()
                .map(|r| format!(" Reason: {r}"))
                .unwrap_or_default();
            let by_customer = *by == ActorRole::Customer;
            out.customer(
                facts,
                "customer_cancelled",
                format!("Booking cancelled: {title}"),
                |zone| {
                    let lead = if by_customer {
                        format!("Your booking has been cancelled as you asked.{why}")
                    } else {
                        format!("We are sorry: your booking has been cancelled.{why}")
                    };
                    customer_summary(facts, zone, &lead, &Links::none())
                        .link("Book a new time", &book_again(facts, context))
                        .invite(invite())
                },
            );
            let lead = if by_customer {
                format!("The customer cancelled this meeting.{why}")
            } else {
                format!("This meeting has been cancelled.{why}")
            };
            for person in facts.attendees() {
                out.staff(
                    "host_cancelled",
                    person,
                    format!("Cancelled: {}", booking.title),
                    staff_summary(context, facts, person.timezone, &lead).invite(invite()),
                );
            }
            // Staff who cancel have told whoever they meant to; a customer's cancellation is
            // news to the people watching the department.
            if by_customer {
                for person in distinct(watchers(facts), &[facts.host.id]) {
                    out.staff(
                        watcher_kind(facts, person, ("leader_cancelled", "admin_cancelled")),
                        person,
                        format!("Cancelled: {}", booking.title),
                        staff_summary(context, facts, person.timezone, &lead),
                    );
                }
            }
        }
        Notice::Rescheduled { previous } => {
            let moved =
                |zone: TimeZone| format!("This meeting has moved from {}.", span(*previous, zone));
            out.customer(
                facts,
                "customer_rescheduled",
                format!("Booking rescheduled: {title}"),
                |zone| customer_summary(facts, zone, &moved(zone), &context.links).invite(invite()),
            );
            for person in facts.attendees() {
                out.staff(
                    "host_rescheduled",
                    person,
                    format!("Rescheduled: {}", booking.title),
                    staff_summary(context, facts, person.timezone, &moved(person.timezone))
                        .invite(invite()),
                );
            }
            let skip: Vec<Uuid> = facts.attendees().map(|p| p.id).collect();
            for person in distinct(watchers(facts), &skip) {
                out.staff(
                    watcher_kind(facts, person, ("leader_rescheduled", "admin_rescheduled")),
                    person,
                    format!("Rescheduled: {}", booking.title),
                    staff_summary(context, facts, person.timezone, &moved(person.timezone)),
                );
            }
        }
        Notice::Reassigned { previous_host } => {
            out.customer(
                facts,
                "customer_reassigned",
                format!("New host for your meeting: {title}"),
                |zone| {
                    let lead = format!(
                        "Your meeting host has been changed: your meeting will now be with {} \
                         from {}.",
                        facts.host.full_name, facts.department.name
                    );
                    customer_summary(facts, zone, &lead, &context.links).invite(invite())
                },
            );
            out.staff(
                "old_host_reassigned",
                previous_host,
                format!("Reassigned away from you: {}", booking.title),
                staff_summary(
                    context,
                    facts,
                    previous_host.timezone,
                    &format!(
                        "This meeting has been reassigned to {}; you no longer host it.",
                        facts.host.full_name
                    ),
                ),
            );
            out.staff(
                "new_host_reassigned",
                facts.host,
                format!("Assigned to you: {}", booking.title),
                staff_summary(
                    context,
                    facts,
                    facts.host.timezone,
                    "This meeting has been assigned to you.",
                )
                .invite(invite()),
            );
            let lead = format!(
                "This meeting has been reassigned from {} to {}.",
                previous_host.full_name, facts.host.full_name
            );
            for person in distinct(watchers(facts), &[facts.host.id, previous_host.id]) {
                out.staff(
                    watcher_kind(facts, person, ("leader_reassigned", "admin_reassigned")),
                    person,
                    format!("Reassigned: {}", booking.title),
                    staff_summary(context, facts, person.timezone, &lead),
                );
            }
        }
        Notice::Reminder { channel, .. } if *channel == ReminderChannel::Sms => {}
        Notice::Reminder { .. } => {
            let when = until(booking.span.start() - context.now);
            out.customer(
                facts,
                "customer_reminder",
                format!("Reminder: {title} {when}"),
                |zone| {
                    let lead = format!("A reminder: your meeting starts {when}.");
                    customer_summary(facts, zone, &lead, &context.links)
                },
            );
            for person in facts.attendees() {
                out.staff(
                    "host_reminder",
                    person,
                    format!("Reminder: {} {when}", booking.title),
                    staff_summary(
                        context,
                        facts,
                        person.timezone,
                        &format!("This meeting starts {when}."),
                    ),
                );
            }
        }
        Notice::VideoLinkReady => {
            let link = booking.meeting_link.as_deref().unwrap_or_default();
            let lead = format!("Your meeting now has a video link: {link}");
            out.customer(
                facts,
                "customer_video_link",
                format!("Video link for your meeting: {title}"),
                |zone| customer_summary(facts, zone, &lead, &context.links).invite(invite()),
            );
            for person in facts.attendees() {
                out.staff(
                    "host_video_link",
                    person,
                    format!("Video link: {}", booking.title),
                    staff_summary(context, facts, person.timezone, &lead).invite(invite()),
                );
            }
        }
        Notice::ThankYou => {
            let follow_up = &facts.meeting_type.follow_up;
            out.customer(
                facts,
                "customer_thank_you",
                format!("Thank you for your meeting with {}", facts.department.name),
                |zone| {
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
                    body.link("Book another meeting", &book_again(facts, context))
                },
            );
        }
    }
    out.emails
}

/// The emails of one change, in the order they are queued.
#[derive(Default)]
struct Outbox {
    emails: Vec<OutgoingEmail>,
}

impl Outbox {
    /// Writes to the booking's customer, if it has one, in their zone.
    fn customer(
        &mut self,
        facts: &BookingFacts<'_>,
        kind: &'static str,
        subject: String,
        body: impl FnOnce(TimeZone) -> Body,
    ) {
        if let Some(c) = &facts.booking.customer {
            self.emails
                .push(body(c.timezone).into_email(kind, &c.email, Some(&c.name), subject));
        }
    }

    fn staff(&mut self, kind: &'static str, to: &StaffUser, subject: String, body: Body) {
        self.emails
            .push(body.into_email(kind, &to.email, Some(&to.full_name), subject));
    }
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
        }
    }
}

/// The leader and admins the department wants told of its bookings.
fn watchers<'a>(facts: &BookingFacts<'a>) -> impl Iterator<Item = &'a StaffUser> + use<'a> {
    facts.leader.into_iter().chain(facts.admins)
}

/// The email kind a watcher gets: the first of `kinds` for the department's leader, the second
/// for a System Manager.
fn watcher_kind(
    facts: &BookingFacts<'_>,
    person: &StaffUser,
    kinds: (&'static str, &'static str),
) -> &'static str {
    if facts.leader.is_some_and(|l| l.id == person.id) {
        kinds.0
    } else {
        kinds.1
    }
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

fn invite(facts: &BookingFacts<'_>, context: &Context<'_>) -> String {
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
        event: ics::InviteEvent::of(booking),
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
        .line("When", &span(booking.span, zone))
        .line("Host", &facts.host.full_name);
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
        kind: &'static str,
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
