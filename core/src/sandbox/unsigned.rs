//! A callback the sandbox made, kept until it is signed: what an HTTP stand-in sends after
//! releasing its lock (and never writes out when nobody receives it).

use crate::error::{Error, Result};
use crate::signature::{self, SecretKey};

use super::operation::Operation;
use super::{Message, Sandbox, SandboxPayment};

/// A callback the sandbox made but has not signed yet (the `_unsigned` twins of
/// [`Sandbox::start_sale`], [`Sandbox::finish_sale`] and [`Sandbox::complete_refund`]): an HTTP
/// stand-in signs it when it sends it, outside its lock, and not at all when nobody receives it.
/// [`Unsigned::sign`] gives the bytes the signing twin returns.
#[derive(Debug, Clone)]
pub struct Unsigned {
    pub(super) callback: Box<Made>,
    pub(super) operation_type: &'static str,
    pub(super) operation_status: &'static str,
}

/// What a callback shows, as it was when the sandbox made it (written out only when signed).
#[derive(Debug, Clone)]
pub(super) struct Made {
    pub(super) project_id: u64,
    pub(super) payment_id: String,
    /// The payment's parts a message shows (see [`SandboxPayment::shown`]).
    pub(super) payment: SandboxPayment,
    pub(super) operation: Operation,
    pub(super) key: SecretKey,
}

impl Unsigned {
    /// The callback's `operation.type`: `sale` or `refund`.
    pub fn operation_type(&self) -> &'static str {
        self.operation_type
    }

    /// The callback's `operation.status`: `awaiting redirect result`, `success`, ...
    pub fn operation_status(&self) -> &'static str {
        self.operation_status
    }

    /// The callback as the platform sends it: its JSON text with `signature` (the last key)
    /// appended, signed from that text with the key the sandbox signed messages with when it
    /// made the callback.
    pub fn sign(self) -> Result<Vec<u8>> {
        let c = &*self.callback;
        let message = Sandbox::message(
            c.project_id,
            &c.payment_id,
            &c.payment,
            Some(&c.operation),
            None,
        );
        signed(&message, &c.key)
    }
}

/// A message as sent: its JSON text with `signature` (the last key) appended, signed from that
/// text with `key`.
pub(super) fn signed(message: &Message<'_>, key: &SecretKey) -> Result<Vec<u8>> {
    let mut text = serde_json::to_vec(message)
        .map_err(|e| Error::malformed("sandbox message", e.to_string()))?;
    let sig = signature::sign_json(&text, key)?;
    text.pop(); // the closing brace
    text.extend_from_slice(b",\"signature\":\"");
    text.extend_from_slice(sig.as_bytes());
    text.extend_from_slice(b"\"}");
    Ok(text)
}

/// Signs each callback, in order.
pub(super) fn sign_all(callbacks: Vec<Unsigned>) -> Result<Vec<Vec<u8>>> {
    callbacks.into_iter().map(Unsigned::sign).collect()
}
