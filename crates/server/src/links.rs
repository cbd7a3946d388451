//! Customers' self-service links. A link's token is an HMAC of the booking id under a key derived
//! from the server's secret, so every email about a booking carries the same working links; the
//! database keeps only SHA-256 hashes of tokens, to find the booking a token names.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use mm_store::LinkHashes;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::{derive_key, hmac_sha256};

#[derive(Clone)]
pub struct LinkKeys {
    key: [u8; 32],
}

impl std::fmt::Debug for LinkKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKeys([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Cancel,
    Reschedule,
}

/// A booking's two tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub cancel: String,
    pub reschedule: String,
}

impl LinkKeys {
    /// The key derived from the server secret for customers' links alone: whoever learns it
    /// (or a link) learns nothing of the key that signs staff sessions.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: derive_key(secret, "meeting-manager booking links v1"),
        }
    }

    /// 256 bits, URL-safe base64 (43 characters).
    pub fn token(&self, booking_id: Uuid, purpose: Purpose) -> String {
        let label: &[u8] = match purpose {
            Purpose::Cancel => b"cancel:",
            Purpose::Reschedule => b"reschedule:",
        };
        URL_SAFE_NO_PAD.encode(hmac_sha256(&self.key, &[label, booking_id.as_bytes()]))
    }

    pub fn tokens(&self, booking_id: Uuid) -> Tokens {
        Tokens {
            cancel: self.token(booking_id, Purpose::Cancel),
            reschedule: self.token(booking_id, Purpose::Reschedule),
        }
    }

    pub fn hashes(&self, booking_id: Uuid) -> LinkHashes {
        let tokens = self.tokens(booking_id);
        LinkHashes {
            cancel: hash(&tokens.cancel),
            reschedule: hash(&tokens.reschedule),
        }
    }
}

/// What the database stores and looks tokens up by.
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_booking_and_purpose_and_unguessable_in_length() {
        let keys = LinkKeys::new(b"a secret");
        let booking = Uuid::from_u128(42);
        let cancel = keys.token(booking, Purpose::Cancel);
        assert_eq!(cancel, keys.token(booking, Purpose::Cancel));
        assert_ne!(cancel, keys.token(booking, Purpose::Reschedule));
        assert_ne!(cancel, keys.token(Uuid::from_u128(43), Purpose::Cancel));
        // 256 bits in URL-safe base64 without padding.
        assert_eq!(cancel.len(), 43);
        assert!(
            cancel
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }

    #[test]
    fn a_token_is_the_same_as_links_already_sent_carry() {
        // HMAC-SHA256(HMAC-SHA256(secret, label), "cancel:" ‖ id), as every earlier version made
        // it: changing it would break the links in emails already sent.
        assert_eq!(
            LinkKeys::new(b"a secret").token(Uuid::from_u128(42), Purpose::Cancel),
            "bXW7oo9-24WG1ydf6TRwIlk22sA_dQED5LTODrp5qYE"
        );
    }

    #[test]
    fn another_secret_gives_other_tokens() {
        let booking = Uuid::from_u128(42);
        assert_ne!(
            LinkKeys::new(b"one").token(booking, Purpose::Cancel),
            LinkKeys::new(b"two").token(booking, Purpose::Cancel)
        );
    }

    #[test]
    fn only_the_hash_is_kept_and_it_is_hex_sha256() {
        let h = hash("token");
        assert_eq!(h.len(), 64);
        assert_ne!(h, "token");
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
