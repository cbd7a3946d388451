//! How we reach people: email addresses and phone numbers, checked once at the edge.

use std::fmt;

/// An email address: one `@`, a non-empty local part, a domain of dot-separated labels with at
/// least one dot, no whitespace or control characters, at most 254 characters. Stored as given,
/// with the domain lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("is required")]
    Empty,
    #[error("invalid email")]
    Invalid,
}

impl Email {
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        // Counted as sent too, as the contract's `maxLength` counts.
        let too_long = s.chars().count() > 254;
        let s = s.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if too_long || s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Invalid);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.contains('@');
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(format!("{local}@{}", domain.to_lowercase())))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number as a person types it: digits with optional spaces, dashes, dots, parentheses
/// and a leading `+`; at least 7 and at most 15 digits (E.164's limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("is required")]
    Empty,
    #[error(
        "invalid phone number: use digits with optional spaces, dashes, parentheses and a leading +"
    )]
    Malformed,
    #[error("phone number needs at least 7 digits")]
    TooShort,
    #[error("phone number has more than 15 digits")]
    TooLong,
}

impl Phone {
    pub fn parse(s: &str) -> Result<Self, PhoneError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = 0;
        for (i, c) in s.char_indices() {
            match c {
                '0'..='9' => digits += 1,
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneError::Malformed),
            }
        }
        match digits {
            0..7 => Err(PhoneError::TooShort),
            7..=15 => Ok(Self(s.to_owned())),
            _ => Err(PhoneError::TooLong),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in E.164 form (`+4512345678`) when it was written with its country code, which
    /// is what SMS providers need; a local number has none.
    pub fn e164(&self) -> Option<String> {
        self.0.starts_with('+').then(|| {
            std::iter::once('+')
                .chain(self.0.chars().filter(char::is_ascii_digit))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_numbers_with_a_country_code_have_an_e164_form() {
        let international = super::Phone::parse("+45 12-34 (56) 78").unwrap();
        assert_eq!(international.e164().as_deref(), Some("+4512345678"));
        assert_eq!(super::Phone::parse("555 123 4567").unwrap().e164(), None);
    }

    use super::*;

    #[test]
    fn ordinary_addresses_are_emails() {
        for ok in [
            "john@customer.com",
            "a.b+tag@mail.example.co.uk",
            "x@Example.COM",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Email::parse("x@Example.COM").unwrap().as_str(),
            "x@example.com"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "plain",
            "@x.com",
            "a@",
            "a@b",
            "a b@c.com",
            "a@b..com",
            "a@-b.com",
            "a@b.com\nx",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn phone_numbers_from_the_reference_are_accepted() {
        for ok in [
            "+1-555-123-4567",
            "(555) 123-4567",
            "555-123-4567",
            "+44 20 7123 4567",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn short_or_wordy_phone_numbers_are_refused() {
        assert_eq!(Phone::parse("123-456"), Err(PhoneError::TooShort));
        assert_eq!(Phone::parse("call me"), Err(PhoneError::Malformed));
        assert_eq!(Phone::parse("12+34567890"), Err(PhoneError::Malformed));
        assert_eq!(Phone::parse("1234567890123456"), Err(PhoneError::TooLong));
    }
}
