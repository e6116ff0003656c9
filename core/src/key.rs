//! Key material: the merchant's secret key, redacted in output and wiped from memory on drop,
//! with the HMAC-SHA512 state keyed by it.

use std::fmt;

use hmac::{Hmac, KeyInit};
use sha2::Sha512;
use zeroize::Zeroizing;

/// HMAC-SHA512, the platform's signature primitive (SPEC §2).
pub(crate) type HmacSha512 = Hmac<Sha512>;

/// The merchant's secret key: redacted in `Debug`/`Display`, wiped from memory on drop.
///
/// ```
/// use wallet_partner::SecretKey;
/// let key = SecretKey::new("s3cr3t");
/// assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
/// assert!(!format!("{key}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct SecretKey {
    text: Zeroizing<String>,
    mac: HmacSha512,
}

impl SecretKey {
    /// Wraps a secret key (the project's key from the ECommPay dashboard).
    pub fn new(secret: impl Into<String>) -> SecretKey {
        let text = Zeroizing::new(secret.into());
        let mac = <HmacSha512 as KeyInit>::new_from_slice(text.as_bytes())
            .expect("HMAC accepts keys of any length");
        SecretKey { text, mac }
    }

    /// True when the key is the empty string (never valid for a real project).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub(crate) fn mac(&self) -> HmacSha512 {
        self.mac.clone()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
