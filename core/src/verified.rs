//! A verified message: typed content plus the body exactly as received.

use std::ops::Deref;

/// A message whose signature this library verified, with its typed content and the raw body
/// (for audit logs). Only the library makes one: see [`crate::Callback`] and
/// [`crate::StatusReport`]. Dereferences to the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T> {
    data: T,
    raw: String,
}

impl<T> Verified<T> {
    pub(crate) fn new(data: T, raw: &str) -> Verified<T> {
        Verified {
            data,
            raw: raw.to_owned(),
        }
    }

    /// The body exactly as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The typed content.
    pub fn data(&self) -> &T {
        &self.data
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}
