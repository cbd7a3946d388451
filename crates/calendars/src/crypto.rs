//! Calendar tokens at rest: AES-256-GCM under the installation's key (`MM_ENCRYPTION_KEY`, 32
//! bytes in base64). Each value gets a fresh random nonce and is stored as
//! `v1:<base64 of nonce ‖ ciphertext ‖ tag>`, so a stolen database holds no usable token and a
//! changed byte is detected rather than decrypted into garbage.

use aes_gcm::{
    Aes256Gcm, Key, KeyInit, Nonce,
    aead::{Aead, AeadCore, OsRng},
};
use base64::{Engine as _, engine::general_purpose::STANDARD};

const VERSION: &str = "v1:";
const NONCE_BYTES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("MM_ENCRYPTION_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)")]
    BadKey,
    #[error("a stored token cannot be decrypted: wrong key or damaged value")]
    Undecryptable,
    #[error("the token is too long to encrypt")]
    TooLong,
}

/// Encrypts and decrypts tokens; cheap to clone.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher([key redacted])")
    }
}

impl TokenCipher {
    /// The cipher for a base64 key of exactly 32 bytes.
    pub fn from_base64_key(key: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD
            .decode(key.trim())
            .map_err(|_| CryptoError::BadKey)?;
        if bytes.len() != 32 {
            return Err(CryptoError::BadKey);
        }
        Ok(Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)),
        })
    }

    pub fn encrypt(&self, token: &str) -> Result<String, CryptoError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, token.as_bytes())
            .map_err(|_| CryptoError::TooLong)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", STANDARD.encode(out)))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let raw = stored
            .strip_prefix(VERSION)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|raw| raw.len() > NONCE_BYTES)
            .ok_or(CryptoError::Undecryptable)?;
        let (nonce, sealed) = raw.split_at(NONCE_BYTES);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| CryptoError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // "0123456789abcdef" twice

    #[test]
    fn a_token_comes_back_as_it_went_in_and_never_appears_in_what_is_stored() {
        let cipher = TokenCipher::from_base64_key(KEY).unwrap();
        let stored = cipher.encrypt("ya29.a0AfH6SMB-secret-token").unwrap();
        assert!(stored.starts_with("v1:"));
        assert!(!stored.contains("secret"));
        assert_eq!(
            cipher.decrypt(&stored).unwrap(),
            "ya29.a0AfH6SMB-secret-token"
        );
    }

    #[test]
    fn the_same_token_encrypts_differently_each_time() {
        let cipher = TokenCipher::from_base64_key(KEY).unwrap();
        assert_ne!(
            cipher.encrypt("token").unwrap(),
            cipher.encrypt("token").unwrap()
        );
    }

    #[test]
    fn a_changed_byte_or_another_key_is_refused() {
        let cipher = TokenCipher::from_base64_key(KEY).unwrap();
        let stored = cipher.encrypt("token").unwrap();
        let mut raw = STANDARD.decode(&stored[3..]).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("v1:{}", STANDARD.encode(raw));
        assert_eq!(cipher.decrypt(&tampered), Err(CryptoError::Undecryptable));
        let other =
            TokenCipher::from_base64_key("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=").unwrap();
        assert_eq!(other.decrypt(&stored), Err(CryptoError::Undecryptable));
        assert_eq!(cipher.decrypt("plain"), Err(CryptoError::Undecryptable));
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(TokenCipher::from_base64_key("c2hvcnQ=").is_err());
        assert!(TokenCipher::from_base64_key("not base64!").is_err());
        assert!(format!("{:?}", TokenCipher::from_base64_key(KEY).unwrap()).contains("redacted"));
    }
}
