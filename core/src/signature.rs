//! Signatures (SPEC §2): the canonical string, HMAC-SHA512 signing and constant-time verification.
//!
//! ```
//! use serde_json::json;
//! use wallet_partner::{signature, SecretKey};
//!
//! let params = json!({"b": true, "a": {"y": null, "x": [4, 5]}, "frame_mode": "popup"});
//! assert_eq!(signature::canonical_string(&params).unwrap(), "a:x:0:4;a:x:1:5;a:y:;b:1");
//! let key = SecretKey::new("secret");
//! let sig = signature::sign(&params, &key).unwrap();
//! assert_eq!(sig.len(), 88);
//! ```

use base64::Engine as _;
use bumpalo::Bump;
use hmac::Mac;
use serde_json::Value;

use crate::arena::arena;
use crate::canonical::TextBuf;
use crate::canonical::{canonical_text, Flat, Skip, Text, Variant};
use crate::error::{Error, Result};
use crate::json::{self, body_text, Entries, Node};

pub use crate::canonical::MAX_CANONICAL_BYTES;
pub use crate::json::{parse_body, MAX_BODY_BYTES, MAX_DEPTH};
pub use crate::key::SecretKey;
pub use crate::natural::natural_cmp;

/// The size the `Value`-taking helpers assume for their message (a tree has no text length):
/// a typical callback's, so its tree and walk fit the thread's pooled arena without regrowing
/// (perf: a fresh growing `Bump` per call was ~10 % of the sandbox's callback signing).
const VALUE_SIZE_HINT: usize = 2048;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Builds the canonical string of a JSON object (SPEC §2): what gets signed.
///
/// Integers that fit 64 bits are exact. Floats, and integers beyond 64 bits, are exact only
/// with the crate's `arbitrary-precision` feature (which turns on serde_json's for the whole
/// application); without it serde_json has already rounded them. For exact signing whatever
/// the features, pass the JSON text to [`canonical_string_of_json`].
///
/// Errors: [`Error::NotAnObject`] when `params` is not an object, [`Error::NestingTooDeep`]
/// beyond [`MAX_DEPTH`] levels.
pub fn canonical_string(params: &Value) -> Result<String> {
    let bump = arena(VALUE_SIZE_HINT);
    let node = Node::from_value(params, &bump);
    canonical_text(as_entries(&node)?, Skip::Nothing, &bump)
}

/// Signs a JSON object: `base64(HMAC-SHA512(key, canonical_string(params)))`.
pub fn sign(params: &Value, key: &SecretKey) -> Result<String> {
    let bump = arena(VALUE_SIZE_HINT);
    let node = Node::from_value(params, &bump);
    sign_entries(as_entries(&node)?, key, &bump)
}

/// Signs a ready canonical string (SPEC §2.2: the backend half of mobile signing).
///
/// ```
/// use wallet_partner::{signature, SecretKey};
/// let sig = signature::sign_string("payment:id:test-payment;payment:status:success", &SecretKey::new("qwerty"));
/// assert_eq!(sig, "UGzKT0NC26f4u0niyJSQPx5q3kFFIndwLXeJVXahfCFwbY+Svg1WoXIxzrIyyjWUSLFhT8wAQ5SfBDRHnwm6Yg==");
/// ```
pub fn sign_string(canonical: &str, key: &SecretKey) -> String {
    let mut mac = key.mac();
    mac.update(canonical.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// Verifies the signature carried inside a received JSON message (SPEC §2.1).
///
/// The signature is the top-level `signature`, else `general.signature`. Accepts the
/// documented variants (nested `signature` keys removed, byte-order sorting); compares in
/// constant time.
pub fn verify(message: &Value, key: &SecretKey) -> Result<()> {
    let bump = arena(VALUE_SIZE_HINT);
    verify_node(
        &Node::from_value(message, &bump),
        std::slice::from_ref(key),
        &bump,
        0,
    )?;
    Ok(())
}

/// Parses a received body (size, UTF-8, JSON and depth checked) and verifies its signature.
///
/// Returns the parsed message; nothing in it should be trusted unless this returns `Ok`.
pub fn verify_body(body: &[u8], key: &SecretKey) -> Result<Value> {
    let text = body_text(body)?;
    let bump = arena(text.len());
    let node = Node::parse(text, &bump)?;
    verify_node(&node, std::slice::from_ref(key), &bump, text.len())?;
    node.to_value()
}

/// The canonical string of a JSON object given as text (SPEC §2), exact whatever the build's
/// features: numbers are signed as their received text, integers at any size.
///
/// ```
/// use wallet_partner::signature::canonical_string_of_json;
/// let s = canonical_string_of_json(br#"{"b": true, "a": {"y": null, "x": [4, 1.50]}, "id": 18446744073709551616}"#)?;
/// assert_eq!(s, "a:x:0:4;a:x:1:1.50;a:y:;b:1;id:18446744073709551616");
/// # Ok::<(), wallet_partner::Error>(())
/// ```
pub fn canonical_string_of_json(json: &[u8]) -> Result<String> {
    let text = body_text(json)?;
    let bump = arena(text.len());
    let node = Node::parse(text, &bump)?;
    canonical_text(as_entries(&node)?, Skip::Nothing, &bump)
}

/// Signs a JSON object given as text: `base64(HMAC-SHA512(key, canonical_string_of_json(json)))`,
/// exact whatever the build's features.
pub fn sign_json(json: &[u8], key: &SecretKey) -> Result<String> {
    let text = body_text(json)?;
    let bump = arena(text.len());
    let node = Node::parse(text, &bump)?;
    sign_entries(as_entries(&node)?, key, &bump)
}

/// Signs a JSON object built as a tree (an outgoing request body).
pub(crate) fn sign_node(node: &Node<'_>, key: &SecretKey, bump: &Bump) -> Result<String> {
    sign_entries(as_entries(node)?, key, bump)
}

pub(crate) fn sign_entries(entries: &Entries<'_>, key: &SecretKey, bump: &Bump) -> Result<String> {
    Ok(sign_string(
        &canonical_text(entries, Skip::Nothing, bump)?,
        key,
    ))
}

/// Verifies a parsed message against any of `keys` (secret rotation: the signing key first)
/// and returns the index of the key that matched; a non-object is malformed. The canonical
/// text is built once; each key's HMAC is compared in constant time.
///
/// `bump` holds the walk's scratch buffers; `size_hint` is the body's length (0 if unknown),
/// which sizes the canonical text so it is written without regrowing.
pub(crate) fn verify_node(
    message: &Node<'_>,
    keys: &[SecretKey],
    bump: &Bump,
    size_hint: usize,
) -> Result<usize> {
    let Node::Obj(entries) = message else {
        return Err(Error::malformed(
            "message",
            format!("expected a JSON object, got {}", message.type_name()),
        ));
    };
    let (given, skip) = locate_signature(entries)?;
    // A signature that is not valid base64 of 64 bytes can never match: it is invalid, not malformed.
    let mut decoded = [0u8; 72];
    let given = match B64.decode_slice(given.as_bytes(), &mut decoded) {
        Ok(64) => &decoded[..64],
        _ => return Err(no_key_matched(keys.len())),
    };
    // (a) as documented: natural order, nested `signature` keys kept. Usually the only check.
    let capacity = (size_hint + size_hint / 2).max(entries.len() * 96);
    let text = TextBuf::with_capacity_in(capacity, bump);
    let documented = Text::of(entries, skip, Variant::DOCUMENTED, text, bump)?;
    if !documented.ties {
        if let Some(i) = matching_key(keys, documented.text.as_bytes(), given) {
            return Ok(i);
        }
    }
    other_variants(entries, skip, documented, keys, given, bump)
}

/// The error for a signature no key matched: as before rotation for one key, else with the
/// number of keys tried (never which).
fn no_key_matched(keys_tried: usize) -> Error {
    if keys_tried <= 1 {
        Error::InvalidSignature
    } else {
        Error::SignatureMatchesNoKey { keys_tried }
    }
}

/// The first of `keys` whose HMAC-SHA512 of `text` is `given`; each compared in constant time.
#[inline]
fn matching_key(keys: &[SecretKey], text: &[u8], given: &[u8]) -> Option<usize> {
    keys.iter().position(|key| mac_matches(key, text, given))
}

/// Whether HMAC-SHA512 of `text` is `given` (constant time). One buffer, one HMAC update:
/// many small updates cost more than the hashing.
#[inline]
fn mac_matches(key: &SecretKey, text: &[u8], given: &[u8]) -> bool {
    let mut mac = key.mac();
    mac.update(text);
    mac.verify_slice(given).is_ok()
}

/// The variants after (a), as walked, did not match (SPEC §2.1): (a) by a full sort if its walk
/// met ties, (b) nested `signature` keys removed, (c) either in plain byte order. Each is walked
/// into the same buffer; a byte-order text that reorders nothing equals its natural-order twin,
/// already tried, and is not hashed again.
#[cold]
#[inline(never)]
fn other_variants<'a>(
    entries: &'a Entries<'a>,
    skip: Skip,
    documented: Text<'_>,
    keys: &[SecretKey],
    given: &[u8],
    bump: &Bump,
) -> Result<usize> {
    let mut flat = None;
    let mut full_sort = |variant: Variant| -> Result<Option<usize>> {
        let flat = match &mut flat {
            Some(flat) => flat,
            none => none.insert(Flat::new(entries, skip, bump)?),
        };
        Ok(matching_key(keys, flat.text(variant).as_bytes(), given))
    };
    if documented.ties {
        if let Some(i) = full_sort(Variant::DOCUMENTED)? {
            return Ok(i);
        }
    }
    let has_nested = documented.nested_signature;
    let mut text = documented.text;
    for variant in [
        Variant::NESTED_REMOVED,
        Variant::BYTE_ORDER,
        Variant::BYTE_ORDER_NESTED_REMOVED,
    ] {
        if variant.drop_nested && !has_nested {
            continue;
        }
        text.truncate(0);
        let t = Text::of(entries, skip, variant, text, bump)?;
        let matched = if t.ties {
            full_sort(variant)?
        } else if !variant.bytes || t.reordered {
            matching_key(keys, t.text.as_bytes(), given)
        } else {
            None
        };
        if let Some(i) = matched {
            return Ok(i);
        }
        text = t.text;
    }
    Err(no_key_matched(keys.len()))
}

fn locate_signature<'e>(entries: &'e Entries<'_>) -> Result<(&'e str, Skip)> {
    if let Some(sig) = json::get(entries, "signature") {
        return match sig {
            Node::Str("") => Err(Error::MissingSignature("signature is empty")),
            Node::Str(s) => Ok((s, Skip::TopSignature)),
            other => Err(Error::malformed(
                "signature",
                format!("expected a string, got {}", other.type_name()),
            )),
        };
    }
    match json::get(entries, "general").and_then(|g| g.get("signature")) {
        Some(Node::Str("")) => Err(Error::MissingSignature("general.signature is empty")),
        Some(Node::Str(s)) => Ok((s, Skip::GeneralSignature)),
        Some(other) => Err(Error::malformed(
            "general.signature",
            format!("expected a string, got {}", other.type_name()),
        )),
        None => Err(Error::MissingSignature(
            "neither signature nor general.signature is present",
        )),
    }
}

fn as_entries<'n, 'a>(node: &'n Node<'a>) -> Result<&'n Entries<'a>> {
    match node {
        Node::Obj(entries) => Ok(entries),
        other => Err(Error::NotAnObject(other.type_name())),
    }
}

/// The JSON type name of a value, for error messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_example() {
        let v = json!({"b": true, "a": {"y": null, "x": [4, 5]}, "frame_mode": "popup"});
        assert_eq!(canonical_string(&v).unwrap(), "a:x:0:4;a:x:1:5;a:y:;b:1");
    }

    #[test]
    fn not_an_object_is_an_error() {
        assert_eq!(
            canonical_string(&json!([1, 2])).unwrap_err(),
            Error::NotAnObject("an array")
        );
        assert_eq!(canonical_string(&json!("x")).unwrap_err().code(), 1006);
    }
}
