//! The emails a booking change causes: who gets which message, each with a plain-text and an
//! HTML part (every piece of user input escaped) and, where a calendar should change, an invite.

use chrono::{DateTime, Utc};
use mm_domain::{
    Email, Interval, TimeZone,
    booking::{ActorRole, Answer, BookingStatus, BookingType},
    notification::{BookingFacts, Notice, OutgoingEmail},
    user::StaffUser,
};

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
    pub uid_domain: &'a str,
    pub now: DateTime<Utc>,
}

/// Every email `facts.notice` causes.
pub fn render(facts: &BookingFacts<'_>, context: &Context<'_>) -> Vec<OutgoingEmail> {
    let booking = facts.booking;
    let mut out = Vec::new();
    let customer = booking.customer.as_ref();
    let to_customer = |kind, subject: String, body: Body| {
        customer.map(|c| body.into_email(kind, &c.email, Some(&c.name), subject))
    };
    let title = format!("{} with {}", facts.meeting_type.name, facts.department.name);
    let with_invite = |body: Body| body.invite(invite(facts, context));
    match facts.notice {
        Notice::Created if booking.booking_type == BookingType::Internal => {
            for person in std::iter::once(facts.host).chain(facts.participants) {
                out.push(
                    with_invite(staff_summary(
                        facts,
                        person.timezone,
                        "You are invited to a meeting.",
                    ))
                    .into_email(
                        "internal_invitation",
                        &person.email,
                        Some(&person.full_name),
                        format!("Invitation: {}", booking.title),
                    ),
                );
            }
        }
        Notice::Created => {
            let pending = booking.status == BookingStatus::Pending;
            if let Some(c) = customer {
                let (kind, subject, lead) = if pending {
                    (
                        "customer_pending",
                        format!("Booking request received: {title}"),
                        "We have received your booking request. It needs approval; we will write \
                         again as soon as it is confirmed."
                            .to_owned(),
                    )
                } else {
                    (
                        "customer_confirmation",
                        format!("Booking confirmed: {title}"),
                        format!(
                            "Your meeting will be with {} from {}.",
                            facts.host.full_name, facts.department.name
                        ),
                    )
                };
                let mut body = customer_summary(facts, c.timezone, &lead, &context.links);
                if !pending {
                    body = body.invite(invite(facts, context));
                }
                out.extend(to_customer(kind, subject, body));
            }
            let host_lead = if pending {
                "A new booking is assigned to you and waits for approval."
            } else {
                "A new booking is assigned to you."
            };
            out.push(
                with_invite(staff_summary(facts, facts.host.timezone, host_lead)).into_email(
                    "host_new_booking",
                    &facts.host.email,
                    Some(&facts.host.full_name),
                    format!("New booking: {title}"),
                ),
            );
            for (kind, person) in watchers(facts) {
                let lead = if pending {
                    "A booking waits for your approval."
                } else {
                    "A new booking was made in your department."
                };
                let kind = if pending { "approval_request" } else { kind };
                out.push(staff_summary(facts, person.timezone, lead).into_email(
                    kind,
                    &person.email,
                    Some(&person.full_name),
                    format!(
                        "{}: {title}",
                        if pending {
                            "Approval needed"
                        } else {
                            "New booking"
                        }
                    ),
                ));
            }
        }
        Notice::Approved => {
            if let Some(c) = customer {
                let lead = format!(
                    "Your booking is confirmed. Your meeting will be with {} from {}.",
                    facts.host.full_name, facts.department.name
                );
                out.extend(to_customer(
                    "customer_confirmation",
                    format!("Booking confirmed: {title}"),
                    with_invite(customer_summary(facts, c.timezone, &lead, &context.links)),
                ));
            }
            out.push(
                with_invite(staff_summary(
                    facts,
                    facts.host.timezone,
                    "A booking assigned to you was approved.",
                ))
                .into_email(
                    "host_booking_approved",
                    &facts.host.email,
                    Some(&facts.host.full_name),
                    format!("Booking approved: {title}"),
                ),
            );
        }
        Notice::Rejected { reason } => {
            if let Some(c) = customer {
                let lead = format!(
                    "We are sorry: your booking request could not be accepted. Reason: {reason}"
                );
                out.extend(to_customer(
                    "customer_rejected",
                    format!("Booking request declined: {title}"),
                    customer_summary(facts, c.timezone, &lead, &Links::none()),
                ));
            }
        }
        Notice::Cancelled { by, reason } => {
            let why = reason
                .as_deref()
                .map(|r| format!(" Reason: {r}"))
                .unwrap_or_default();
            if let Some(c) = customer {
                let lead = if *by == ActorRole::Customer {
                    format!("Your booking has been cancelled as you asked.{why}")
                } else {
                    format!("We are sorry: your booking has been cancelled.{why}")
                };
                out.extend(to_customer(
                    "customer_cancelled",
                    format!("Booking cancelled: {title}"),
                    with_invite(customer_summary(facts, c.timezone, &lead, &Links::none())),
                ));
            }
            let lead = format!("This meeting has been cancelled.{why}");
            for person in std::iter::once(facts.host).chain(facts.participants) {
                out.push(
                    with_invite(staff_summary(facts, person.timezone, &lead)).into_email(
                        "host_cancelled",
                        &person.email,
                        Some(&person.full_name),
                        format!("Cancelled: {}", booking.title),
                    ),
                );
            }
            for (_, person) in watchers(facts) {
                out.push(staff_summary(facts, person.timezone, &lead).into_email(
                    "leader_cancelled",
                    &person.email,
                    Some(&person.full_name),
                    format!("Cancelled: {}", booking.title),
                ));
            }
        }
        Notice::Rescheduled { previous } => {
            let moved =
                |zone: TimeZone| format!("This meeting has moved from {}.", span(*previous, zone));
            if let Some(c) = customer {
                out.extend(to_customer(
                    "customer_rescheduled",
                    format!("Booking rescheduled: {title}"),
                    with_invite(customer_summary(
                        facts,
                        c.timezone,
                        &moved(c.timezone),
                        &context.links,
                    )),
                ));
            }
            for person in std::iter::once(facts.host).chain(facts.participants) {
                out.push(
                    with_invite(staff_summary(
                        facts,
                        person.timezone,
                        &moved(person.timezone),
                    ))
                    .into_email(
                        "host_rescheduled",
                        &person.email,
                        Some(&person.full_name),
                        format!("Rescheduled: {}", booking.title),
                    ),
                );
            }
        }
        Notice::Reassigned { previous_host } => {
            if let Some(c) = customer {
                let lead = format!(
                    "Your meeting will now be with {} from {}.",
                    facts.host.full_name, facts.department.name
                );
                out.extend(to_customer(
                    "customer_reassigned",
                    format!("New host for your meeting: {title}"),
                    with_invite(customer_summary(facts, c.timezone, &lead, &context.links)),
                ));
            }
            out.push(
                staff_summary(
                    facts,
                    previous_host.timezone,
                    &format!(
                        "This meeting has been reassigned to {}; you no longer host it.",
                        facts.host.full_name
                    ),
                )
                .into_email(
                    "old_host_reassigned",
                    &previous_host.email,
                    Some(&previous_host.full_name),
                    format!("Reassigned away from you: {}", booking.title),
                ),
            );
            out.push(
                with_invite(staff_summary(
                    facts,
                    facts.host.timezone,
                    "This meeting has been assigned to you.",
                ))
                .into_email(
                    "new_host_reassigned",
                    &facts.host.email,
                    Some(&facts.host.full_name),
                    format!("Assigned to you: {}", booking.title),
                ),
            );
            let lead = format!(
                "This meeting has been reassigned from {} to {}.",
                previous_host.full_name, facts.host.full_name
            );
            for (_, person) in watchers(facts) {
                out.push(staff_summary(facts, person.timezone, &lead).into_email(
                    "leader_reassigned",
                    &person.email,
                    Some(&person.full_name),
                    format!("Reassigned: {}", booking.title),
                ));
            }
        }
    }
    out
}

impl Links {
    pub fn none() -> Self {
        Self {
            cancel_url: None,
            reschedule_url: None,
        }
    }
}

/// The leader and admins the department wants told, each once, never the host again.
fn watchers<'a>(facts: &BookingFacts<'a>) -> Vec<(&'static str, &'a StaffUser)> {
    let mut found: Vec<(&'static str, &StaffUser)> = Vec::new();
    if let Some(leader) = facts.leader {
        found.push(("leader_new_booking", leader));
    }
    for admin in facts.admins {
        found.push(("admin_new_booking", admin));
    }
    let mut seen = vec![facts.host.id];
    found.retain(|(_, p)| {
        let fresh = !seen.contains(&p.id);
        seen.push(p.id);
        fresh
    });
    found
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
        booking,
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

fn location<'a>(facts: &BookingFacts<'a>) -> Option<&'a str> {
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
fn staff_summary(facts: &BookingFacts<'_>, zone: TimeZone, lead: &str) -> Body {
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
    body
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
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }
}
