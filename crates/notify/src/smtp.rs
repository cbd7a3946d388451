//! Delivery over SMTP with `lettre`: an outbox email becomes a MIME message with a plain-text and
//! an HTML part and, for invites, a `text/calendar` part that calendar programs act on plus the
//! same invite as an `invite.ics` attachment.

use std::time::Duration;

use lettre::{
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Attachment, Mailbox, MultiPart, SinglePart,
        header::{ContentType, HeaderName, HeaderValue},
    },
};

/// What to send: one outbox row.
#[derive(Debug, Clone, Copy)]
pub struct Letter<'a> {
    /// Becomes the `Message-ID`, so a resent row is recognisably the same message.
    pub id: &'a str,
    pub to: &'a str,
    pub to_name: Option<&'a str>,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    pub ics: Option<&'a str>,
    /// Its `Content-Language` (RFC 3282), when known.
    pub language: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    #[error("invalid address {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Message(String),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// An SMTP connection pool to one server. Create it inside the Tokio runtime.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    composer: Composer,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never print the transport.
        f.debug_struct("SmtpMailer")
            .field("composer", &self.composer)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// `url` as lettre reads it: `smtp://host:port` (plain), `smtp://host?tls=required` (STARTTLS),
    /// `smtps://user:pass@host` (TLS).
    pub fn new(url: &str, composer: Composer) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Self {
            transport,
            composer,
        })
    }

    pub async fn send(&self, letter: &Letter<'_>) -> Result<(), MailError> {
        let message = self.composer.compose(letter)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// Turns outbox rows into MIME messages from one sender.
#[derive(Debug, Clone)]
pub struct Composer {
    from: Mailbox,
    /// The domain of `Message-ID`s.
    domain: String,
}

impl Composer {
    /// `from` a mailbox such as `Meeting Manager <no-reply@example.org>`.
    pub fn new(from: &str, domain: &str) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailError::Address(from.to_owned()))?;
        Ok(Self {
            from,
            domain: domain.to_owned(),
        })
    }

    pub fn compose(&self, letter: &Letter<'_>) -> Result<Message, MailError> {
        let address: Address = letter
            .to
            .parse()
            .map_err(|_| MailError::Address(letter.to.to_owned()))?;
        // lettre encodes the display name (RFC 2047), commas and brackets included.
        let to = Mailbox::new(letter.to_name.map(str::to_owned), address);
        let mut alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(letter.text.to_owned()))
            .singlepart(SinglePart::html(letter.html.to_owned()));
        let body = match letter.ics {
            None => alternative,
            Some(ics) => {
                let calendar = ContentType::parse(&format!(
                    "text/calendar; charset=utf-8; method={}",
                    ics_method(ics)
                ))
                .map_err(|e| MailError::Message(e.to_string()))?;
                alternative = alternative
                    .singlepart(SinglePart::builder().header(calendar).body(ics.to_owned()));
                let attachment_type = ContentType::parse("application/ics")
                    .map_err(|e| MailError::Message(e.to_string()))?;
                MultiPart::mixed().multipart(alternative).singlepart(
                    Attachment::new("invite.ics".to_owned()).body(ics.to_owned(), attachment_type),
                )
            }
        };
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(letter.subject)
            .message_id(Some(format!("<{}@{}>", letter.id, self.domain)))
            .header(AutoSubmitted);
        // A stored code is one of ours; anything else is left out rather than sent as a header.
        if let Some(language) = letter.language.and_then(|l| l.parse().ok()) {
            message = message.header(ContentLanguage(language));
        }
        message
            .multipart(body)
            .map_err(|e| MailError::Message(e.to_string()))
    }
}

/// `METHOD` of an invite (`REQUEST` or `CANCEL`), which the MIME part must repeat.
fn ics_method(ics: &str) -> &str {
    ics.lines()
        .find_map(|l| l.strip_prefix("METHOD:"))
        .map(str::trim)
        .filter(|m| m.chars().all(|c| c.is_ascii_alphabetic()) && !m.is_empty())
        .unwrap_or("REQUEST")
}

/// `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies should not answer.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `Content-Language: da` (RFC 3282): what the message is written in.
#[derive(Debug, Clone, Copy)]
struct ContentLanguage(mm_i18n::Language);

impl lettre::message::header::Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(value: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(value.trim().parse()?))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.code().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn composer() -> Composer {
        Composer::new("Meeting Manager <no-reply@example.com>", "example.com").unwrap()
    }

    fn formatted(letter: &Letter<'_>) -> String {
        String::from_utf8(composer().compose(letter).unwrap().formatted()).unwrap()
    }

    const LETTER: Letter<'static> = Letter {
        id: "0b6f",
        to: "john@customer.com",
        to_name: Some("Doe, John <CEO>"),
        subject: "Booking confirmed",
        text: "Hello",
        html: "<p>Hello</p>",
        ics: None,
        language: Some("da"),
    };

    #[test]
    fn a_letter_has_text_and_html_and_a_stable_message_id() {
        let raw = formatted(&LETTER);
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(
            raw.contains("text/plain") && raw.contains("text/html"),
            "{raw}"
        );
        assert!(raw.contains("Message-ID: <0b6f@example.com>"), "{raw}");
        let to = raw.lines().find(|l| l.starts_with("To: ")).unwrap();
        assert!(
            to.ends_with(" <john@customer.com>"),
            "the name is encoded: {to}"
        );
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        assert!(raw.contains("Content-Language: da\r\n"), "{raw}");
        assert!(!raw.contains("text/calendar"));
    }

    #[test]
    fn an_invite_is_a_calendar_part_with_its_method_and_an_attachment() {
        let raw = formatted(&Letter {
            ics: Some("BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"),
            ..LETTER
        });
        assert!(raw.contains("multipart/mixed"), "{raw}");
        assert!(
            raw.contains("text/calendar; charset=utf-8; method=CANCEL"),
            "{raw}"
        );
        assert!(raw.contains("filename=\"invite.ics\""), "{raw}");
    }

    #[test]
    fn a_sender_that_is_not_an_address_is_refused_up_front() {
        assert!(matches!(
            Composer::new("not an address", "b.org"),
            Err(MailError::Address(_))
        ));
    }

    #[tokio::test]
    async fn an_smtp_url_of_another_scheme_is_refused_up_front() {
        assert!(matches!(
            SmtpMailer::new("ftp://x", composer()),
            Err(MailError::Url(_))
        ));
    }
}
