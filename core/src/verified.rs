//! A verified message: typed content plus the body exactly as received.

use std::ops::Deref;
use std::sync::Arc;

/// A message whose signature this library verified, with its typed content and the raw body
/// (for audit logs). Only the library makes one: see [`crate::Callback`] and
/// [`crate::StatusReport`]. Dereferences to the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T> {
    data: T,
    raw: String,
    key_label: Arc<str>,
}

impl<T> Verified<T> {
    pub(crate) fn new(data: T, raw: &str, key_label: Arc<str>) -> Verified<T> {
        Verified {
            data,
            raw: raw.to_owned(),
            key_label,
        }
    }

    /// The label of the key whose signature matched: [`crate::config::SIGNING_KEY_LABEL`]
    /// (`"current"`) for the project's signing key, else the label given to
    /// [`crate::Project::with_verification_key`] (secret rotation: once no message has matched
    /// an old key's label for 11 days, the platform's retry horizon, that key can go).
    /// Data API answers report `"token"`, their token's secret.
    pub fn key_label(&self) -> &str {
        &self.key_label
    }

    /// The body exactly as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The typed content.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// The typed content, taken (no copy: a Data API page's operations can be large).
    pub fn into_data(self) -> T {
        self.data
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}
