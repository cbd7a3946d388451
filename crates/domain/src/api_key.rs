//! API keys: the credentials integrations use instead of a person's password. A key acts for
//! the person who made it, never beyond their rights, and only within its scopes. It looks like
//! GitHub's tokens — a recognisable `mm_` prefix (secret scanners find it), 30 random
//! characters and a CRC32 checksum in six more — so a mistyped or made-up key is refused before
//! any lookup. The key is shown once; only its hash and its first characters are kept.

use chrono::{DateTime, Duration, Utc};
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr, VariantNames};

use crate::{FieldErrors, required_text};

/// What a key may do, on top of what its person may.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    VariantNames,
    EnumIter,
)]
pub enum Scope {
    #[strum(serialize = "bookings:read")]
    BookingsRead,
    #[strum(serialize = "bookings:write")]
    BookingsWrite,
    #[strum(serialize = "availability:read")]
    AvailabilityRead,
    #[strum(serialize = "settings:read")]
    SettingsRead,
    #[strum(serialize = "settings:write")]
    SettingsWrite,
    #[strum(serialize = "webhooks:write")]
    WebhooksWrite,
}

/// Every key starts so.
pub const KEY_PREFIX: &str = "mm_";
/// Random characters after the prefix: 30 of 62 letters and digits, about 178 bits.
pub const RANDOM_LENGTH: usize = 30;
const CHECKSUM_LENGTH: usize = 6;
/// How much of the random part is kept to recognise a key in a list.
const SHOWN_LENGTH: usize = 8;
/// The longest a key may live.
pub const LONGEST_LIFE_DAYS: i64 = 366;
/// A key's life when its maker names none.
pub const DEFAULT_LIFE_DAYS: i64 = 90;

const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// A well-formed key: the prefix, the random part and a checksum that matches it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeyToken(String);

impl std::fmt::Debug for ApiKeyToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeyToken({}…)", self.prefix())
    }
}

/// The checksum of a random part, in six base-62 digits.
fn checksum(random: &str) -> String {
    let mut n = CRC32.checksum(random.as_bytes());
    let mut digits = [b'0'; CHECKSUM_LENGTH];
    for digit in digits.iter_mut().rev() {
        *digit = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    digits.iter().map(|d| char::from(*d)).collect()
}

impl ApiKeyToken {
    /// The key whose random part is `random` (30 letters and digits, drawn by the caller);
    /// `None` for anything else.
    pub fn from_random(random: &str) -> Option<Self> {
        let valid =
            random.len() == RANDOM_LENGTH && random.bytes().all(|b| b.is_ascii_alphanumeric());
        valid.then(|| Self(format!("{KEY_PREFIX}{random}{}", checksum(random))))
    }

    /// A key as a client sent it, if it is one: the prefix, the length and the checksum hold.
    pub fn parse(text: &str) -> Option<Self> {
        let body = text.strip_prefix(KEY_PREFIX)?;
        if body.len() != RANDOM_LENGTH + CHECKSUM_LENGTH || !body.is_ascii() {
            return None;
        }
        let (random, sum) = body.split_at(RANDOM_LENGTH);
        let key = Self::from_random(random)?;
        (checksum(random) == sum).then_some(key)
    }

    /// Whether `text` claims to be a key (rather than a staff session's token).
    pub fn looks_like(text: &str) -> bool {
        text.starts_with(KEY_PREFIX)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What lists show of it: the prefix and the first characters.
    pub fn prefix(&self) -> &str {
        &self.0[..KEY_PREFIX.len() + SHOWN_LENGTH]
    }
}

/// A key as kept: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: uuid::Uuid,
    /// The staff user it acts for.
    pub user_id: uuid::Uuid,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub expires_utc: DateTime<Utc>,
    pub created_utc: DateTime<Utc>,
    pub last_used_utc: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// Whether the key allows `scope`.
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// A key to make, as its maker asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    /// Each once, in the contract's order.
    pub scopes: Vec<Scope>,
    pub expires_utc: DateTime<Utc>,
}

impl NewApiKey {
    /// Checks a request made at `now`: a name, at least one known scope, and an expiry in the
    /// future within a year ([`DEFAULT_LIFE_DAYS`] when none is given).
    pub fn parse(
        name: &str,
        scopes: &[String],
        expires_utc: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", required_text(name, 100));
        let mut parsed: Vec<Scope> = Vec::new();
        for scope in scopes {
            match scope.parse::<Scope>() {
                Ok(scope) if !parsed.contains(&scope) => parsed.push(scope),
                Ok(_) => {}
                Err(_) => errors.add(
                    "scopes",
                    format!(
                        "'{scope}' is not a scope; choose from {}",
                        Scope::VARIANTS.join(", ")
                    ),
                ),
            }
        }
        if scopes.is_empty() {
            errors.add("scopes", "name at least one scope");
        }
        parsed.sort();
        let expires_utc = expires_utc.unwrap_or(now + Duration::days(DEFAULT_LIFE_DAYS));
        if expires_utc <= now {
            errors.add("expires_at", "must be in the future");
        } else if expires_utc > now + Duration::days(LONGEST_LIFE_DAYS) {
            errors.add(
                "expires_at",
                format!("must be within {LONGEST_LIFE_DAYS} days"),
            );
        }
        match name {
            Some(name) if errors.is_empty() => Ok(Self {
                name,
                scopes: parsed,
                expires_utc,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    const RANDOM: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123";

    #[test]
    fn a_key_carries_its_prefix_and_a_checksum_that_catches_a_typo() {
        let key = ApiKeyToken::from_random(RANDOM).unwrap();
        assert!(key.as_str().starts_with("mm_AbCdEfGh"));
        assert_eq!(key.as_str().len(), 3 + 30 + 6);
        assert_eq!(key.prefix(), "mm_AbCdEfGh");
        assert_eq!(ApiKeyToken::parse(key.as_str()), Some(key.clone()));

        let mut typo = key.as_str().to_owned();
        typo.replace_range(10..11, "X");
        assert_eq!(ApiKeyToken::parse(&typo), None, "one character off");
        assert_eq!(ApiKeyToken::parse(&key.as_str()[1..]), None);
        assert_eq!(ApiKeyToken::parse("mm_short"), None);
        assert_eq!(
            ApiKeyToken::parse("mm_ÄbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
            None
        );
        assert!(ApiKeyToken::from_random("too short").is_none());
        assert!(
            !format!("{key:?}").contains(RANDOM),
            "debug output hides the secret"
        );
    }

    #[test]
    fn a_new_key_needs_a_name_known_scopes_and_an_expiry_within_a_year() {
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        let scopes = |s: &[&str]| s.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let key = NewApiKey::parse(
            "Zapier",
            &scopes(&["bookings:write", "bookings:read", "bookings:read"]),
            None,
            now,
        )
        .unwrap();
        assert_eq!(key.scopes, [Scope::BookingsRead, Scope::BookingsWrite]);
        assert_eq!(key.expires_utc, now + Duration::days(90));

        let refused = NewApiKey::parse(
            " ",
            &scopes(&["bookings:delete"]),
            Some(now - Duration::minutes(1)),
            now,
        )
        .unwrap_err();
        for field in ["expires_at", "name", "scopes"] {
            assert!(refused.contains(field), "{field}: {refused}");
        }
        assert!(
            NewApiKey::parse(
                "x",
                &scopes(&["settings:read"]),
                Some(now + Duration::days(367)),
                now
            )
            .is_err()
        );
        assert!(NewApiKey::parse("x", &[], None, now).is_err());
    }
}
