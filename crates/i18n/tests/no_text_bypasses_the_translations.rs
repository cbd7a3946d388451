//! No sentence a person reads is written in Rust: in the sources that render for people, every
//! string literal that reads as words (two words in a row) fails this test, so a new text must go
//! through `locales/*.ftl` and reach every language. Markup, headers and formats are not words.

use std::path::{Path, PathBuf};

/// Sources whose every text comes from the translations. Tests at their end (`#[cfg(test)]`)
/// are not read.
const TRANSLATED: &[&str] = &[
    "crates/notify/src/email.rs",
    "crates/notify/src/sms.rs",
    "crates/server/src/language.rs",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The string literals of Rust `source` before its tests, comments left out.
fn literals(source: &str) -> Vec<String> {
    let source = source.split("#[cfg(test)]").next().unwrap_or_default();
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1).copied()) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            ('r', Some('"' | '#')) if i == 0 || !chars[i - 1].is_alphanumeric() => {
                let mut j = i + 1;
                let mut hashes = 0;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let start = j + 1;
                let mut end = start;
                while end < chars.len() {
                    if chars[end] == '"'
                        && (0..hashes).all(|h| chars.get(end + 1 + h) == Some(&'#'))
                    {
                        break;
                    }
                    end += 1;
                }
                found.push(chars[start..end.min(chars.len())].iter().collect());
                i = end + 1 + hashes;
            }
            ('"', _) => {
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        text.push(*c);
                    }
                    i += 1;
                }
                found.push(text);
                i += 1;
            }
            // A char literal ('"' included); a lifetime has no closing quote two places on.
            ('\'', Some('\\')) => i += 4,
            ('\'', Some(_)) if chars.get(i + 2) == Some(&'\'') => i += 3,
            _ => i += 1,
        }
    }
    found
}

/// Two words in a row: "Booking confirmed", "in 1 hour" — text for a reader.
fn reads_as_words(literal: &str) -> bool {
    if literal.contains('<') && literal.contains('>') {
        return false; // markup
    }
    let words: Vec<&str> = literal.split_whitespace().collect();
    words.windows(2).any(|pair| {
        pair.iter()
            .all(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.contains('{'))
    })
}

#[test]
fn rendering_sources_write_no_words_of_their_own() {
    let mut bypassing = Vec::new();
    for file in TRANSLATED {
        let path = workspace().join(file);
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for literal in literals(&source) {
            if reads_as_words(&literal) {
                bypassing.push(format!("{file}: {literal:?}"));
            }
        }
    }
    assert!(
        bypassing.is_empty(),
        "texts written in Rust instead of locales/*.ftl:\n{}",
        bypassing.join("\n")
    );
}

#[test]
fn the_check_finds_a_sentence_and_passes_markup_and_formats() {
    let source = r##"
        // "A comment about things"
        fn f() { let a = "Booking confirmed: {title}"; let b = "<p>{}</p>"; let c = "{}: {}"; }
        fn g<'a>(x: &'a str) -> char { let d = r#"Raw words here"#; '"' }
        #[cfg(test)]
        mod tests { const T: &str = "test words are fine"; }
    "##;
    let found = literals(source);
    assert_eq!(
        found,
        [
            "Booking confirmed: {title}",
            "<p>{}</p>",
            "{}: {}",
            "Raw words here"
        ]
    );
    let flagged: Vec<&String> = found.iter().filter(|l| reads_as_words(l)).collect();
    assert_eq!(flagged, ["Booking confirmed: {title}", "Raw words here"]);
}
