//! The service's secret key and what is derived from it: signatures (CSRF tokens, certificate codes) and
//! encryption at rest (personal numbers). Each use gets its own subkey, so a token for one purpose is never
//! accepted for another.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(****)")
    }
}

/// What a derived key is for. Adding a purpose here is the only way to get a new key.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    Csrf,
    AtRest,
    Certificate,
    Session,
    SignInCode,
    Invitation,
    PendingEmail,
    /// The issuing-body callback key in demo mode (outside demo mode it is configured, never derived).
    DemoIssuingBody,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Csrf => b"madoguchi/csrf/v1",
            Purpose::AtRest => b"madoguchi/at-rest/v1",
            Purpose::Certificate => b"madoguchi/certificate/v1",
            Purpose::Session => b"madoguchi/session/v1",
            Purpose::SignInCode => b"madoguchi/sign-in-code/v1",
            Purpose::Invitation => b"madoguchi/invitation/v1",
            Purpose::PendingEmail => b"madoguchi/pending-email/v1",
            Purpose::DemoIssuingBody => b"madoguchi/demo-issuing-body/v1",
        }
    }
}

impl SecretKey {
    pub fn generate() -> SecretKey {
        let mut k = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        SecretKey(k)
    }

    pub fn from_hex(text: &str) -> Option<SecretKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(SecretKey(bytes.try_into().ok()?))
    }

    /// Reads the key kept under the data folder, or makes one and keeps it there (readable by the owner only).
    pub fn load_or_create(path: &Path) -> std::io::Result<SecretKey> {
        let read = |path: &Path| -> std::io::Result<SecretKey> {
            let text = std::fs::read_to_string(path)?;
            SecretKey::from_hex(&text).ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{} is not a key", path.display()))
            })
        };
        if path.exists() {
            return read(path);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private_files::create_dir(dir)?;
        }
        let key = SecretKey::generate();
        // Created 0600, never widened later: no moment in which another user could read it.
        match crate::private_files::create_new_file(path) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, hex::encode(key.0).as_bytes())?;
                file.sync_all()?;
                Ok(key)
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(path),
            Err(e) => Err(e),
        }
    }

    fn derive(&self, purpose: Purpose) -> [u8; 32] {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.label());
        mac.finalize().into_bytes().into()
    }

    /// A URL-safe signature of `data` for `purpose`.
    pub fn sign(&self, purpose: Purpose, data: &[u8]) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.derive(purpose)).expect("any key length");
        mac.update(data);
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Checks a signature made by [`SecretKey::sign`] in constant time.
    pub fn verify(&self, purpose: Purpose, data: &[u8], signature: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.derive(purpose)).expect("any key length");
        mac.update(data);
        mac.verify_slice(&given).is_ok()
    }

    /// Encrypts for storage. The output is text (nonce and ciphertext, base64) so it fits a TEXT column.
    pub fn seal(&self, plaintext: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new(&self.derive(Purpose::AtRest).into());
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = cipher.encrypt(XNonce::from_slice(&nonce), plaintext).expect("encryption cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// Decrypts what [`SecretKey::seal`] made; `None` when it was altered or sealed with another key.
    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, body) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new(&self.derive(Purpose::AtRest).into());
        cipher.decrypt(XNonce::from_slice(nonce), body).ok()
    }

    /// A keyed hash for looking a value up without storing it in clear (one-time codes, personal numbers).
    pub fn blind_index(&self, purpose: Purpose, value: &[u8]) -> String {
        self.sign(purpose, value)
    }
}

/// Random URL-safe text with `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_bound_to_their_purpose_and_key() {
        let k = SecretKey::generate();
        let s = k.sign(Purpose::Csrf, b"abc");
        assert!(k.verify(Purpose::Csrf, b"abc", &s));
        assert!(!k.verify(Purpose::Csrf, b"abd", &s));
        assert!(!k.verify(Purpose::Certificate, b"abc", &s));
        assert!(!SecretKey::generate().verify(Purpose::Csrf, b"abc", &s));
        assert!(!k.verify(Purpose::Csrf, b"abc", "not base64 !"));
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_unaltered() {
        let k = SecretKey::generate();
        let sealed = k.seal(b"123456789018");
        assert!(!sealed.contains("123456789018"));
        assert_ne!(sealed, k.seal(b"123456789018"), "a fresh nonce each time");
        assert_eq!(k.open(&sealed).unwrap(), b"123456789018");
        assert!(SecretKey::generate().open(&sealed).is_none());
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert!(k.open(std::str::from_utf8(&altered).unwrap()).is_none());
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let k = SecretKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(format!("{k:?}"), "SecretKey(****)");
        assert!(SecretKey::from_hex("abcd").is_none());
    }
}
