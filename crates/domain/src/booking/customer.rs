//! The customer's side of a booking: who they are (step 5 of the wizard) and their answers to the
//! meeting type's questions, checked once at the edge with every failing field named.

use std::collections::BTreeMap;

use mm_i18n::Language;

use crate::{
    Email, FieldErrors, Phone, TimeZone,
    meeting_type::{CustomQuestion, QuestionKind},
};

/// A customer, all fields valid: name, email and phone are required, notes optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub name: String,
    pub email: Email,
    pub phone: Phone,
    pub timezone: TimeZone,
    pub notes: Option<String>,
    pub language: Language,
}

/// The customer fields as submitted.
#[derive(Debug, Clone, Copy)]
pub struct CustomerDraft<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    /// `None`: the department's zone.
    pub timezone: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// A language code (`da`, `en`); `None`: the default given to [`Customer::parse`].
    pub language: Option<&'a str>,
}

const NOTES_MAX: usize = 5000;
const ANSWER_MAX: usize = 5000;

impl Customer {
    /// Parses a draft; failures are reported under the contract's `customer_*` field names.
    pub fn parse(
        draft: CustomerDraft<'_>,
        default_zone: TimeZone,
        default_language: Language,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("customer_name", crate::required_text(draft.name, 200));
        let email = errors.check("customer_email", Email::parse(draft.email));
        let phone = errors.check("customer_phone", Phone::parse(draft.phone));
        let timezone = match draft.timezone.map(str::trim).filter(|z| !z.is_empty()) {
            None => Some(default_zone),
            Some(name) => errors.check("customer_timezone", TimeZone::parse(name)),
        };
        let language = match draft.language.map(str::trim).filter(|l| !l.is_empty()) {
            None => Some(default_language),
            Some(code) => errors.check("customer_language", code.parse::<Language>()),
        };
        // Counted as sent, as the contract's `maxLength` counts.
        let too_long = draft.notes.is_some_and(|n| n.chars().count() > NOTES_MAX);
        let notes = draft.notes.map(str::trim).filter(|n| !n.is_empty());
        if too_long {
            errors.add(
                "customer_notes",
                format!("must be at most {NOTES_MAX} characters"),
            );
        }
        match (name, email, phone, timezone, language) {
            (Some(name), Some(email), Some(phone), Some(timezone), Some(language))
                if errors.is_empty() =>
            {
                Ok(Self {
                    name,
                    email,
                    phone,
                    timezone,
                    notes: notes.map(str::to_owned),
                    language,
                })
            }
            _ => Err(errors),
        }
    }
}

/// An answer to a custom question: text for `text`, `textarea` and `select`, a flag for
/// `checkbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    Checked(bool),
}

/// Answers by question key, in key order.
pub type Answers = BTreeMap<String, Answer>;

/// Checks `given` against a meeting type's questions: every required question answered (a
/// required checkbox must be ticked, as for "I accept the terms"), a select answered with one of
/// its options, a checkbox with a flag, no answers to questions that do not exist. Blank text
/// counts as no answer and is dropped. Failures are named `answers.<key>`.
pub fn parse_answers(
    questions: &[CustomQuestion],
    given: &Answers,
) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let field = |key: &str| format!("answers.{key}");
    for key in given.keys() {
        if !questions.iter().any(|q| &q.key == key) {
            errors.add(field(key), "is not a question of this meeting type");
        }
    }
    let mut answers = Answers::new();
    for question in questions {
        let answer = match given.get(&question.key) {
            Some(Answer::Text(text)) if text.trim().is_empty() => None,
            other => other,
        };
        let accepted = match (question.kind, answer) {
            (_, None) => None,
            (QuestionKind::Checkbox, Some(Answer::Checked(checked))) => {
                Some(Answer::Checked(*checked))
            }
            (QuestionKind::Checkbox, Some(Answer::Text(_))) => {
                errors.add(field(&question.key), "must be true or false");
                continue;
            }
            (_, Some(Answer::Checked(_))) => {
                errors.add(field(&question.key), "must be text");
                continue;
            }
            (QuestionKind::Select, Some(Answer::Text(text))) => {
                if !question.options.iter().any(|o| o == text.trim()) {
                    errors.add(
                        field(&question.key),
                        format!("must be one of: {}", question.options.join(", ")),
                    );
                    continue;
                }
                Some(Answer::Text(text.trim().to_owned()))
            }
            (QuestionKind::Text | QuestionKind::Textarea, Some(Answer::Text(text))) => {
                if text.chars().count() > ANSWER_MAX {
                    errors.add(
                        field(&question.key),
                        format!("must be at most {ANSWER_MAX} characters"),
                    );
                    continue;
                }
                Some(Answer::Text(text.trim().to_owned()))
            }
        };
        let answered = match &accepted {
            None | Some(Answer::Checked(false)) => false,
            Some(_) => true,
        };
        if question.required && !answered {
            errors.add(field(&question.key), "is required");
            continue;
        }
        if let Some(answer) = accepted {
            answers.insert(question.key.clone(), answer);
        }
    }
    errors.finish(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>() -> CustomerDraft<'a> {
        CustomerDraft {
            name: "John Doe",
            email: "john@customer.com",
            phone: "+1-555-123-4567",
            timezone: Some("America/New_York"),
            notes: Some("  Prefer email follow-up  "),
            language: Some("da"),
        }
    }

    fn question(key: &str, kind: QuestionKind, required: bool, options: &[&str]) -> CustomQuestion {
        CustomQuestion {
            key: key.to_owned(),
            label: key.to_owned(),
            kind,
            required,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    fn text(s: &str) -> Answer {
        Answer::Text(s.to_owned())
    }

    #[test]
    fn a_complete_customer_parses_with_trimmed_notes() {
        let customer = Customer::parse(draft(), TimeZone::default(), Language::En).unwrap();
        assert_eq!(customer.timezone.name(), "America/New_York");
        assert_eq!(customer.notes.as_deref(), Some("Prefer email follow-up"));
        assert_eq!(customer.language, Language::Da);
    }

    #[test]
    fn without_a_language_the_customer_reads_the_default() {
        let customer = Customer::parse(
            CustomerDraft {
                language: None,
                ..draft()
            },
            TimeZone::default(),
            Language::Da,
        )
        .unwrap();
        assert_eq!(customer.language, Language::Da);
    }

    #[test]
    fn every_bad_customer_field_is_named_at_once() {
        let bad = CustomerDraft {
            name: "  ",
            email: "not-an-email",
            phone: "123-456",
            timezone: Some("Mars/Olympus"),
            notes: None,
            language: Some("fr"),
        };
        let errors = Customer::parse(bad, TimeZone::default(), Language::En).unwrap_err();
        for field in [
            "customer_name",
            "customer_email",
            "customer_phone",
            "customer_timezone",
            "customer_language",
        ] {
            assert!(errors.contains(field), "{field}: {errors}");
        }
    }

    #[test]
    fn the_phone_is_required() {
        let errors = Customer::parse(
            CustomerDraft {
                phone: "",
                ..draft()
            },
            TimeZone::default(),
            Language::En,
        )
        .unwrap_err();
        assert!(errors.contains("customer_phone"));
    }

    #[test]
    fn without_a_zone_the_customer_is_taken_to_be_in_the_departments() {
        let copenhagen = TimeZone::parse("Europe/Copenhagen").unwrap();
        let customer = Customer::parse(
            CustomerDraft {
                timezone: None,
                ..draft()
            },
            copenhagen,
            Language::En,
        )
        .unwrap();
        assert_eq!(customer.timezone, copenhagen);
    }

    #[test]
    fn required_questions_must_be_answered_and_blank_text_is_no_answer() {
        let questions = [
            question("company", QuestionKind::Text, true, &[]),
            question("terms", QuestionKind::Checkbox, true, &[]),
            question("topic", QuestionKind::Textarea, false, &[]),
        ];
        let given = Answers::from([
            ("company".to_owned(), text("   ")),
            ("terms".to_owned(), Answer::Checked(false)),
        ]);
        let errors = parse_answers(&questions, &given).unwrap_err();
        assert!(errors.contains("answers.company"));
        assert!(errors.contains("answers.terms"));
        assert!(!errors.contains("answers.topic"));
    }

    #[test]
    fn a_select_takes_only_its_options_and_unknown_questions_are_refused() {
        let questions = [question(
            "size",
            QuestionKind::Select,
            false,
            &["1-10", "11-50"],
        )];
        let given = Answers::from([
            ("size".to_owned(), text("500+")),
            ("shoe_size".to_owned(), text("44")),
        ]);
        let errors = parse_answers(&questions, &given).unwrap_err();
        assert!(errors.contains("answers.size"));
        assert!(errors.contains("answers.shoe_size"));

        let ok = parse_answers(
            &questions,
            &Answers::from([("size".to_owned(), text(" 1-10 "))]),
        );
        assert_eq!(
            ok.unwrap(),
            Answers::from([("size".to_owned(), text("1-10"))])
        );
    }

    #[test]
    fn a_checkbox_answer_is_a_flag_and_text_answers_are_text() {
        let questions = [
            question("terms", QuestionKind::Checkbox, false, &[]),
            question("company", QuestionKind::Text, false, &[]),
        ];
        let given = Answers::from([
            ("terms".to_owned(), text("yes")),
            ("company".to_owned(), Answer::Checked(true)),
        ]);
        let errors = parse_answers(&questions, &given).unwrap_err();
        assert!(errors.contains("answers.terms"));
        assert!(errors.contains("answers.company"));
    }
}
