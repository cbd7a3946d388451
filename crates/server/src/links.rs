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

impl LinkKeys {
    /// A colleague's link to answer an internal meeting's invitation: it names the booking and
    /// the person and proves itself (no row holds it): the two ids and 128 bits of their HMAC,
    /// URL-safe base64 (64 characters).
    pub fn invitation_token(&self, booking_id: Uuid, user_id: Uuid) -> String {
        let mut bytes = Vec::with_capacity(48);
        bytes.extend_from_slice(booking_id.as_bytes());
        bytes.extend_from_slice(user_id.as_bytes());
        bytes.extend_from_slice(&self.invitation_mac(booking_id, user_id)[..16]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The booking and person an invitation token names, if it is one this server made.
    pub fn read_invitation(&self, token: &str) -> Option<(Uuid, Uuid)> {
        let bytes = URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?;
        if bytes.len() != 48 {
            return None;
        }
        let booking_id = Uuid::from_slice(&bytes[..16]).ok()?;
        let user_id = Uuid::from_slice(&bytes[16..32]).ok()?;
        let expected = self.invitation_mac(booking_id, user_id);
        // Compared in constant time: a token is a credential.
        let same = bytes[32..]
            .iter()
            .zip(&expected[..16])
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        same.then_some((booking_id, user_id))
    }

    fn invitation_mac(&self, booking_id: Uuid, user_id: Uuid) -> [u8; 32] {
        hmac_sha256(
            &self.key,
            &[b"invitation:", booking_id.as_bytes(), user_id.as_bytes()],
        )
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

    #[test]
    fn an_invitation_token_names_its_booking_and_person_and_resists_tampering() {
        let keys = LinkKeys::new(b"a secret");
        let (booking, person) = (Uuid::from_u128(42), Uuid::from_u128(7));
        let token = keys.invitation_token(booking, person);
        assert_eq!(token.len(), 64);
        assert_eq!(keys.read_invitation(&token), Some((booking, person)));
        // Another person's id with this MAC, another server's token, garbage: nothing.
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[31] ^= 1;
        assert_eq!(keys.read_invitation(&URL_SAFE_NO_PAD.encode(&bytes)), None);
        assert_eq!(LinkKeys::new(b"another").read_invitation(&token), None);
        assert_eq!(keys.read_invitation("not-a-token"), None);
        assert_eq!(keys.read_invitation(&token[..40]), None);
    }
}
