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

use std::cmp::Ordering;
use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha512;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

type HmacSha512 = Hmac<Sha512>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The deepest nesting accepted in a message or in parameters to sign.
pub const MAX_DEPTH: usize = 128;

/// The largest message body accepted, in bytes (2 MiB).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

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

    fn mac(&self) -> HmacSha512 {
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

/// Builds the canonical string of a JSON object (SPEC §2): what gets signed.
///
/// Errors: [`Error::NotAnObject`] when `params` is not an object, [`Error::NestingTooDeep`]
/// beyond [`MAX_DEPTH`] levels.
pub fn canonical_string(params: &Value) -> Result<String> {
    let obj = as_object(params)?;
    let flat = Flat::new(obj, Skip::Nothing)?;
    let order = flat.order(Order::Natural, true);
    let mut out = String::with_capacity(flat.text_len(&order));
    flat.write(&order, |piece| out.push_str(piece));
    Ok(out)
}

/// Signs a JSON object: `base64(HMAC-SHA512(key, canonical_string(params)))`.
pub fn sign(params: &Value, key: &SecretKey) -> Result<String> {
    let obj = as_object(params)?;
    sign_object(obj, key)
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
    let obj = match message {
        Value::Object(obj) => obj,
        other => {
            return Err(Error::malformed(
                "message",
                format!("expected a JSON object, got {}", type_name(other)),
            ))
        }
    };
    verify_object(obj, key)
}

/// Parses a received body (size, UTF-8, JSON and depth checked) and verifies its signature.
///
/// Returns the parsed message; nothing in it should be trusted unless this returns `Ok`.
pub fn verify_body(body: &[u8], key: &SecretKey) -> Result<Value> {
    let value = parse_body(body)?;
    verify(&value, key)?;
    Ok(value)
}

/// Parses an untrusted body into JSON with the library's limits (size, UTF-8, depth), without
/// verifying it. Numbers keep their received text, so the result signs exactly as received.
pub fn parse_body(body: &[u8]) -> Result<Value> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        Error::MalformedJson(format!(
            "body is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let mut value: Value = serde_json::from_str(text).map_err(|e| {
        if e.to_string().starts_with("recursion limit exceeded") {
            Error::NestingTooDeep(MAX_DEPTH)
        } else {
            Error::MalformedJson(e.to_string())
        }
    })?;
    restore_exponents(text, &mut value);
    Ok(value)
}

/// serde_json rewrites `1E3` as `1e+3`; SPEC §2 signs numbers as received, so put the
/// received text back. Numbers are matched in document order (objects keep their order).
fn restore_exponents(text: &str, value: &mut Value) {
    let numbers = scan_numbers(text.as_bytes());
    let rewritten = |n: &&str| match n.find(['e', 'E']) {
        Some(i) => n.as_bytes()[i] == b'E' || !matches!(n.as_bytes().get(i + 1), Some(b'+' | b'-')),
        None => false,
    };
    if !numbers.iter().any(rewritten) {
        return;
    }
    let mut found = Vec::with_capacity(numbers.len());
    collect_numbers(value, &mut found);
    if found.len() != numbers.len() {
        return; // duplicate keys: leave serde_json's rendering
    }
    for (slot, raw) in found.into_iter().zip(numbers) {
        *slot = serde_json::Number::from_string_unchecked(raw.to_owned());
    }
}

fn collect_numbers<'v>(value: &'v mut Value, out: &mut Vec<&'v mut serde_json::Number>) {
    match value {
        Value::Number(n) => out.push(n),
        Value::Array(items) => items.iter_mut().for_each(|v| collect_numbers(v, out)),
        Value::Object(map) => map.values_mut().for_each(|v| collect_numbers(v, out)),
        _ => {}
    }
}

/// The text of every number in a valid JSON document, in order.
fn scan_numbers(bytes: &[u8]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                    i += 1;
                }
                // The document parsed as JSON, so this slice is ASCII.
                out.push(std::str::from_utf8(&bytes[start..i]).unwrap_or(""));
            }
            _ => i += 1,
        }
    }
    out
}

pub(crate) fn sign_object(obj: &Map<String, Value>, key: &SecretKey) -> Result<String> {
    let flat = Flat::new(obj, Skip::Nothing)?;
    let order = flat.order(Order::Natural, true);
    let mut mac = key.mac();
    flat.write(&order, |piece| mac.update(piece.as_bytes()));
    Ok(B64.encode(mac.finalize().into_bytes()))
}

pub(crate) fn verify_object(obj: &Map<String, Value>, key: &SecretKey) -> Result<()> {
    let (given, skip) = locate_signature(obj)?;
    // A signature that is not valid base64 of 64 bytes can never match: it is invalid, not malformed.
    let given = B64
        .decode(given.as_bytes())
        .map_err(|_| Error::InvalidSignature)?;
    if given.len() != 64 {
        return Err(Error::InvalidSignature);
    }
    let flat = Flat::new(obj, skip)?;
    let has_nested = flat.lines.iter().any(|l| l.nested_signature);
    let natural = flat.order(Order::Natural, true);
    let bytewise = flat.order(Order::Bytes, true);
    let bytes_differ = natural != bytewise;
    let mut candidates: Vec<Vec<u32>> = vec![natural];
    if has_nested {
        candidates.push(flat.order(Order::Natural, false));
    }
    if bytes_differ {
        candidates.push(bytewise);
        if has_nested {
            candidates.push(flat.order(Order::Bytes, false));
        }
    }
    for order in &candidates {
        let mut mac = key.mac();
        flat.write(order, |piece| mac.update(piece.as_bytes()));
        if mac.verify_slice(&given).is_ok() {
            return Ok(());
        }
    }
    Err(Error::InvalidSignature)
}

fn locate_signature(obj: &Map<String, Value>) -> Result<(&str, Skip)> {
    if let Some(sig) = obj.get("signature") {
        return match sig {
            Value::String(s) if s.is_empty() => Err(Error::MissingSignature("signature is empty")),
            Value::String(s) => Ok((s.as_str(), Skip::TopSignature)),
            other => Err(Error::malformed(
                "signature",
                format!("expected a string, got {}", type_name(other)),
            )),
        };
    }
    match obj.get("general").and_then(|g| g.as_object()).and_then(|g| g.get("signature")) {
        Some(Value::String(s)) if s.is_empty() => {
            Err(Error::MissingSignature("general.signature is empty"))
        }
        Some(Value::String(s)) => Ok((s.as_str(), Skip::GeneralSignature)),
        Some(other) => Err(Error::malformed(
            "general.signature",
            format!("expected a string, got {}", type_name(other)),
        )),
        None => Err(Error::MissingSignature(
            "neither signature nor general.signature is present",
        )),
    }
}

fn as_object(params: &Value) -> Result<&Map<String, Value>> {
    match params {
        Value::Object(obj) => Ok(obj),
        other => Err(Error::NotAnObject(type_name(other))),
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Skip {
    Nothing,
    TopSignature,
    GeneralSignature,
}

#[derive(Clone, Copy)]
enum Order {
    Natural,
    Bytes,
}

/// One `path:value` line; the path is a range of `Flat::paths`.
struct Line<'a> {
    start: u32,
    end: u32,
    value: &'a str,
    nested_signature: bool,
}

/// The flattened lines of an object, unsorted; paths share one buffer.
struct Flat<'a> {
    paths: String,
    lines: Vec<Line<'a>>,
}

impl<'a> Flat<'a> {
    fn new(obj: &'a Map<String, Value>, skip: Skip) -> Result<Flat<'a>> {
        let mut flat = Flat {
            paths: String::with_capacity(obj.len() * 48),
            lines: Vec::with_capacity(obj.len() * 4),
        };
        let mut prefix = String::with_capacity(64);
        flat.object(obj, &mut prefix, 1, skip == Skip::TopSignature, false, skip)?;
        Ok(flat)
    }

    fn object(
        &mut self,
        obj: &'a Map<String, Value>,
        prefix: &mut String,
        depth: usize,
        skip_signature_here: bool,
        nested: bool,
        skip: Skip,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(Error::NestingTooDeep(MAX_DEPTH));
        }
        let base = prefix.len();
        for (key, value) in obj {
            if key == "frame_mode" || (skip_signature_here && key == "signature") {
                continue;
            }
            if base > 0 {
                prefix.push(':');
            }
            if key.contains(':') {
                prefix.push_str(&key.replace(':', "::"));
            } else {
                prefix.push_str(key);
            }
            let skip_child = depth == 1 && skip == Skip::GeneralSignature && key == "general";
            let nested_child = nested || key == "signature";
            self.value(value, prefix, depth, skip_child, nested_child, skip)?;
            prefix.truncate(base);
        }
        Ok(())
    }

    fn value(
        &mut self,
        value: &'a Value,
        prefix: &mut String,
        depth: usize,
        skip_signature_here: bool,
        nested: bool,
        skip: Skip,
    ) -> Result<()> {
        let scalar = match value {
            Value::Object(obj) => {
                return self.object(obj, prefix, depth + 1, skip_signature_here, nested, skip)
            }
            Value::Array(items) => {
                if depth + 1 > MAX_DEPTH {
                    return Err(Error::NestingTooDeep(MAX_DEPTH));
                }
                let base = prefix.len();
                for (i, item) in items.iter().enumerate() {
                    use std::fmt::Write as _;
                    let _ = write!(prefix, ":{i}");
                    self.value(item, prefix, depth + 1, false, nested, skip)?;
                    prefix.truncate(base);
                }
                return Ok(());
            }
            Value::String(s) => s.as_str(),
            Value::Bool(true) => "1",
            Value::Bool(false) => "0",
            Value::Null => "",
            Value::Number(n) => n.as_str(),
        };
        let start = self.paths.len() as u32;
        self.paths.push_str(prefix);
        self.lines.push(Line {
            start,
            end: self.paths.len() as u32,
            value: scalar,
            nested_signature: nested,
        });
        Ok(())
    }

    fn path(&self, i: u32) -> &str {
        let line = &self.lines[i as usize];
        &self.paths[line.start as usize..line.end as usize]
    }

    /// The indices of the lines to sign, in the given order.
    fn order(&self, order: Order, keep_nested: bool) -> Vec<u32> {
        let mut idx: Vec<u32> = (0..self.lines.len() as u32)
            .filter(|&i| keep_nested || !self.lines[i as usize].nested_signature)
            .collect();
        match order {
            Order::Natural => idx.sort_by(|&a, &b| {
                let (pa, pb) = (self.path(a), self.path(b));
                natural_cmp(pa, pb).then_with(|| pa.cmp(pb))
            }),
            Order::Bytes => idx.sort_by(|&a, &b| self.path(a).cmp(self.path(b))),
        }
        idx
    }

    fn text_len(&self, order: &[u32]) -> usize {
        order
            .iter()
            .map(|&i| {
                let l = &self.lines[i as usize];
                (l.end - l.start) as usize + l.value.len() + 2
            })
            .sum()
    }

    fn write(&self, order: &[u32], mut sink: impl FnMut(&str)) {
        for (n, &i) in order.iter().enumerate() {
            if n > 0 {
                sink(";");
            }
            sink(self.path(i));
            sink(":");
            sink(self.lines[i as usize].value);
        }
    }
}

/// Compares two paths like PHP's `strnatcmp` (case-sensitive), the platform's reference sort.
///
/// Digit runs compare by value (`item2` < `item10`); a run starting with `0` compares digit by
/// digit from the left (`x001` < `x01` < `x1`); everything else byte by byte.
///
/// ```
/// use std::cmp::Ordering::Less;
/// use wallet_partner::signature::natural_cmp;
/// assert_eq!(natural_cmp("errors:2", "errors:10"), Less);
/// assert_eq!(natural_cmp("x001", "x01"), Less);
/// assert_eq!(natural_cmp("B", "a"), Less);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    let (mut i, mut j) = (0usize, 0usize);
    // PHP skips leading zeros at the very start of each string (when a digit follows).
    while i + 1 < a.len() && a[i] == b'0' && a[i + 1].is_ascii_digit() {
        i += 1;
    }
    while j + 1 < b.len() && b[j] == b'0' && b[j + 1].is_ascii_digit() {
        j += 1;
    }
    loop {
        let (mut ca, mut cb) = (a[i], b[j]);
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let result = if ca == b'0' || cb == b'0' {
                compare_left(a, &mut i, b, &mut j)
            } else {
                compare_right(a, &mut i, b, &mut j)
            };
            if result != Ordering::Equal {
                return result;
            }
            match (i == a.len(), j == b.len()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {
                    ca = a[i];
                    cb = b[j];
                }
            }
        }
        match ca.cmp(&cb) {
            Ordering::Equal => {}
            other => return other,
        }
        i += 1;
        j += 1;
        match (i >= a.len(), j >= b.len()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
}

fn digit_at(s: &[u8], k: usize) -> bool {
    k < s.len() && s[k].is_ascii_digit()
}

/// Digit runs without leading zeros: the longest run wins, else the first difference.
fn compare_right(a: &[u8], i: &mut usize, b: &[u8], j: &mut usize) -> Ordering {
    let mut bias = Ordering::Equal;
    loop {
        match (digit_at(a, *i), digit_at(b, *j)) {
            (false, false) => return bias,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                if bias == Ordering::Equal {
                    bias = a[*i].cmp(&b[*j]);
                }
            }
        }
        *i += 1;
        *j += 1;
    }
}

/// Digit runs with a leading zero: compared left-aligned, the first difference wins.
fn compare_left(a: &[u8], i: &mut usize, b: &[u8], j: &mut usize) -> Ordering {
    loop {
        match (digit_at(a, *i), digit_at(b, *j)) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => match a[*i].cmp(&b[*j]) {
                Ordering::Equal => {}
                other => return other,
            },
        }
        *i += 1;
        *j += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn natural_order_matches_strnatcmp_examples() {
        use Ordering::*;
        let cases = [
            ("errors:2", "errors:10", Less),
            ("item2", "item10", Less),
            ("x001", "x01", Less),
            ("x01", "x1", Less),
            ("x001", "x1", Less),
            ("B", "a", Less),
            ("a", "a:b", Less),
            ("a:10:b", "a:9:b", Greater),
            ("abc", "abc", Equal),
            ("", "a", Less),
            ("a1b", "a01b", Greater),
            ("007", "7", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(natural_cmp(a, b), want, "{a} vs {b}");
            assert_eq!(natural_cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

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
