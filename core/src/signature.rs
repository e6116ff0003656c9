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
use serde_json::Value;
use sha2::Sha512;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::json::{self, arena, Entries, Node};
use crate::text_buf::TextBuf;
use bumpalo::collections::Vec as BumpVec;
use bumpalo::Bump;

type HmacSha512 = Hmac<Sha512>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The deepest nesting accepted in a message or in parameters to sign.
pub const MAX_DEPTH: usize = 128;

/// The largest message body accepted, in bytes (2 MiB).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The largest canonical string built, in bytes (8 MiB, four times [`MAX_BODY_BYTES`]).
///
/// Every line of the canonical string repeats the full path of its value, so a crafted body
/// (one long key over many short values) would expand to gigabytes: such a message is rejected
/// with [`Error::CanonicalTooLarge`] once its text passes this size, before anything is hashed.
/// Real messages expand by a few percent.
pub const MAX_CANONICAL_BYTES: usize = 4 * MAX_BODY_BYTES;

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
/// Integers that fit 64 bits are exact. Floats, and integers beyond 64 bits, are exact only
/// with the crate's `arbitrary-precision` feature (which turns on serde_json's for the whole
/// application); without it serde_json has already rounded them. For exact signing whatever
/// the features, pass the JSON text to [`canonical_string_of_json`].
///
/// Errors: [`Error::NotAnObject`] when `params` is not an object, [`Error::NestingTooDeep`]
/// beyond [`MAX_DEPTH`] levels.
pub fn canonical_string(params: &Value) -> Result<String> {
    let bump = Bump::new();
    let node = Node::from_value(params, &bump);
    canonical_text(as_entries(&node)?, Skip::Nothing, &bump)
}

/// The canonical text, in natural order.
fn canonical_text(entries: &Entries<'_>, skip: Skip, bump: &Bump) -> Result<String> {
    let text = TextBuf::with_capacity_in(entries.len() * 96, bump);
    let t = Text::of(entries, skip, Variant::DOCUMENTED, text, bump)?;
    if !t.ties {
        return Ok(t.text.as_str().to_owned());
    }
    Ok(Flat::new(entries, skip, bump)?.text(Variant::DOCUMENTED))
}

/// Signs a JSON object: `base64(HMAC-SHA512(key, canonical_string(params)))`.
pub fn sign(params: &Value, key: &SecretKey) -> Result<String> {
    let bump = Bump::new();
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
    let bump = Bump::new();
    verify_node(&Node::from_value(message, &bump), key, &bump, 0)
}

/// Parses a received body (size, UTF-8, JSON and depth checked) and verifies its signature.
///
/// Returns the parsed message; nothing in it should be trusted unless this returns `Ok`.
pub fn verify_body(body: &[u8], key: &SecretKey) -> Result<Value> {
    let text = body_text(body)?;
    let bump = arena(text.len());
    let node = Node::parse(text, &bump)?;
    verify_node(&node, key, &bump, text.len())?;
    node.to_value()
}

/// Parses an untrusted body into JSON with the library's limits (size, UTF-8, depth, no
/// duplicate keys), without verifying it. With the crate's `arbitrary-precision` feature
/// numbers keep their received text, so the result signs exactly as received; without it,
/// floats and integers beyond 64 bits are approximated (use the bytes-in functions,
/// [`canonical_string_of_json`] and [`sign_json`], to sign exactly).
pub fn parse_body(body: &[u8]) -> Result<Value> {
    let text = body_text(body)?;
    let bump = arena(text.len());
    Node::parse(text, &bump)?.to_value()
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

/// Checks size and UTF-8 of an untrusted body.
pub(crate) fn body_text(body: &[u8]) -> Result<&str> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    // SIMD validation (simdutf8, runtime-dispatched); the standard library's slower check
    // runs only on a bad body, for the offset in the message.
    simdutf8::basic::from_utf8(body).or_else(|_| {
        std::str::from_utf8(body).map_err(|e| {
            Error::MalformedJson(format!(
                "body is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })
    })
}

/// Signs a JSON object given as a map.
pub(crate) fn sign_map(map: &serde_json::Map<String, Value>, key: &SecretKey) -> Result<String> {
    let bump = Bump::new();
    sign_entries(json::from_map(map, &bump), key, &bump)
}

pub(crate) fn sign_entries(entries: &Entries<'_>, key: &SecretKey, bump: &Bump) -> Result<String> {
    Ok(sign_string(
        &canonical_text(entries, Skip::Nothing, bump)?,
        key,
    ))
}

/// Verifies a parsed message; a non-object is malformed.
///
/// `bump` holds the walk's scratch buffers; `size_hint` is the body's length (0 if unknown),
/// which sizes the canonical text so it is written without regrowing.
pub(crate) fn verify_node(
    message: &Node<'_>,
    key: &SecretKey,
    bump: &Bump,
    size_hint: usize,
) -> Result<()> {
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
        _ => return Err(Error::InvalidSignature),
    };
    // (a) as documented: natural order, nested `signature` keys kept. Usually the only check.
    let capacity = (size_hint + size_hint / 2).max(entries.len() * 96);
    let text = TextBuf::with_capacity_in(capacity, bump);
    let documented = Text::of(entries, skip, Variant::DOCUMENTED, text, bump)?;
    if !documented.ties && mac_matches(key, documented.text.as_bytes(), given) {
        return Ok(());
    }
    other_variants(entries, skip, documented, key, given, bump)
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
    key: &SecretKey,
    given: &[u8],
    bump: &Bump,
) -> Result<()> {
    let mut flat = None;
    let mut full_sort = |variant: Variant| -> Result<bool> {
        let flat = match &mut flat {
            Some(flat) => flat,
            none => none.insert(Flat::new(entries, skip, bump)?),
        };
        Ok(mac_matches(key, flat.text(variant).as_bytes(), given))
    };
    if documented.ties && full_sort(Variant::DOCUMENTED)? {
        return Ok(());
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
        } else {
            (!variant.bytes || t.reordered) && mac_matches(key, t.text.as_bytes(), given)
        };
        if matched {
            return Ok(());
        }
        text = t.text;
    }
    Err(Error::InvalidSignature)
}

/// The orders and removals a received message may have been signed with (SPEC §2.1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Variant {
    /// Plain byte order of the paths instead of natural order.
    bytes: bool,
    /// Every nested key named `signature` removed.
    drop_nested: bool,
}

impl Variant {
    /// (a), the documented rule, and the only one used for signing.
    const DOCUMENTED: Variant = Variant {
        bytes: false,
        drop_nested: false,
    };
    /// (b)
    const NESTED_REMOVED: Variant = Variant {
        bytes: false,
        drop_nested: true,
    };
    /// (c) of (a)
    const BYTE_ORDER: Variant = Variant {
        bytes: true,
        drop_nested: false,
    };
    /// (c) of (b)
    const BYTE_ORDER_NESTED_REMOVED: Variant = Variant {
        bytes: true,
        drop_nested: true,
    };
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Skip {
    Nothing,
    TopSignature,
    GeneralSignature,
}

/// One `path:value` line; the path is a range of `Flat::paths`.
struct Line<'a> {
    start: u32,
    end: u32,
    value: &'a str,
    nested_signature: bool,
}

/// The flattened lines of an object, emitted in natural order of their paths.
///
/// Keys are sorted per object with the comparator applied to `key`, or `key:` for a non-empty
/// container. That orders full paths exactly like sorting them whole: two paths first differ
/// inside the keys where they part, and digit runs never cross the `:`. Arrays are already in
/// natural order. A full sort of the paths is needed only when two distinct keys compare equal
/// (PHP's leading-zero rule at the top level) or a key contains `:` (its path can run into a
/// sibling's child path); `ties` says so.
struct Flat<'a> {
    paths: String,
    lines: Vec<Line<'a>>,
    ties: bool,
}

/// Buffers shared by the whole flattening: the current path, and a stack of children.
struct Scratch<'b> {
    prefix: TextBuf<'b>,
    kids: BumpVec<'b, Kid>,
    /// Bytes of canonical text so far (every line counts its `;`), against [`MAX_CANONICAL_BYTES`].
    total: usize,
}

impl Scratch<'_> {
    /// Hands the sink a line of the current path and `value`, counted against
    /// [`MAX_CANONICAL_BYTES`]: an error, and no line, once the text would pass it.
    #[inline(always)]
    fn line<'a>(&mut self, sink: &mut impl Sink<'a>, value: &'a str, nested: bool) -> Result<()> {
        self.total += self.prefix.len() + value.len() + 1;
        if self.total > MAX_CANONICAL_BYTES + 1 {
            return Err(Error::CanonicalTooLarge {
                limit: MAX_CANONICAL_BYTES,
            });
        }
        sink.line(&self.prefix, value, nested);
        Ok(())
    }
}

/// A child of the object being flattened: its entry, whether it sorts as `key:` (a non-empty
/// container), and whether its key has a `:` to double.
#[derive(Clone, Copy)]
struct Kid {
    index: u32,
    container: bool,
    escape: bool,
    /// See [`sort_prefix`]; 0 when it cannot decide.
    prefix: u64,
}

/// The first eight bytes of a key as it sorts (`key`, or `key:` for a container), big-endian,
/// zero-padded. When two keys' prefixes differ and hold no digit, comparing them as integers
/// orders the keys exactly as `strnatcmp` does (plain bytes, a prefix first). 0 means "ask
/// `strnatcmp`": a digit or a byte below 0x02 in the first eight bytes.
#[inline]
fn sort_prefix(key: &[u8], colon: bool) -> (u64, bool) {
    use crate::json::swar;
    let n = key.len().min(8);
    // The first eight bytes, little-endian, zero-padded; short keys by overlapping loads.
    let w = match key.len() {
        0 => 0,
        1..=3 => {
            u64::from(key[0])
                | u64::from(key[n / 2]) << (n / 2 * 8)
                | u64::from(key[n - 1]) << ((n - 1) * 8)
        }
        4..=7 => {
            let lo = u32::from_le_bytes([key[0], key[1], key[2], key[3]]);
            let hi = u32::from_le_bytes([key[n - 4], key[n - 3], key[n - 2], key[n - 1]]);
            u64::from(lo) | u64::from(hi) << ((n - 4) * 8)
        }
        _ => u64::from_le_bytes([
            key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
        ]),
    };
    let escape = if key.len() <= 8 {
        // The padding is zero, never ':'.
        swar::equal(w, b':') != 0
    } else {
        key.contains(&b':')
    };
    let w = if colon && n < 8 {
        w | u64::from(b':') << (n * 8)
    } else {
        w
    };
    // Undecided: a digit anywhere, a 0x01, or a NUL inside the key (the padding is marked 0x80
    // for this test only), or an empty key with no colon.
    let pad = if n == 8 { 0 } else { swar::HIGHS << (n * 8) };
    let checked = w | pad;
    let undecided = w == 0
        || swar::below(checked ^ (swar::ONES * u64::from(b'0')), 10) != 0
        || swar::equal(checked, 1) != 0
        || swar::below(checked, 1) != 0;
    (if undecided { 0 } else { w.swap_bytes() }, escape)
}

#[derive(Clone, Copy)]
struct Ctx {
    depth: usize,
    /// This object's key `signature` is left out: the signature itself, or (b) any.
    drop_signature_here: bool,
    nested: bool,
    skip: Skip,
    variant: Variant,
}

/// Receives the lines of a flattened object, in natural order of their paths.
trait Sink<'a> {
    /// `path` (whole `str` pieces) ends with the `:` that separates it from the value.
    fn line(&mut self, path: &TextBuf<'_>, value: &'a str, nested_signature: bool);
    /// Two distinct keys compared equal: the order must be fixed by a full sort.
    fn ties(&mut self);
    /// A byte-order walk put some siblings out of natural order.
    fn reordered(&mut self) {}
}

/// The canonical text itself, written as the walk goes (the common, fast case).
struct Text<'b> {
    text: TextBuf<'b>,
    started: bool,
    nested_signature: bool,
    ties: bool,
    /// For a byte-order walk: whether its order differs from natural order anywhere (if not,
    /// the text is the natural-order one).
    reordered: bool,
}

impl<'b> Text<'b> {
    /// The canonical text of an object in a variant, written into `text` (empty); valid only
    /// if `ties` stays false (else the order needs a full sort of the paths: [`Flat`]).
    fn of<'a>(
        entries: &'a Entries<'a>,
        skip: Skip,
        variant: Variant,
        text: TextBuf<'b>,
        bump: &Bump,
    ) -> Result<Text<'b>> {
        let mut t = Text {
            text,
            started: false,
            nested_signature: false,
            ties: false,
            reordered: false,
        };
        walk(entries, skip, variant, &mut t, bump)?;
        Ok(t)
    }
}

impl<'a> Sink<'a> for Text<'_> {
    #[inline(always)]
    fn line(&mut self, path: &TextBuf<'_>, value: &'a str, nested_signature: bool) {
        if self.started {
            self.text.push_ascii(b';');
        }
        self.text.push_buf(path);
        self.text.push_str(value);
        self.nested_signature |= nested_signature;
        self.started = true;
    }
    fn ties(&mut self) {
        self.ties = true;
    }
    fn reordered(&mut self) {
        self.reordered = true;
    }
}

impl<'a> Sink<'a> for Flat<'a> {
    fn line(&mut self, path: &TextBuf<'_>, value: &'a str, nested_signature: bool) {
        let start = self.paths.len() as u32;
        let path = path.as_str();
        self.paths.push_str(path.strip_suffix(':').unwrap_or(path));
        self.lines.push(Line {
            start,
            end: self.paths.len() as u32,
            value,
            nested_signature,
        });
    }
    fn ties(&mut self) {
        self.ties = true;
    }
}

/// Walks an object depth-first, children sorted in the variant's order (natural order for
/// [`Flat`], which sorts its lines itself), and hands every scalar to the sink.
fn walk<'a>(
    entries: &'a Entries<'a>,
    skip: Skip,
    variant: Variant,
    sink: &mut impl Sink<'a>,
    bump: &Bump,
) -> Result<()> {
    let mut scratch = Scratch {
        prefix: TextBuf::with_capacity_in(128, bump),
        kids: BumpVec::with_capacity_in(32, bump),
        total: 0,
    };
    let ctx = Ctx {
        depth: 1,
        drop_signature_here: skip == Skip::TopSignature || variant.drop_nested,
        nested: false,
        skip,
        variant,
    };
    walk_object(entries, &mut scratch, ctx, sink)
}

fn walk_object<'a>(
    entries: &'a Entries<'a>,
    s: &mut Scratch<'_>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
) -> Result<()> {
    if ctx.depth > MAX_DEPTH {
        return Err(Error::NestingTooDeep(MAX_DEPTH));
    }
    // This object's children go on top of the shared stack, and come off at the end.
    let kids_base = s.kids.len();
    let mut colon = false;
    for (i, (key, value)) in entries.iter().enumerate() {
        if *key == "frame_mode" || (ctx.drop_signature_here && *key == "signature") {
            continue;
        }
        let container = sorts_as_container(value);
        let (prefix, escape) = sort_prefix(key.as_bytes(), container);
        colon |= escape;
        s.kids.push(Kid {
            index: i as u32,
            container,
            escape,
            prefix,
        });
    }
    let top = ctx.depth == 1;
    let mut ties = false;
    let kids = &mut s.kids[kids_base..];
    if ctx.variant.bytes {
        if sort_kids_bytewise(kids, entries, top) {
            sink.reordered();
        }
    } else {
        // Usually every key is decided by its prefix, and all prefixes differ: then plain
        // integer order is the natural order. Otherwise (or on a shared prefix) the full
        // comparison below.
        let decided = kids.iter().all(|k| k.prefix != 0);
        if decided {
            kids.sort_unstable_by_key(|k| k.prefix);
        }
        if !decided || kids.windows(2).any(|w| w[0].prefix == w[1].prefix) {
            sort_kids(kids, entries, top, &mut ties);
        }
    }
    // A key with `:` can compare against a sibling's child path (`n::a` vs `n:a`): only a
    // full sort of the paths orders that right.
    if ties || (colon && s.kids.len() - kids_base > 1) {
        sink.ties();
    }
    let base = s.prefix.len();
    for k in kids_base..s.kids.len() {
        let kid = s.kids[k];
        let (key, value) = &entries[kid.index as usize];
        if kid.escape {
            s.prefix.push_str(&key.replace(':', "::"));
        } else {
            s.prefix.push_str(key);
        }
        s.prefix.push_ascii(b':');
        let child = Ctx {
            depth: ctx.depth,
            drop_signature_here: ctx.variant.drop_nested
                || (ctx.depth == 1 && ctx.skip == Skip::GeneralSignature && *key == "general"),
            nested: ctx.nested || *key == "signature",
            skip: ctx.skip,
            variant: ctx.variant,
        };
        walk_value(value, s, child, sink)?;
        s.prefix.truncate(base);
    }
    s.kids.truncate(kids_base);
    Ok(())
}

/// Sorts an object's children in plain byte order of their keys (variant (c)); true when that
/// is not their natural order. Distinct keys never compare equal bytewise, but `k:` (a
/// container) can equal a key `k:`: such a key has a `:`, which makes the caller ask for a
/// full sort anyway.
#[cold]
#[inline(never)]
fn sort_kids_bytewise(kids: &mut [Kid], entries: &Entries<'_>, top: bool) -> bool {
    let key = |k: &Kid| Key {
        bytes: entries[k.index as usize].0.as_bytes(),
        colon: k.container,
    };
    // The first eight bytes (zero-padded) as an integer order most pairs without `memcmp`.
    let prefix = |k: &Kid| {
        let key = key(k);
        let mut p = [0u8; 8];
        for (i, b) in p.iter_mut().enumerate().take(key.len()) {
            *b = key.at(i);
        }
        u64::from_be_bytes(p)
    };
    kids.sort_by_cached_key(|k| prefix(k));
    let mut start = 0;
    while start < kids.len() {
        let p = prefix(&kids[start]);
        let end = start + kids[start..].iter().take_while(|k| prefix(k) == p).count();
        kids[start..end].sort_unstable_by(|a, b| byte_cmp_keys(key(a), key(b)));
        start = end;
    }
    // Sorted bytewise and every neighbour in natural order too: the orders are the same.
    kids.windows(2)
        .any(|w| nat_cmp_keys(key(&w[0]), key(&w[1]), top) != Ordering::Less)
}

/// Sorts an object's children in natural order of their keys (with the prefix shortcut where it
/// decides); sets `ties` when two distinct keys compare equal.
fn sort_kids(kids: &mut [Kid], entries: &Entries<'_>, top: bool, ties: &mut bool) {
    kids.sort_by(|a, b| {
        if a.prefix != b.prefix && a.prefix != 0 && b.prefix != 0 {
            return a.prefix.cmp(&b.prefix);
        }
        let ka = Key {
            bytes: entries[a.index as usize].0.as_bytes(),
            colon: a.container,
        };
        let kb = Key {
            bytes: entries[b.index as usize].0.as_bytes(),
            colon: b.container,
        };
        let ord = nat_cmp_keys(ka, kb, top);
        if ord == Ordering::Equal {
            *ties = true; // distinct keys (objects have no duplicates) that compare equal
        }
        ord.then_with(|| (ka.bytes, ka.colon).cmp(&(kb.bytes, kb.colon)))
    });
}

/// Hands a scalar's line to the sink, or walks a container. Inlined into its callers, so a
/// scalar child (most of them) costs no call.
#[inline(always)]
fn walk_value<'a>(
    value: &'a Node<'a>,
    s: &mut Scratch<'_>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
) -> Result<()> {
    match *value {
        Node::Obj(entries) => {
            let child = Ctx {
                depth: ctx.depth + 1,
                ..ctx
            };
            walk_object(entries, s, child, sink)
        }
        Node::Arr(items) => walk_array(items, s, ctx, sink),
        Node::Str(text) | Node::Num(text) => s.line(sink, text, ctx.nested),
        Node::Bool(true) => s.line(sink, "1", ctx.nested),
        Node::Bool(false) => s.line(sink, "0", ctx.nested),
        Node::Null => s.line(sink, "", ctx.nested),
    }
}

fn walk_array<'a>(
    items: &'a [Node<'a>],
    s: &mut Scratch<'_>,
    ctx: Ctx,
    sink: &mut impl Sink<'a>,
) -> Result<()> {
    if ctx.depth + 1 > MAX_DEPTH {
        return Err(Error::NestingTooDeep(MAX_DEPTH));
    }
    let child = Ctx {
        depth: ctx.depth + 1,
        drop_signature_here: ctx.variant.drop_nested,
        ..ctx
    };
    let base = s.prefix.len();
    let mut index = itoa::Buffer::new();
    // Indices in natural order are numeric order; bytewise they differ from 10 on.
    if ctx.variant.bytes && items.len() > 10 {
        sink.reordered();
        let mut order = Vec::with_capacity(items.len());
        for first in 0..10 {
            indices_bytewise(first, items, &mut order);
        }
        for i in order {
            s.prefix.push_str(index.format(i));
            s.prefix.push_ascii(b':');
            walk_value(&items[i], s, child, sink)?;
            s.prefix.truncate(base);
        }
        return Ok(());
    }
    for (i, item) in items.iter().enumerate() {
        s.prefix.push_str(index.format(i));
        s.prefix.push_ascii(b':');
        walk_value(item, s, child, sink)?;
        s.prefix.truncate(base);
    }
    Ok(())
}

/// Whether a child sorts as `key:` among its siblings: it has lines below it. An empty
/// container has none, so where it sorts does not matter.
fn sorts_as_container(value: &Node<'_>) -> bool {
    match value {
        Node::Obj(e) => !e.is_empty(),
        Node::Arr(a) => !a.is_empty(),
        _ => false,
    }
}

/// Appends, in plain byte order of their paths, index `i` of an array and every index whose
/// digits start with `i`'s: `i` itself first (`1` < `10`), or last when it is a container
/// (`1:` > `19`: `:` sorts after the digits). Recursion depth is the number of digits.
fn indices_bytewise(i: usize, items: &[Node<'_>], out: &mut Vec<usize>) {
    let Some(item) = items.get(i) else {
        return;
    };
    let container = sorts_as_container(item);
    if !container {
        out.push(i);
    }
    if i != 0 {
        for digit in 0..10 {
            match i.checked_mul(10).map(|t| t + digit) {
                Some(child) if child < items.len() => indices_bytewise(child, items, out),
                _ => break,
            }
        }
    }
    if container {
        out.push(i);
    }
}

/// Plain byte order of two keys (each with its virtual `:` when a container).
fn byte_cmp_keys(a: Key<'_>, b: Key<'_>) -> Ordering {
    let n = a.bytes.len().min(b.bytes.len());
    a.bytes[..n].cmp(&b.bytes[..n]).then_with(|| {
        // One is a prefix of the other: the virtual `:`s and the lengths decide.
        let (la, lb) = (a.len(), b.len());
        (n..la.min(lb))
            .map(|i| a.at(i).cmp(&b.at(i)))
            .find(|o| o.is_ne())
            .unwrap_or(la.cmp(&lb))
    })
}

impl<'a> Flat<'a> {
    fn new(entries: &'a Entries<'a>, skip: Skip, bump: &Bump) -> Result<Flat<'a>> {
        let mut flat = Flat {
            paths: String::with_capacity(entries.len() * 64),
            lines: Vec::with_capacity(entries.len() * 6),
            ties: false,
        };
        walk(entries, skip, Variant::DOCUMENTED, &mut flat, bump)?;
        Ok(flat)
    }

    fn path(&self, i: u32) -> &str {
        let line = &self.lines[i as usize];
        &self.paths[line.start as usize..line.end as usize]
    }

    fn indices(&self, keep_nested: bool) -> Vec<u32> {
        (0..self.lines.len() as u32)
            .filter(|&i| keep_nested || !self.lines[i as usize].nested_signature)
            .collect()
    }

    /// Lines in natural order (PHP `strnatcmp` on the paths).
    fn natural_order(&self, keep_nested: bool) -> Vec<u32> {
        let mut idx = self.indices(keep_nested);
        if self.ties {
            idx.sort_by(|&a, &b| {
                let (pa, pb) = (self.path(a), self.path(b));
                natural_cmp(pa, pb).then_with(|| pa.cmp(pb))
            });
        }
        idx
    }

    /// Lines in plain byte order of the paths.
    fn byte_order(&self, keep_nested: bool) -> Vec<u32> {
        let mut idx = self.indices(keep_nested);
        idx.sort_by(|&a, &b| self.path(a).cmp(self.path(b)));
        idx
    }

    /// The canonical text of a variant, by a full sort of the lines.
    fn text(&self, variant: Variant) -> String {
        let keep_nested = !variant.drop_nested;
        let order = if variant.bytes {
            self.byte_order(keep_nested)
        } else {
            self.natural_order(keep_nested)
        };
        let mut out = String::with_capacity(self.text_len(&order));
        self.write(&order, |piece| out.push_str(piece));
        out
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
    nat_cmp_keys(
        Key {
            bytes: a.as_bytes(),
            colon: false,
        },
        Key {
            bytes: b.as_bytes(),
            colon: false,
        },
        true,
    )
}

/// A string to compare, optionally followed by a virtual `:` (how a container's key sorts
/// among its siblings' paths), so keys are compared without being copied.
#[derive(Clone, Copy)]
struct Key<'k> {
    bytes: &'k [u8],
    colon: bool,
}

impl Key<'_> {
    fn len(self) -> usize {
        self.bytes.len() + usize::from(self.colon)
    }

    fn at(self, i: usize) -> u8 {
        match self.bytes.get(i) {
            Some(&b) => b,
            None => b':',
        }
    }

    fn digit_at(self, i: usize) -> bool {
        i < self.len() && self.at(i).is_ascii_digit()
    }
}

/// `strnatcmp`; `at_start` applies PHP's skipping of leading zeros at the start of the string
/// (false for keys below the top level, which are not at the start of the path).
fn nat_cmp_keys(a: Key<'_>, b: Key<'_>, at_start: bool) -> Ordering {
    let (alen, blen) = (a.len(), b.len());
    if alen == 0 || blen == 0 {
        return alen.cmp(&blen);
    }
    // Most keys part at their first byte: two different non-digits decide at once.
    let (a0, b0) = (a.at(0), b.at(0));
    if a0 != b0 && !a0.is_ascii_digit() && !b0.is_ascii_digit() {
        return a0.cmp(&b0);
    }
    let (mut i, mut j) = (0usize, 0usize);
    // PHP skips leading zeros at the very start of each string (when a digit follows).
    while at_start && i + 1 < alen && a.at(i) == b'0' && a.at(i + 1).is_ascii_digit() {
        i += 1;
    }
    while at_start && j + 1 < blen && b.at(j) == b'0' && b.at(j + 1).is_ascii_digit() {
        j += 1;
    }
    loop {
        let (mut ca, mut cb) = (a.at(i), b.at(j));
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let result = if ca == b'0' || cb == b'0' {
                compare_left(a, &mut i, b, &mut j)
            } else {
                compare_right(a, &mut i, b, &mut j)
            };
            if result != Ordering::Equal {
                return result;
            }
            match (i == alen, j == blen) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) => {
                    ca = a.at(i);
                    cb = b.at(j);
                }
            }
        }
        match ca.cmp(&cb) {
            Ordering::Equal => {}
            other => return other,
        }
        i += 1;
        j += 1;
        match (i >= alen, j >= blen) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
    }
}

/// Digit runs without leading zeros: the longest run wins, else the first difference.
fn compare_right(a: Key<'_>, i: &mut usize, b: Key<'_>, j: &mut usize) -> Ordering {
    let mut bias = Ordering::Equal;
    loop {
        match (a.digit_at(*i), b.digit_at(*j)) {
            (false, false) => return bias,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                if bias == Ordering::Equal {
                    bias = a.at(*i).cmp(&b.at(*j));
                }
            }
        }
        *i += 1;
        *j += 1;
    }
}

/// Digit runs with a leading zero: compared left-aligned, the first difference wins.
fn compare_left(a: Key<'_>, i: &mut usize, b: Key<'_>, j: &mut usize) -> Ordering {
    loop {
        match (a.digit_at(*i), b.digit_at(*j)) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => match a.at(*i).cmp(&b.at(*j)) {
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

    /// The plain definition `sort_prefix` must agree with.
    fn sort_prefix_reference(key: &[u8], colon: bool) -> (u64, bool) {
        let mut p = [0u8; 8];
        let n = key.len().min(8);
        p[..n].copy_from_slice(&key[..n]);
        if colon && n < 8 {
            p[n] = b':';
        }
        let undecided =
            p.iter().any(|&c| c.is_ascii_digit() || c == 1) || p[0] == 0 || key[..n].contains(&0);
        let prefix = if undecided { 0 } else { u64::from_be_bytes(p) };
        (prefix, key.contains(&b':'))
    }

    #[test]
    fn sort_prefix_matches_its_definition() {
        let alphabet = [
            b'a', b'Z', b'0', b'9', b':', b'_', 0, 1, 2, 0x2f, 0x3a, 0x80, 0xff,
        ];
        let mut keys: Vec<Vec<u8>> = vec![Vec::new()];
        // Every key up to 3 bytes over the alphabet, then longer keys built from them.
        for _ in 0..3 {
            let mut next = Vec::new();
            for k in keys
                .iter()
                .filter(|k| k.len() == keys.last().map_or(0, |l| l.len()))
            {
                for &c in &alphabet {
                    let mut k = k.clone();
                    k.push(c);
                    next.push(k);
                }
            }
            keys.extend(next);
        }
        let short = keys.clone();
        for (i, k) in short.iter().enumerate() {
            for pad in ["abcde", "abcdefgh", "xy:zzzzzzz", "1"] {
                let mut long = pad.as_bytes().to_vec();
                long.extend_from_slice(k);
                keys.push(long);
                let mut long = k.clone();
                long.extend_from_slice(pad.as_bytes());
                keys.push(long);
            }
            if i % 7 == 0 {
                keys.push(k.repeat(4));
            }
        }
        assert!(keys.len() > 20_000);
        for key in &keys {
            for colon in [false, true] {
                assert_eq!(
                    sort_prefix(key, colon),
                    sort_prefix_reference(key, colon),
                    "{key:?} colon={colon}"
                );
            }
        }
    }

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

    /// Every variant's walked text equals the full sort of its lines ([`Flat`]), on keys that
    /// part at a digit, a `:`, a `-` or a length, each as a scalar, an object or a long array.
    #[test]
    fn walked_variants_equal_the_full_sort() {
        let keys = [
            "item1",
            "item10",
            "item2",
            "a",
            "a0",
            "a-",
            "A",
            "x01",
            "x1",
            "signature",
            "k:",
        ];
        let shapes = [
            json!(7),
            json!({"z": 1, "signature": "s"}),
            json!([0, 1, {"q": 2}, 3, 4, 5, 6, 7, 8, 9, [10], 11]),
        ];
        let variants = [
            Variant::DOCUMENTED,
            Variant::NESTED_REMOVED,
            Variant::BYTE_ORDER,
            Variant::BYTE_ORDER_NESTED_REMOVED,
        ];
        let (mut compared, mut unchanged) = (0, 0);
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                for c in &keys[..2] {
                    for (sa, sb, sc) in (0..27).map(|n| (n % 3, n / 3 % 3, n / 9)) {
                        let mut inner = serde_json::Map::new();
                        inner.insert((*a).into(), shapes[sa].clone());
                        inner.insert((*b).into(), shapes[sb].clone());
                        let mut outer = inner.clone();
                        outer.insert((*c).into(), Value::Object(inner.clone()));
                        if sc > 0 {
                            let arr = vec![shapes[sc].clone(); 12];
                            outer.insert("arr".into(), Value::Array(arr));
                        }
                        if sb == 0 && sc == 1 {
                            // Indices of one, two and three digits, each kind of child.
                            let long = (0..123).map(|i| shapes[(i * 7 + sa) % 3].clone());
                            outer.insert("long".into(), long.collect());
                        }
                        let v = Value::Object(outer);
                        let bump = Bump::new();
                        let node = Node::from_value(&v, &bump);
                        let entries = as_entries(&node).unwrap();
                        let flat = Flat::new(entries, Skip::Nothing, &bump).unwrap();
                        for variant in variants {
                            let buf = TextBuf::with_capacity_in(64, &bump);
                            let t = Text::of(entries, Skip::Nothing, variant, buf, &bump).unwrap();
                            if t.ties {
                                continue;
                            }
                            assert_eq!(t.text.as_str(), flat.text(variant), "{variant:?} {v}");
                            compared += 1;
                            if variant.bytes && !t.reordered {
                                // Then it need not be hashed: it is its natural-order twin.
                                let twin = Variant {
                                    bytes: false,
                                    ..variant
                                };
                                assert_eq!(t.text.as_str(), flat.text(twin), "{variant:?} {v}");
                                unchanged += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(
            compared > 4_000 && unchanged > 100,
            "{compared} {unchanged}"
        );
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
