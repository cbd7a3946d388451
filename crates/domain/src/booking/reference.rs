//! The reference a customer quotes: `BK-` and eight uppercase letters or digits.

use std::fmt;

const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LENGTH: usize = 8;

/// `BK-A7F92K1X`: 36⁸ ≈ 2.8 × 10¹² possibilities, so a collision is rare but possible; the
/// database's unique index has the last word and the caller draws again.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BookingReference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a booking reference is BK- followed by 8 uppercase letters or digits")]
pub struct InvalidReference;

impl BookingReference {
    /// The reference spelled by a random number (the caller draws it; this crate has no
    /// randomness). Eight base-36 digits of a uniform `u64` are uniform to within 10⁻⁶.
    pub fn from_random(mut random: u64) -> Self {
        let mut code = String::with_capacity(3 + LENGTH);
        code.push_str("BK-");
        for _ in 0..LENGTH {
            code.push(char::from(ALPHABET[(random % 36) as usize]));
            random /= 36;
        }
        Self(code)
    }

    pub fn parse(s: &str) -> Result<Self, InvalidReference> {
        let code = s.strip_prefix("BK-").ok_or(InvalidReference)?;
        if code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidReference)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BookingReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_reference_is_bk_and_eight_uppercase_letters_or_digits() {
        let reference = BookingReference::from_random(0x0123_4567_89ab_cdef);
        let code = reference.as_str().strip_prefix("BK-").unwrap();
        assert_eq!(code.len(), 8);
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in [
            "BK-A7F92K1",
            "BK-A7F92K1XY",
            "bk-A7F92K1X",
            "BK-a7f92k1x",
            "A7F92K1X",
            "",
        ] {
            assert_eq!(BookingReference::parse(bad), Err(InvalidReference), "{bad}");
        }
        assert!(BookingReference::parse("BK-A7F92K1X").is_ok());
    }

    proptest! {
        #[test]
        fn every_generated_reference_parses(random: u64) {
            let reference = BookingReference::from_random(random);
            prop_assert_eq!(BookingReference::parse(reference.as_str()), Ok(reference));
        }

        #[test]
        fn different_low_digits_give_different_references(a in 0u64..36u64.pow(8), b in 0u64..36u64.pow(8)) {
            prop_assume!(a != b);
            prop_assert_ne!(BookingReference::from_random(a), BookingReference::from_random(b));
        }
    }
}
