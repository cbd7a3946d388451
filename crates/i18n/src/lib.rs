//! Meeting Manager's languages: every text a person reads — on the booking pages, in the staff
//! app, in emails, invites and text messages, in API error messages — comes from here, in the
//! reader's language.
//!
//! The texts live in `locales/<code>.ftl` (Fluent), which a translator edits without reading
//! Rust; the build turns them into one method per message on [`Texts`], so a message missing
//! from a language or called with the wrong arguments fails the build. Dates and times are
//! written in each language's own format here too ("tirsdag den 4. juni 2019", 24-hour times).
//! It must not know where a text goes (HTTP, SMTP, the DOM): it only writes it.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// The texts of one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts {
    language: Language,
}

impl Language {
    /// The texts in this language.
    pub const fn texts(self) -> Texts {
        Texts { language: self }
    }

    /// A language tag (`da`, `da-DK`, `EN_gb`) as one we speak, by its primary subtag.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Self::ALL
            .into_iter()
            .find(|language| language.code().eq_ignore_ascii_case(primary))
    }

    /// The language to answer an `Accept-Language` header in: the one we speak with the
    /// highest weight (`q`), the first listed among equals; `None` when none is spoken.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut best: Option<(Self, u16)> = None;
        // A header is short; a hostile one with thousands of entries costs no more than 32.
        for range in accept_language.split(',').take(32) {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), quality)
                .unwrap_or(0);
            let Some(language) = Self::from_tag(tag) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((language, weight));
            }
        }
        best.map(|(language, _)| language)
    }
}

/// A `q` value (`0`, `0.8`, `1.000`) in thousandths; `None` when it is not one.
fn quality(q: &str) -> Option<u16> {
    let value: f32 = q.trim().parse().ok()?;
    // Rounded and bounded above: the result fits in u16.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;

    /// Exactly one of the codes we speak (`da`, `en`): what is stored and sent in the API.
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|language| language.code() == code)
            .ok_or(UnknownLanguage)
    }
}

/// A language code Meeting Manager does not speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownLanguage;

impl std::fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let codes: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
        write!(f, "must be one of {}", codes.join(", "))
    }
}

impl std::error::Error for UnknownLanguage {}

impl Texts {
    pub const fn language(&self) -> Language {
        self.language
    }

    /// `Tuesday 4 June 2019` / `tirsdag den 4. juni 2019`.
    pub fn long_date(&self, date: NaiveDate) -> String {
        self.date_long(
            &self.weekday_name(u64::from(date.weekday().number_from_monday())),
            &date.day().to_string(),
            &self.month_name(u64::from(date.month())),
            &date.year().to_string(),
        )
    }

    /// `Tue 4 Jun` / `tir. 4. jun.`: for a text message.
    pub fn short_date(&self, date: NaiveDate) -> String {
        self.date_short(
            &self.weekday_abbreviation(u64::from(date.weekday().number_from_monday())),
            &date.day().to_string(),
            &self.month_abbreviation(u64::from(date.month())),
        )
    }

    /// `09:00`: 24-hour time, the same separator in every language.
    pub fn time(&self, time: NaiveTime) -> String {
        format!("{:02}:{:02}", time.hour(), time.minute())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn a_danish_long_date_reads_weekday_den_day_month_year() {
        assert_eq!(
            Language::Da.texts().long_date(date(2019, 6, 4)),
            "tirsdag den 4. juni 2019"
        );
        assert_eq!(
            Language::En.texts().long_date(date(2019, 6, 4)),
            "Tuesday 4 June 2019"
        );
    }

    #[test]
    fn every_weekday_and_month_has_its_own_name_in_every_language() {
        for language in Language::ALL {
            let t = language.texts();
            let days: std::collections::BTreeSet<String> =
                (1..=7).map(|d| t.weekday_name(d)).collect();
            let months: std::collections::BTreeSet<String> =
                (1..=12).map(|m| t.month_name(m)).collect();
            assert_eq!(days.len(), 7, "{language}");
            assert_eq!(months.len(), 12, "{language}");
        }
    }

    #[test]
    fn counts_take_the_singular_for_one_and_the_plural_otherwise() {
        let en = Language::En.texts();
        let da = Language::Da.texts();
        assert_eq!(en.meeting_count(1), "1 meeting");
        assert_eq!(en.meeting_count(2), "2 meetings");
        assert_eq!(en.meeting_count(0), "0 meetings");
        assert_eq!(da.meeting_count(1), "1 møde");
        assert_eq!(da.meeting_count(2), "2 møder");
    }

    #[test]
    fn accept_language_picks_the_spoken_language_with_the_highest_weight() {
        assert_eq!(
            Language::negotiate("da-DK,da;q=0.9,en;q=0.8"),
            Some(Language::Da)
        );
        assert_eq!(
            Language::negotiate("fr-FR, en;q=0.5, da;q=0.7"),
            Some(Language::Da)
        );
        assert_eq!(Language::negotiate("en-GB,en;q=0.9"), Some(Language::En));
        assert_eq!(Language::negotiate("fr, de"), None);
        assert_eq!(Language::negotiate("da;q=0, en;q=0.1"), Some(Language::En));
        assert_eq!(Language::negotiate("da;q=nonsense"), None);
        assert_eq!(Language::negotiate(""), None);
    }

    #[test]
    fn a_stored_code_is_exactly_a_spoken_language() {
        assert_eq!("da".parse::<Language>(), Ok(Language::Da));
        assert_eq!("en".parse::<Language>(), Ok(Language::En));
        assert_eq!("DA".parse::<Language>(), Err(UnknownLanguage));
        assert_eq!("de".parse::<Language>(), Err(UnknownLanguage));
        assert_eq!(Language::from_tag("DA-dk"), Some(Language::Da));
    }

    #[test]
    fn every_language_names_itself() {
        assert_eq!(Language::Da.own_name(), "Dansk");
        assert_eq!(Language::En.own_name(), "English");
    }
}
