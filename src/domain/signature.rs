//! The campaign secret: 32 random bytes the store keeps in `DIR/secret.key`, never written into a
//! workbook.
//! Workbooks carry an HMAC-SHA256 made with it, so a returned workbook's hidden sheet cannot be
//! edited or forged without the change being seen.
//!
//! Protection: on Unix the file is created with mode 0600 (owner only). On Windows it inherits
//! the campaign folder's ACL (under the user's profile, that is the user and administrators).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A campaign's signing key.
#[derive(Clone)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// A new random secret from the OS.
    pub fn generate() -> Secret {
        use rand_chacha::rand_core::{RngCore, SeedableRng};
        let mut key = [0u8; 32];
        rand_chacha::ChaCha20Rng::from_os_rng().fill_bytes(&mut key);
        Secret(key)
    }

    /// A fingerprint of the key for the manifest (16 hex digits of a tagged SHA-256): names the
    /// key without revealing it, so a replaced or lost key is told apart from the right one.
    pub fn fingerprint(&self) -> String {
        let mut tagged = b"audit-secret-fingerprint-v1\n".to_vec();
        tagged.extend_from_slice(&self.0);
        super::digest::sha256_hex(&tagged)[..16].to_string()
    }

    /// The file's text: the key in hex.
    pub fn to_file_text(&self) -> String {
        format!("{}\n", super::digest::hex(&self.0))
    }

    /// Parse the file's text; `None` if it is not 64 hex digits.
    pub fn from_file_text(text: &str) -> Option<Secret> {
        let t = text.trim();
        if t.len() != 64 || !t.is_ascii() {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, b) in key.iter_mut().enumerate() {
            *b = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Secret(key))
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail for a 32-byte key.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(payload);
        mac
    }

    /// HMAC-SHA256 of `payload`, in hex.
    pub fn sign(&self, payload: &[u8]) -> String {
        super::digest::hex(&self.mac(payload).finalize().into_bytes())
    }

    /// Whether `signature` (hex) is this secret's HMAC of `payload` (constant-time compare).
    pub fn verify(&self, payload: &[u8], signature: &str) -> bool {
        let Some(bytes) = super::digest::decode_hex(signature.trim()) else {
            return false;
        };
        self.mac(payload).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_detects_any_change_and_another_key() {
        let s = Secret::generate();
        let sig = s.sign(b"campaign|sample|ids");
        assert!(s.verify(b"campaign|sample|ids", &sig));
        assert!(!s.verify(b"campaign|sample|idz", &sig));
        assert!(!Secret::generate().verify(b"campaign|sample|ids", &sig));
        assert!(!s.verify(b"campaign|sample|ids", "zz"));
        let back = Secret::from_file_text(&s.to_file_text()).unwrap();
        assert!(back.verify(b"campaign|sample|ids", &sig));
        assert!(Secret::from_file_text("short").is_none());
    }

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2 checks the HMAC construction itself (key "Jefe").
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            crate::domain::digest::hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
