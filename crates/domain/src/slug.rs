//! URL-safe identifiers for departments and meeting types.

use std::fmt;

/// A slug matching `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 80 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("is required")]
    Empty,
    #[error("must be at most 80 characters")]
    TooLong,
    #[error(
        "must be lowercase letters, digits and single hyphens between them (e.g. \"tech-support\")"
    )]
    Malformed,
}

impl Slug {
    pub const MAX_LEN: usize = 80;

    pub fn parse(s: &str) -> Result<Self, SlugError> {
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SlugError::TooLong);
        }
        let well_formed = s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(SlugError::Malformed)
        }
    }

    /// Derives a slug from a display name: "Technical Consultation" → "technical-consultation".
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut slug = String::with_capacity(name.len());
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.ends_with('-') {
            slug.pop();
        }
        slug.truncate(Self::MAX_LEN);
        Self::parse(slug.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_lowercase_words_joined_by_single_hyphens() {
        for ok in ["support", "30-min-call", "a", "tech-consultation-2"] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_what_is_not_url_safe() {
        for bad in [
            "", "Support", "-a", "a-", "a--b", "a b", "æble", "a_b", "a/b",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn name_becomes_slug() {
        assert_eq!(
            Slug::from_name("  Technical Consultation! ")
                .unwrap()
                .as_str(),
            "technical-consultation"
        );
        assert_eq!(
            Slug::from_name("30-min Call").unwrap().as_str(),
            "30-min-call"
        );
        assert!(Slug::from_name("!!!").is_err());
    }

    proptest! {
        #[test]
        fn every_derived_slug_parses(name in "\\PC{0,120}") {
            if let Ok(slug) = Slug::from_name(&name) {
                prop_assert!(Slug::parse(slug.as_str()).is_ok());
            }
        }
    }
}
