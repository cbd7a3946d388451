# Meeting Manager på dansk. Hver besked i en.ftl skal også stå her (ellers fejler bygningen).
# Variabler skrives { $navn } og oversættes ikke; et antal vælger form med [one] og *[other].

-language-name = Dansk
-brand = Meeting Manager

## Datoer og tider

weekday-name = { $day ->
    [1] mandag
    [2] tirsdag
    [3] onsdag
    [4] torsdag
    [5] fredag
    [6] lørdag
   *[7] søndag
}
weekday-abbreviation = { $day ->
    [1] man.
    [2] tir.
    [3] ons.
    [4] tor.
    [5] fre.
    [6] lør.
   *[7] søn.
}
month-name = { $month ->
    [1] januar
    [2] februar
    [3] marts
    [4] april
    [5] maj
    [6] juni
    [7] juli
    [8] august
    [9] september
    [10] oktober
    [11] november
   *[12] december
}
month-abbreviation = { $month ->
    [1] jan.
    [2] feb.
    [3] mar.
    [4] apr.
    [5] maj
    [6] jun.
    [7] jul.
    [8] aug.
    [9] sep.
    [10] okt.
    [11] nov.
   *[12] dec.
}
# tirsdag den 4. juni 2019
date-long = { $weekday } den { $day }. { $month } { $year }
# tir. 4. jun.
date-short = { $weekday } { $day }. { $month }
# tirsdag den 4. juni 2019 kl. 09:00–10:00 (Europe/Copenhagen)
time-span = { $date } kl. { $start }–{ $end } ({ $zone })
until-minutes = { $minutes ->
    [one] om 1 minut
   *[other] om { $minutes } minutter
}
until-hours = { $hours ->
    [one] om 1 time
   *[other] om { $hours } timer
}
meeting-count = { $count ->
    [one] 1 møde
   *[other] { $count } møder
}
list-last-two = { $rest } og { $last }
yes = ja
no = nej

## Etiketter på mailens linjer og links

label-reference = Reference
label-department = Afdeling
label-meeting = Møde
label-when = Tidspunkt
label-department-time = Afdelingens tid
label-where = Sted
label-repeats = Gentages
label-meetings = Møder
label-host = Vært
label-co-hosts = Medværter
label-customer = Kunde
label-email = E-mail
label-phone = Telefon
label-notes = Bemærkninger
label-agenda = Dagsorden
label-next-steps = Næste skridt
label-receiver = Modtager
label-description = Beskrivelse
link-reschedule = Flyt mødet
link-cancel = Aflys
link-choose-another-time = Vælg et andet tidspunkt
link-book-new-time = Book et nyt tidspunkt
link-book-another = Book et nyt møde
link-feedback = Fortæl os, hvordan det gik
link-answer-invitation = Accepter, afslå eller svar måske
link-open-booking = Åbn i { -brand } (flyt, overdrag eller aflys)
link-open-webhooks = Åbn dine webhooks
repeats-weekly = hver uge
repeats-biweekly = hver anden uge
repeats-monthly = hver måned, på samme ugedag
repeats-line = { $how }, { $count ->
    [one] 1 møde
   *[other] { $count } møder
}

## Mails til kunden

meeting-with-department = { $meeting } med { $department }
subject-request-received = Bookingforespørgsel modtaget: { $title }
lead-request-received = Vi har modtaget din bookingforespørgsel. Den skal godkendes; vi skriver igen, så snart den er bekræftet.
subject-booking-confirmed = Booking bekræftet: { $title }
lead-booking-approved = Din booking er bekræftet. Dit møde bliver med { $host } fra { $department }.
lead-booking-confirmed = Dit møde bliver med { $host } fra { $department }.
subject-request-declined = Bookingforespørgsel afvist: { $title }
lead-request-declined = Vi beklager: din bookingforespørgsel kunne ikke accepteres. Begrundelse: { $reason }
subject-booking-cancelled = Booking aflyst: { $title }
lead-cancelled-as-asked = { $scope ->
    [series] Alle møder i din serie er aflyst, som du bad om.
    [following] Møderne i din serie fra { $from } og frem er aflyst, som du bad om.
   *[one] Din booking er aflyst, som du bad om.
}
lead-cancelled-for-customer = { $scope ->
    [series] Vi beklager: alle møder i din serie er aflyst.
    [following] Vi beklager: møderne i din serie fra { $from } og frem er aflyst.
   *[one] Vi beklager: din booking er aflyst.
}
reason-given = Begrundelse: { $reason }
subject-booking-rescheduled = Booking flyttet: { $title }
subject-new-host = Ny vært for dit møde: { $title }
lead-new-host = Dit møde har fået en ny vært: dit møde bliver nu med { $host } fra { $department }.
subject-video-link-for-customer = Videolink til dit møde: { $title }
lead-video-link = Dit møde har nu et videolink: { $link }
subject-booking-updated = Booking opdateret: { $title }
subject-no-show = Vi savnede dig: { $title }
lead-no-show = Vi beklager, at vi ikke så dig til dit møde. Hvis du stadig gerne vil mødes, så vælg et nyt tidspunkt, der passer dig.
subject-thank-you = Tak for dit møde med { $department }
lead-thank-you = Tak fordi du mødtes med { $host } fra { $department }.
subject-reminder = Påmindelse: { $title } { $when }
lead-reminder-customer = En påmindelse: dit møde begynder { $when }.

## Hvad der er ændret, for kunder og medarbejdere

lead-moved = { $scope ->
    [series] Mødet er flyttet fra { $from }, og alle seriens andre møder med det.
    [following] Mødet er flyttet fra { $from }, og seriens senere møder med det.
   *[one] Mødet er flyttet fra { $from }.
}
lead-moved-somewhere = Mødet er flyttet.
updated-title = titlen
updated-place = stedet
updated-meeting-link = mødelinket
updated-contact-details = kontaktoplysningerne
lead-updated = Vi har opdateret { $what }; den nye invitation erstatter den gamle.
lead-updated-details = Mødets oplysninger er opdateret; den nye invitation erstatter den gamle.

## Mails til medarbejdere

lead-invites-you = { $name } inviterer dig til et møde.
lead-you-are-invited = Du er inviteret til et møde.
subject-invitation = Invitation: { $title }
a-participant = En deltager
subject-declined = Afslået: { $title }
lead-declined = { $name } har afslået mødet.
subject-meeting-created = Møde oprettet: { $title }
lead-meeting-created = Mødet er oprettet, og alle er inviteret.
subject-new-booking = Ny booking: { $title }
lead-new-booking-awaits-approval = En ny booking er tildelt dig og venter på godkendelse.
lead-you-co-host = Du er medvært på mødet med { $host }.
lead-booked-for-you = { $name } har booket mødet for dig.
lead-new-booking = En ny booking er tildelt dig.
subject-approval-needed = Godkendelse påkrævet: { $title }
lead-approval-needed = En booking venter på din godkendelse.
subject-booking-created = Booking oprettet: { $title }
lead-booking-created = Du har booket mødet for { $host }; kunden har fået besked.
lead-department-new-booking = En ny booking i { $department } er tildelt { $host }.
subject-booking-approved = Booking godkendt: { $title }
lead-booking-approved-host = En booking, der er tildelt dig, er godkendt.
subject-cancelled = Aflyst: { $title }
lead-customer-cancelled = { $scope ->
    [series] Kunden har aflyst alle møder i serien.
    [following] Kunden har aflyst mødet og seriens senere møder.
   *[one] Kunden har aflyst mødet.
}
lead-meeting-cancelled = { $scope ->
    [series] Alle møder i serien er aflyst.
    [following] Mødet og seriens senere møder er aflyst.
   *[one] Mødet er aflyst.
}
subject-rescheduled = Flyttet: { $title }
subject-reassigned-away = Overdraget fra dig: { $title }
lead-reassigned-away = Mødet er overdraget til { $host }; du er ikke længere vært.
subject-assigned-to-you = Tildelt dig: { $title }
lead-assigned-to-you = Mødet er tildelt dig.
subject-reassigned = Overdraget: { $title }
lead-reassigned = { $scope ->
    [series] Mødet er overdraget fra { $from } til { $to } sammen med alle seriens andre møder.
    [following] Mødet er overdraget fra { $from } til { $to } sammen med seriens senere møder.
   *[one] Mødet er overdraget fra { $from } til { $to }.
}
lead-reassigned-to = Mødet er overdraget til { $to }.
subject-co-hosting = Medvært: { $title }
lead-added-as-co-host = { $name } har tilføjet dig som medvært på mødet med { $host }.
subject-no-longer-co-hosting = Ikke længere medvært: { $title }
lead-no-longer-co-hosting = Du er ikke længere medvært på mødet; { $host } er vært.
subject-updated = Opdateret: { $title }
subject-video-link = Videolink: { $title }
lead-reminder-staff = Mødet begynder { $when }.
subject-webhook-disabled = Webhook slået fra
lead-webhook-disabled = { -brand } er holdt op med at sende bookinghændelser til en af dine webhooks: { $reason }. Ventende hændelser bliver i køen; slå webhooken til igen, når modtageren virker, så bliver de sendt.

## SMS

sms-reminder = Påmindelse: { $meeting } med { $department } { $when }, { $date } kl. { $time } ({ $zone }).
sms-change = Ændr: { $url }

## Fejlbeskeder fra API'et (koderne forbliver engelske)

error-fields-invalid = { $count ->
    [one] 1 felt er ugyldigt
   *[other] { $count } felter er ugyldige
}
error-unauthorized = login påkrævet: send Authorization: Bearer <token> fra POST /api/v1/auth/login
error-invalid-credentials = forkert e-mail eller adgangskode
error-not-found = { $what ->
    [department] afdelingen findes ikke
    [calendar-integration] kalenderforbindelsen findes ikke
    [user] brugeren findes ikke
    [meeting-type] mødetypen findes ikke
    [booking] bookingen findes ikke
    [webhook] webhooken findes ikke
    [meeting-of-the-series] seriens møde findes ikke
    [availability-rule] tilgængelighedsreglen findes ikke
    [series] serien findes ikke
    [message] beskeden findes ikke
    [invitation] invitationen findes ikke
    [email] e-mailen findes ikke
    [booking-link] bookinglinket findes ikke
    [user-settings] brugerindstillingerne findes ikke
    [resource] ressourcen findes ikke
    [recipient] modtageren findes ikke
    [previous-host] den tidligere vært findes ikke
    [participant] deltageren findes ikke
    [page] siden findes ikke
    [member] medlemmet findes ikke
    [host] værten findes ikke
    [endpoint] endpointet findes ikke
    [delivery] leveringen findes ikke
    [calendar-provider] kalenderudbyderen findes ikke
    [api-key] API-nøglen findes ikke
   *[other] findes ikke
}
error-method-not-allowed = dette endpoint tager { $methods }
error-time-taken = tidspunktet er ikke længere ledigt; vælg venligst et andet
error-time-unavailable = ikke ledigt: { $reason }
error-time-unavailable-more = ikke ledigt: { $reason } (og { $more } mere)
error-series-unavailable = { $count ->
    [one] 1 af seriens møder kan ikke bookes
   *[other] { $count } af seriens møder kan ikke bookes
}
error-busy = serveren har travlt; prøv igen om nogle sekunder
error-database-unreachable = databasen kan ikke nås; prøv igen om nogle sekunder
error-idempotency-key-reused = denne Idempotency-Key er allerede brugt med en anden forespørgsel
error-too-many-bookings = for mange bookinger fra denne adresse den seneste time; prøv igen senere
error-internal = intern fejl
