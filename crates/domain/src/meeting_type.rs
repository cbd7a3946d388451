//! Meeting types: what a department offers, with its questions and reminder schedule.

use strum::{AsRefStr, Display, EnumString, IntoStaticStr, VariantNames};

use crate::{Minutes, validation::FieldErrors};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum LocationType {
    #[default]
    VideoCall,
    PhoneCall,
    PhysicalLocation,
    Custom,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum VideoPlatform {
    Zoom,
    GoogleMeet,
    MicrosoftTeams,
    Custom,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum QuestionKind {
    Text,
    Textarea,
    Select,
    Checkbox,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Display, EnumString, AsRefStr, IntoStaticStr, VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum ReminderChannel {
    Email,
    Sms,
    Both,
}

/// A question asked of the customer in step 5, its answer stored under `key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomQuestion {
    pub key: String,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    pub options: Vec<String>,
}

/// A question as submitted.
#[derive(Debug, Clone)]
pub struct QuestionDraft<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub required: bool,
    pub options: &'a [String],
}

/// Checks a meeting type's questions: keys are `snake_case` identifiers, unique; labels present;
/// a `select` has at least one option and no duplicates; other kinds have none.
pub fn parse_questions(drafts: &[QuestionDraft<'_>]) -> Result<Vec<CustomQuestion>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut questions = Vec::with_capacity(drafts.len());
    for (i, draft) in drafts.iter().enumerate() {
        let field = |name: &str| format!("custom_questions[{i}].{name}");
        let key_ok = draft.key.len() <= 40
            && draft.key.starts_with(|c: char| c.is_ascii_lowercase())
            && draft
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            errors.add(
                field("key"),
                "must be a snake_case identifier such as \"company_size\"",
            );
        } else if drafts[..i].iter().any(|d| d.key == draft.key) {
            errors.add(field("key"), "keys must be unique within the meeting type");
        }
        let label = errors.check(&field("label"), crate::required_text(draft.label, 200));
        let kind = errors.check(
            &field("kind"),
            draft
                .kind
                .parse::<QuestionKind>()
                .map_err(|_| "must be one of text, textarea, select, checkbox"),
        );
        let options: Vec<String> = draft.options.iter().map(|o| o.trim().to_owned()).collect();
        match kind {
            Some(QuestionKind::Select)
                if options.is_empty() || options.iter().any(String::is_empty) =>
            {
                errors.add(
                    field("options"),
                    "a select question needs non-empty options",
                );
            }
            Some(QuestionKind::Select)
                if options
                    .iter()
                    .enumerate()
                    .any(|(j, o)| options[..j].contains(o)) =>
            {
                errors.add(field("options"), "options must be unique");
            }
            Some(kind) if kind != QuestionKind::Select && !options.is_empty() => {
                errors.add(field("options"), "only select questions have options");
            }
            _ => {}
        }
        if let (Some(label), Some(kind)) = (label, kind) {
            questions.push(CustomQuestion {
                key: draft.key.to_owned(),
                label,
                kind,
                required: draft.required,
                options,
            });
        }
    }
    errors.finish(questions)
}

/// One entry of the reminder schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminder {
    pub hours_before: u32,
    pub channel: ReminderChannel,
    pub is_active: bool,
}

/// Reminders are 1 hour to 30 days before the meeting, at most one per offset.
pub fn parse_reminders(drafts: &[(i64, &str, bool)]) -> Result<Vec<Reminder>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut reminders = Vec::with_capacity(drafts.len());
    for (i, &(hours_before, channel, is_active)) in drafts.iter().enumerate() {
        let hours = errors.check(
            &format!("reminder_schedule[{i}].hours_before"),
            u32::try_from(hours_before)
                .ok()
                .filter(|h| (1..=720).contains(h))
                .ok_or("must be between 1 and 720 hours"),
        );
        if drafts[..i].iter().any(|d| d.0 == hours_before) {
            errors.add(
                format!("reminder_schedule[{i}].hours_before"),
                "one reminder per offset",
            );
        }
        let channel = errors.check(
            &format!("reminder_schedule[{i}].notification_type"),
            channel
                .parse::<ReminderChannel>()
                .map_err(|_| "must be one of email, sms, both"),
        );
        if let (Some(hours_before), Some(channel)) = (hours, channel) {
            reminders.push(Reminder {
                hours_before,
                channel,
                is_active,
            });
        }
    }
    errors.finish(reminders)
}

/// What follows a meeting of the type: the thank-you email a customer gets after it (when
/// `enabled`), and after a missed one, an email inviting them to book again and, optionally,
/// the automatic no-show mark when nobody marked the meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUp {
    pub enabled: bool,
    /// A survey or rating page the email links to.
    pub feedback_url: Option<String>,
    /// What happens next, in the type's own words.
    pub next_steps: Option<String>,
    /// Email a customer marked as a no-show a link to book again.
    pub no_show_email: bool,
    /// Mark a confirmed meeting nobody marked as a no-show this long after its start.
    pub auto_no_show_after: Option<Minutes>,
}

/// How long after its start a meeting nobody marked becomes a no-show: between 5 minutes and a
/// day.
pub fn parse_auto_no_show(minutes: i64) -> Result<Minutes, crate::time::MinutesOutOfRange> {
    Minutes::parse_in(minutes, Minutes::NO_SHOW_DELAY)
}

/// A link for a customer to follow: an absolute `http(s)` URL with a host and no spaces.
pub fn parse_web_link(value: &str) -> Result<String, &'static str> {
    const INVALID: &str = "must be an http:// or https:// address";
    // Counted as sent too, as the contract's `maxLength` counts.
    let too_long = value.chars().count() > 2000;
    let value = value.trim();
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or(INVALID)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || too_long || value.len() > 2000 || value.chars().any(char::is_whitespace) {
        return Err(INVALID);
    }
    Ok(value.to_owned())
}

/// A meeting type is offered to customers, to staff, or both — never to no one.
pub fn check_audience(is_public: bool, is_internal: bool) -> Result<(), &'static str> {
    if is_public || is_internal {
        Ok(())
    } else {
        Err("at least one of is_public and is_internal must be set")
    }
}

/// Calendar colours are `#rrggbb`.
pub fn parse_color(value: &str) -> Result<String, &'static str> {
    let hex = value
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
    hex.map(|h| format!("#{}", h.to_ascii_lowercase()))
        .ok_or("must be a colour such as #1e90ff")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question<'a>(key: &'a str, kind: &'a str, options: &'a [String]) -> QuestionDraft<'a> {
        QuestionDraft {
            key,
            label: "Label",
            kind,
            required: true,
            options,
        }
    }

    #[test]
    fn a_meeting_type_must_be_public_or_internal() {
        assert!(check_audience(false, false).is_err());
        assert!(check_audience(true, false).is_ok());
        assert!(check_audience(false, true).is_ok());
    }

    #[test]
    fn select_questions_need_options_and_others_have_none() {
        let opts = vec!["1-10".to_owned(), "11-50".to_owned()];
        assert!(parse_questions(&[question("company_size", "select", &opts)]).is_ok());
        let errors = parse_questions(&[
            question("size", "select", &[]),
            question("note", "text", &opts),
        ])
        .unwrap_err();
        assert!(errors.contains("custom_questions[0].options"));
        assert!(errors.contains("custom_questions[1].options"));
    }

    #[test]
    fn question_keys_are_unique_identifiers() {
        let errors = parse_questions(&[
            question("a", "text", &[]),
            question("a", "text", &[]),
            question("Bad Key", "text", &[]),
        ])
        .unwrap_err();
        assert!(errors.contains("custom_questions[1].key"));
        assert!(errors.contains("custom_questions[2].key"));
    }

    #[test]
    fn feedback_links_are_absolute_web_addresses() {
        assert_eq!(
            parse_web_link(" https://example.com/survey?b=1 "),
            Ok("https://example.com/survey?b=1".to_owned())
        );
        assert!(parse_web_link("http://x.test").is_ok());
        for bad in [
            "example.com",
            "https://",
            "https:///path",
            "javascript:alert(1)",
            "https://a b",
        ] {
            assert!(parse_web_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reminders_are_within_thirty_days_and_named() {
        assert_eq!(
            parse_reminders(&[(24, "email", true), (1, "both", true)])
                .unwrap()
                .len(),
            2
        );
        let errors =
            parse_reminders(&[(0, "email", true), (24, "pigeon", true), (24, "sms", true)])
                .unwrap_err();
        assert!(errors.contains("reminder_schedule[0].hours_before"));
        assert!(errors.contains("reminder_schedule[1].notification_type"));
        assert!(errors.contains("reminder_schedule[2].hours_before"));
    }

    #[test]
    fn colours_are_hex_triplets() {
        assert_eq!(parse_color("#1E90FF"), Ok("#1e90ff".to_owned()));
        assert!(parse_color("blue").is_err());
        assert!(parse_color("#12345").is_err());
    }
}

/// The colour a meeting type gets when none is chosen.
pub const DEFAULT_COLOR: &str = "#2e7d32";

/// A meeting type with its questions and reminder schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingType {
    pub id: uuid::Uuid,
    pub department_id: uuid::Uuid,
    pub name: String,
    pub slug: crate::Slug,
    pub description: Option<String>,
    pub duration: crate::Minutes,
    pub location_type: LocationType,
    pub video_platform: Option<VideoPlatform>,
    pub custom_location: Option<String>,
    pub requires_approval: bool,
    pub is_public: bool,
    pub is_internal: bool,
    pub is_active: bool,
    pub color: String,
    pub buffer_before: Option<crate::Minutes>,
    pub buffer_after: Option<crate::Minutes>,
    pub slot_interval: Option<crate::Minutes>,
    /// The most meetings a customer may book as one recurring series (2 to
    /// [`crate::recurrence::Recurrence::MAX_COUNT`]); `None`: customers book single meetings.
    pub max_series_count: Option<u16>,
    pub questions: Vec<CustomQuestion>,
    pub reminders: Vec<Reminder>,
    pub follow_up: FollowUp,
    pub created_by: Option<uuid::Uuid>,
}

impl MeetingType {
    /// An active public video call with nothing else set: no approval, questions, reminders or
    /// buffers of its own, slots every `duration`. Seed and test data start from it.
    pub fn public_call(
        department_id: uuid::Uuid,
        name: &str,
        slug: crate::Slug,
        duration: crate::Minutes,
    ) -> Self {
        Self {
            id: uuid::Uuid::new_v4(),
            department_id,
            name: name.to_owned(),
            slug,
            description: None,
            duration,
            location_type: LocationType::VideoCall,
            video_platform: None,
            custom_location: None,
            requires_approval: false,
            is_public: true,
            is_internal: false,
            is_active: true,
            color: DEFAULT_COLOR.to_owned(),
            buffer_before: None,
            buffer_after: None,
            slot_interval: None,
            max_series_count: None,
            questions: Vec::new(),
            reminders: Vec::new(),
            follow_up: FollowUp::default(),
            created_by: None,
        }
    }
}
