# Meeting Manager in English: the reference language. Every message here must be in every
# other locales/*.ftl too (the build fails otherwise). Variables are written { $name }; a
# count chooses its form with [one] and *[other].

-language-name = English
-brand = Meeting Manager

## Dates and times

weekday-name = { $day ->
    [1] Monday
    [2] Tuesday
    [3] Wednesday
    [4] Thursday
    [5] Friday
    [6] Saturday
   *[7] Sunday
}
weekday-abbreviation = { $day ->
    [1] Mon
    [2] Tue
    [3] Wed
    [4] Thu
    [5] Fri
    [6] Sat
   *[7] Sun
}
month-name = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
}
month-abbreviation = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
# Tuesday 4 June 2019
date-long = { $weekday } { $day } { $month } { $year }
# Tue 4 Jun
date-short = { $weekday } { $day } { $month }
# Tuesday 4 June 2019, 09:00–10:00 (Europe/Copenhagen)
time-span = { $date }, { $start }–{ $end } ({ $zone })
until-minutes = { $minutes ->
    [one] in 1 minute
   *[other] in { $minutes } minutes
}
until-hours = { $hours ->
    [one] in 1 hour
   *[other] in { $hours } hours
}
meeting-count = { $count ->
    [one] 1 meeting
   *[other] { $count } meetings
}
# A list's last two items: "the title and the place".
list-last-two = { $rest } and { $last }
yes = yes
no = no

## Labels of an email's lines and links

label-reference = Reference
label-department = Department
label-meeting = Meeting
label-when = When
label-department-time = Department time
label-where = Where
label-repeats = Repeats
label-meetings = Meetings
label-host = Host
label-co-hosts = Co-hosts
label-customer = Customer
label-email = Email
label-phone = Phone
label-notes = Notes
label-agenda = Agenda
label-next-steps = Next steps
label-receiver = Receiver
label-description = Description
link-reschedule = Reschedule
link-cancel = Cancel
link-choose-another-time = Choose another time
link-book-new-time = Book a new time
link-book-another = Book another meeting
link-feedback = Tell us how it went
link-answer-invitation = Accept, decline or say maybe
link-open-booking = Open in { -brand } (reschedule, reassign or cancel)
link-open-webhooks = Open your webhooks
repeats-weekly = every week
repeats-biweekly = every other week
repeats-monthly = every month, on the same weekday
# every week, 6 meetings
repeats-line = { $how }, { $count ->
    [one] 1 meeting
   *[other] { $count } meetings
}

## Emails to the customer

# The subject's name for a meeting: "Consultation with Support".
meeting-with-department = { $meeting } with { $department }
subject-request-received = Booking request received: { $title }
lead-request-received = We have received your booking request. It needs approval; we will write again as soon as it is confirmed.
subject-booking-confirmed = Booking confirmed: { $title }
lead-booking-approved = Your booking is confirmed. Your meeting will be with { $host } from { $department }.
lead-booking-confirmed = Your meeting will be with { $host } from { $department }.
subject-request-declined = Booking request declined: { $title }
lead-request-declined = We are sorry: your booking request could not be accepted. Reason: { $reason }
subject-booking-cancelled = Booking cancelled: { $title }
# $scope is one, following (from the date $from on) or series.
lead-cancelled-as-asked = { $scope ->
    [series] Every meeting of your series has been cancelled as you asked.
    [following] The meetings of your series from { $from } on have been cancelled as you asked.
   *[one] Your booking has been cancelled as you asked.
}
lead-cancelled-for-customer = { $scope ->
    [series] We are sorry: every meeting of your series has been cancelled.
    [following] We are sorry: the meetings of your series from { $from } on have been cancelled.
   *[one] We are sorry: your booking has been cancelled.
}
# Appended to a sentence when a reason was given.
reason-given = Reason: { $reason }
subject-booking-rescheduled = Booking rescheduled: { $title }
subject-new-host = New host for your meeting: { $title }
lead-new-host = Your meeting host has been changed: your meeting will now be with { $host } from { $department }.
subject-video-link-for-customer = Video link for your meeting: { $title }
lead-video-link = Your meeting now has a video link: { $link }
subject-booking-updated = Booking updated: { $title }
subject-no-show = We missed you: { $title }
lead-no-show = We are sorry we missed you at your meeting. If you would still like to meet, choose a new time that suits you.
subject-thank-you = Thank you for your meeting with { $department }
lead-thank-you = Thank you for meeting with { $host } from { $department }.
subject-reminder = Reminder: { $title } { $when }
lead-reminder-customer = A reminder: your meeting starts { $when }.

## What changed, for customer and staff alike

lead-moved = { $scope ->
    [series] This meeting has moved from { $from }, and every other meeting of its series with it.
    [following] This meeting has moved from { $from }, and the later meetings of its series with it.
   *[one] This meeting has moved from { $from }.
}
lead-moved-somewhere = This meeting has moved.
updated-title = the title
updated-place = the place
updated-meeting-link = the meeting link
updated-contact-details = the contact details
lead-updated = We have updated { $what }; the new invite replaces the old one.
lead-updated-details = The meeting's details have been updated; the new invite replaces the old one.

## Emails to staff

lead-invites-you = { $name } invites you to a meeting.
lead-you-are-invited = You are invited to a meeting.
subject-invitation = Invitation: { $title }
a-participant = A participant
subject-declined = Declined: { $title }
lead-declined = { $name } declined this meeting.
subject-meeting-created = Meeting created: { $title }
lead-meeting-created = The meeting is created and everyone is invited.
subject-new-booking = New booking: { $title }
lead-new-booking-awaits-approval = A new booking is assigned to you and waits for approval.
lead-you-co-host = You co-host this meeting with { $host }.
lead-booked-for-you = { $name } booked this meeting for you.
lead-new-booking = A new booking is assigned to you.
subject-approval-needed = Approval needed: { $title }
lead-approval-needed = A booking waits for your approval.
subject-booking-created = Booking created: { $title }
lead-booking-created = You booked this meeting for { $host }; the customer has been told.
lead-department-new-booking = A new booking in { $department } is assigned to { $host }.
subject-booking-approved = Booking approved: { $title }
lead-booking-approved-host = A booking assigned to you was approved.
subject-cancelled = Cancelled: { $title }
lead-customer-cancelled = { $scope ->
    [series] The customer cancelled every meeting of this series.
    [following] The customer cancelled this meeting and the later ones of its series.
   *[one] The customer cancelled this meeting.
}
lead-meeting-cancelled = { $scope ->
    [series] Every meeting of this series has been cancelled.
    [following] This meeting and the later ones of its series have been cancelled.
   *[one] This meeting has been cancelled.
}
subject-rescheduled = Rescheduled: { $title }
subject-reassigned-away = Reassigned away from you: { $title }
lead-reassigned-away = This meeting has been reassigned to { $host }; you no longer host it.
subject-assigned-to-you = Assigned to you: { $title }
lead-assigned-to-you = This meeting has been assigned to you.
subject-reassigned = Reassigned: { $title }
lead-reassigned = { $scope ->
    [series] This meeting has been reassigned from { $from } to { $to }, with every other meeting of its series.
    [following] This meeting has been reassigned from { $from } to { $to }, with the later meetings of its series.
   *[one] This meeting has been reassigned from { $from } to { $to }.
}
lead-reassigned-to = This meeting has been reassigned to { $to }.
subject-co-hosting = Co-hosting: { $title }
lead-added-as-co-host = { $name } added you as a co-host of this meeting, with { $host }.
subject-no-longer-co-hosting = No longer co-hosting: { $title }
lead-no-longer-co-hosting = You no longer co-host this meeting; { $host } hosts it.
subject-updated = Updated: { $title }
subject-video-link = Video link: { $title }
lead-reminder-staff = This meeting starts { $when }.
subject-webhook-disabled = Webhook disabled
lead-webhook-disabled = { -brand } stopped sending booking events to one of your webhooks: { $reason }. Events that were waiting stay queued; turn the webhook on again once its receiver works, and they go out.

## Text messages

sms-reminder = Reminder: { $meeting } with { $department } { $when }, { $date } { $time } ({ $zone }).
sms-change = Change: { $url }

## API error messages (the codes stay English)

error-fields-invalid = { $count ->
    [one] 1 field is invalid
   *[other] { $count } fields are invalid
}
error-unauthorized = authentication required: send Authorization: Bearer <token> from POST /api/v1/auth/login
error-invalid-credentials = invalid email or password
error-not-found = { $what ->
    [department] department not found
    [calendar-integration] calendar integration not found
    [user] user not found
    [meeting-type] meeting type not found
    [booking] booking not found
    [webhook] webhook not found
    [meeting-of-the-series] meeting of the series not found
    [availability-rule] availability rule not found
    [series] series not found
    [message] message not found
    [invitation] invitation not found
    [email] email not found
    [booking-link] booking link not found
    [user-settings] user settings not found
    [resource] resource not found
    [recipient] recipient not found
    [previous-host] previous host not found
    [participant] participant not found
    [page] page not found
    [member] member not found
    [host] host not found
    [endpoint] endpoint not found
    [delivery] delivery not found
    [calendar-provider] calendar provider not found
    [api-key] API key not found
   *[other] not found
}
error-method-not-allowed = this endpoint takes { $methods }
error-time-taken = this time is no longer available; please choose another
error-time-unavailable = not available: { $reason }
error-time-unavailable-more = not available: { $reason } (and { $more } more)
error-series-unavailable = { $count ->
    [one] 1 of the series' meetings cannot be booked
   *[other] { $count } of the series' meetings cannot be booked
}
error-busy = the server is busy; try again in a few seconds
error-database-unreachable = the database cannot be reached; try again in a few seconds
error-idempotency-key-reused = this Idempotency-Key was already used with a different request
error-too-many-bookings = too many bookings from this address in the last hour; try again later
error-internal = internal error
