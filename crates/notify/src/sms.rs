//! Text messages: the reminder SMS a meeting type's schedule asks for, in the customer's
//! language. [`crate::twilio`] sends them.

use mm_domain::notification::{BookingFacts, MessageKind, OutgoingSms};

use crate::email::{Context, location, until};

/// The reminder text message to the customer, when they gave a phone number.
pub(crate) fn text(
    facts: &BookingFacts<'_>,
    context: &Context<'_>,
    kind: MessageKind,
) -> Option<OutgoingSms> {
    let booking = facts.booking;
    let customer = booking.customer.as_ref()?;
    let phone = customer.phone.as_ref()?;
    let t = customer
        .language
        .unwrap_or(context.default_language)
        .texts();
    let start = customer.timezone.local(booking.span.start());
    let mut text = t.sms_reminder(
        &facts.meeting_type.name,
        &facts.department.name,
        &until(t, booking.span.start() - context.now),
        &t.short_date(start.date_naive()),
        &t.time(start.time()),
        customer.timezone.name(),
    );
    if let Some(place) = location(facts) {
        text.push(' ');
        text.push_str(place);
    }
    if let Some(url) = &context.links.reschedule_url {
        text.push(' ');
        text.push_str(&t.sms_change(url));
    }
    Some(OutgoingSms {
        kind,
        to: phone.clone(),
        text,
    })
}
