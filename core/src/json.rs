//! A strict, borrowed JSON tree for untrusted messages (RFC 8259).
//!
//! Why not `serde_json::Value` on the hot path: the signature must be computed over numbers
//! exactly as received (SPEC §2), strings need no copy when they have no escapes, and
//! verification must be cheap next to HMAC-SHA512 itself. This parser keeps every number's
//! text, borrows every unescaped string, limits depth, and rejects duplicate keys (a message
//! whose meaning depends on which duplicate wins must not be trusted).

use std::collections::HashSet;

use bumpalo::collections::Vec as BumpVec;
use bumpalo::Bump;
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};
use crate::swar;

/// The deepest nesting accepted in a message or in parameters to sign.
pub const MAX_DEPTH: usize = 128;

/// The largest message body accepted, in bytes (2 MiB).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Checks size and UTF-8 of an untrusted body.
pub(crate) fn body_text(body: &[u8]) -> Result<&str> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    // The standard library's check (a SIMD one saved 0.38 % of verify_callback's instructions:
    // not worth a dependency).
    std::str::from_utf8(body).map_err(|e| {
        Error::MalformedJson(format!(
            "body is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// Parses an untrusted body into JSON with the library's limits (size, UTF-8, depth, no
/// duplicate keys), without verifying it. With the crate's `arbitrary-precision` feature
/// numbers keep their received text, so the result signs exactly as received; without it,
/// floats and integers beyond 64 bits are approximated (use the bytes-in functions,
/// [`crate::signature::canonical_string_of_json`] and [`crate::signature::sign_json`], to sign
/// exactly).
pub fn parse_body(body: &[u8]) -> Result<Value> {
    let text = body_text(body)?;
    let bump = crate::arena::arena(text.len());
    Node::parse(text, &bump)?.to_value()
}

/// One JSON value. Everything it refers to lives in the text it was parsed from or in a
/// per-message arena (children, and strings that had escapes), so a tree costs one arena and no
/// destructor.
///
/// The tag is a full word (`repr(u64)`): with a byte tag, a value built in a parser branch was
/// stored a byte at a time and read back a word at a time, a store-forwarding stall on every
/// value (perf annotate: a quarter of `snapshot::summary`'s samples).
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u64)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    /// A number, as its JSON text.
    Num(&'a str),
    Str(&'a str),
    Arr(&'a [Node<'a>]),
    Obj(&'a Entries<'a>),
}

/// Object entries, in document order.
pub(crate) type Entries<'a> = [(&'a str, Node<'a>)];

/// An object's text, from its `{` to its `}`, and its entries (to tell which object it is).
/// (Read by the Data API only.)
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "data-api"), allow(dead_code))]
pub(crate) struct Span<'a> {
    pub(crate) entries: &'a Entries<'a>,
    pub(crate) text: &'a str,
}

#[cfg_attr(not(feature = "data-api"), allow(dead_code))]
impl<'a> Span<'a> {
    /// The text of the object whose entries are `entries`, among `spans` from `*from` on
    /// (objects come in document order, so a caller walking them in order passes a cursor).
    pub(crate) fn find(
        spans: &[Span<'a>],
        from: &mut usize,
        entries: &Entries<'a>,
    ) -> Option<&'a str> {
        let k = spans[*from..]
            .iter()
            .position(|s| std::ptr::eq(s.entries, entries))?;
        *from += k + 1;
        Some(spans[*from - 1].text)
    }
}

impl<'a> Node<'a> {
    /// Parses a complete JSON document into `bump`.
    pub(crate) fn parse(text: &'a str, bump: &'a Bump) -> Result<Node<'a>> {
        Ok(Node::parse_spans(text, bump, 0)?.0)
    }

    /// Parses like [`Node::parse`], and also gives where in `text` each object nested
    /// `depth` deep (1 is the document itself) begins and ends, in document order (`depth` 0:
    /// none). A Data API page keeps each operation's text so, exactly as received.
    pub(crate) fn parse_spans(
        text: &'a str,
        bump: &'a Bump,
        depth: usize,
    ) -> Result<(Node<'a>, &'a [Span<'a>])> {
        let mut p = Parser {
            text,
            b: text.as_bytes(),
            i: 0,
            bump,
            items: BumpVec::with_capacity_in(16, bump),
            entries: BumpVec::with_capacity_in(32, bump),
            span_depth: depth,
            spans: BumpVec::new_in(bump),
        };
        p.ws();
        let v = p.value(1)?;
        p.ws();
        if p.i != p.b.len() {
            return Err(p.err("trailing characters after the JSON value").into());
        }
        Ok((v, p.spans.into_bump_slice()))
    }

    /// A borrowed view of a `serde_json::Value` (containers allocated in `bump`).
    pub(crate) fn from_value(v: &'a Value, bump: &'a Bump) -> Node<'a> {
        match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Num(bump.alloc_str(&n.to_string())),
            Value::String(s) => Node::Str(s),
            Value::Array(items) => Node::Arr(
                bump.alloc_slice_fill_iter(items.iter().map(|v| Node::from_value(v, bump))),
            ),
            Value::Object(map) => Node::Obj(from_map(map, bump)),
        }
    }

    /// An owned `serde_json::Value`. Numbers keep their exact text with the crate's
    /// `arbitrary-precision` feature; without it, integers that fit 64 bits stay exact and
    /// other numbers become the nearest `f64` (one beyond `f64`'s range is an error).
    pub(crate) fn to_value(self) -> Result<Value> {
        Ok(match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Num(n) => Value::Number(number(n)?),
            Node::Str(s) => Value::String(s.to_owned()),
            Node::Arr(items) => Value::Array(
                items
                    .iter()
                    .map(|n| n.to_value())
                    .collect::<Result<_, _>>()?,
            ),
            Node::Obj(entries) => {
                let mut map = Map::new();
                for (k, v) in entries.iter() {
                    map.insert((*k).to_owned(), v.to_value()?);
                }
                Value::Object(map)
            }
        })
    }

    /// The JSON type name, for error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Num(_) => "a number",
            Node::Str(_) => "a string",
            Node::Arr(_) => "an array",
            Node::Obj(_) => "an object",
        }
    }

    /// The value of a key, if this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Obj(entries) => get(entries, key),
            _ => None,
        }
    }

    /// Compact JSON text of this value, numbers exactly as received, keys in received order.
    pub(crate) fn to_json(self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(self, out: &mut String) {
        let string = |s: &str, out: &mut String| {
            out.push_str(&serde_json::to_string(s).expect("a string always serializes"))
        };
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if b { "true" } else { "false" }),
            Node::Num(n) => out.push_str(n),
            Node::Str(s) => string(s, out),
            Node::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Node::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// A number's JSON text as a `serde_json::Number`: its exact text (serde_json's
/// `arbitrary_precision`, turned on by this crate's `arbitrary-precision` feature).
#[cfg(feature = "arbitrary-precision")]
fn number(text: &str) -> Result<Number> {
    Ok(Number::from_string_unchecked(text.to_owned()))
}

/// A number's JSON text as a `serde_json::Number`: exact for integers that fit 64 bits, the
/// nearest `f64` otherwise (build with the `arbitrary-precision` feature for exact text).
#[cfg(not(feature = "arbitrary-precision"))]
fn number(text: &str) -> Result<Number> {
    serde_json::from_str(text)
        .map_err(|e| Error::MalformedJson(format!("number {text} cannot be represented: {e}")))
}

/// A map's entries as arena entries.
pub(crate) fn from_map<'a>(map: &'a Map<String, Value>, bump: &'a Bump) -> &'a Entries<'a> {
    bump.alloc_slice_fill_iter(
        map.iter()
            .map(|(k, v)| (k.as_str(), Node::from_value(v, bump))),
    )
}

/// The value of a key in object entries.
pub(crate) fn get<'e, 'a>(entries: &'e Entries<'a>, key: &str) -> Option<&'e Node<'a>> {
    // Length and first byte rule out almost every other key without a `memcmp` call.
    let (len, first) = (key.len(), key.as_bytes().first());
    entries
        .iter()
        .find(|(k, _)| k.len() == len && k.as_bytes().first() == first && *k == key)
        .map(|(_, v)| v)
}

/// Bytes that end the plain part of a string: `"`, `\\` and control characters.
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The end of the plain run of string bytes from `from`: the first `"`, `\\` or control
/// character, or the end of the text.
#[inline(always)]
fn plain_end(b: &[u8], from: usize) -> usize {
    let mut j = from;
    // Eight bytes at a time (SWAR): flags every '"', '\\' and byte below 0x20.
    while j + 8 <= b.len() {
        let w = u64::from_le_bytes(b[j..j + 8].try_into().expect("eight bytes"));
        let flags = swar::equal(w, b'"') | swar::equal(w, b'\\') | swar::below(w, 0x20);
        if flags != 0 {
            return j + (flags.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && !STOP[b[j] as usize] {
        j += 1;
    }
    j
}

/// A parse failure, kept small so results stay cheap to return through the recursion.
#[derive(Debug)]
enum Fail {
    /// What went wrong, at which byte.
    At(&'static str, usize),
    /// A duplicate key (boxed: rare and variable-sized).
    Duplicate(Box<str>, usize),
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl From<Fail> for Error {
    fn from(f: Fail) -> Error {
        match f {
            Fail::At(what, i) => Error::MalformedJson(format!("{what} at byte {i}")),
            Fail::Duplicate(key, i) => {
                Error::MalformedJson(format!("duplicate key {key:?} at byte {i}"))
            }
            Fail::TooDeep => Error::NestingTooDeep(MAX_DEPTH),
        }
    }
}

type PResult<T> = std::result::Result<T, Fail>;

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    bump: &'a Bump,
    /// Children of the arrays being parsed, as a stack (each array takes its top run).
    items: BumpVec<'a, Node<'a>>,
    /// Entries of the objects being parsed, as a stack.
    entries: BumpVec<'a, (&'a str, Node<'a>)>,
    /// The depth whose objects' spans are kept (0: none), and those spans.
    span_depth: usize,
    spans: BumpVec<'a, Span<'a>>,
}

impl<'a> Parser<'a> {
    fn err(&self, what: &'static str) -> Fail {
        Fail::At(what, self.i)
    }

    /// Skips whitespace; compact JSON has none, so one comparison usually settles it.
    #[inline(always)]
    fn ws(&mut self) {
        if let Some(&c) = self.b.get(self.i) {
            if c <= b' ' {
                self.ws_run();
            }
        }
    }

    fn ws_run(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> PResult<Node<'a>> {
        match self.b.get(self.i) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Node::Str(self.string()?)),
            Some(b't') => self.literal("true", Node::Bool(true)),
            Some(b'f') => self.literal("false", Node::Bool(false)),
            Some(b'n') => self.literal("null", Node::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a JSON value")),
            None => Err(self.err("unexpected end of input")),
        }
    }

    /// A value inside a container: strings and numbers (most values) parsed in place,
    /// without the recursive call.
    #[inline(always)]
    fn member(&mut self, depth: usize) -> PResult<Node<'a>> {
        match self.b.get(self.i) {
            Some(b'"') => Ok(Node::Str(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.value(depth),
        }
    }

    fn literal(&mut self, word: &str, node: Node<'a>) -> PResult<Node<'a>> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(node)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    /// A number, kept as its text. Inlined for the reason [`Parser::string`] is.
    #[inline(always)]
    fn number(&mut self) -> PResult<Node<'a>> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number: digits expected in the exponent"));
            }
        }
        Ok(Node::Num(&self.text[start..self.i]))
    }

    /// A string (the cursor on its opening quote). Inlined: most strings have no escape and
    /// end at the first byte needing attention, and a call per key and value (its result
    /// returned through memory) cost more than the scan (measured: 10 % of a snapshot's
    /// summary).
    #[inline(always)]
    fn string(&mut self) -> PResult<&'a str> {
        self.i += 1; // opening quote
        let start = self.i;
        let j = plain_end(self.b, start);
        self.i = j;
        if self.b.get(j) == Some(&b'"') {
            self.i += 1;
            return Ok(&self.text[start..j]);
        }
        self.string_rest(start)
    }

    /// The rest of a string that has an escape, a control character, or no end; `self.i` is
    /// on that byte, `start` just after the opening quote.
    #[cold]
    #[inline(never)]
    fn string_rest(&mut self, start: usize) -> PResult<&'a str> {
        match self.b.get(self.i) {
            Some(b'\\') => {}
            Some(_) => return Err(self.err("control character in a string")),
            None => return Err(self.err("unterminated string")),
        }
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(&self.text[start..self.i]);
        loop {
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(self.bump.alloc_str(&out));
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.b.get(self.i) != Some(&b'\\')
                                    || self.b.get(self.i + 1) != Some(&b'u')
                                {
                                    return Err(self.err("lone surrogate in \\u escape"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("invalid surrogate pair in \\u escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.err("lone surrogate in \\u escape"));
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code)
                                    .ok_or_else(|| self.err("invalid \\u escape"))?,
                            );
                            continue;
                        }
                        _ => return Err(self.err("invalid escape")),
                    };
                    out.push(c);
                    self.i += 1;
                }
                Some(0..=0x1f) => return Err(self.err("control character in a string")),
                Some(_) => {
                    let run = self.i;
                    self.i = plain_end(self.b, run);
                    out.push_str(&self.text[run..self.i]);
                }
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let digits = self
            .b
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("short \\u escape"))?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16
                + match d {
                    b'0'..=b'9' => u32::from(d - b'0'),
                    b'a'..=b'f' => u32::from(d - b'a' + 10),
                    b'A'..=b'F' => u32::from(d - b'A' + 10),
                    _ => return Err(self.err("invalid \\u escape")),
                };
        }
        self.i += 4;
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> PResult<Node<'a>> {
        if depth > MAX_DEPTH {
            return Err(Fail::TooDeep);
        }
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Node::Arr(&[]));
        }
        let base = self.items.len();
        loop {
            self.ws();
            let item = self.member(depth + 1)?;
            self.items.push(item);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    let items = self.bump.alloc_slice_copy(&self.items[base..]);
                    self.items.truncate(base);
                    return Ok(Node::Arr(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> PResult<Node<'a>> {
        let start = self.i;
        let node = self.object_entries(depth)?;
        if depth == self.span_depth {
            if let Node::Obj(entries) = node {
                self.spans.push(Span {
                    entries,
                    text: &self.text[start..self.i],
                });
            }
        }
        Ok(node)
    }

    fn object_entries(&mut self, depth: usize) -> PResult<Node<'a>> {
        if depth > MAX_DEPTH {
            return Err(Fail::TooDeep);
        }
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Node::Obj(&[]));
        }
        let base = self.entries.len();
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err("expected ':'"));
            }
            self.i += 1;
            self.ws();
            let value = self.member(depth + 1)?;
            self.entries.push((key, value));
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    let entries = self.bump.alloc_slice_copy(&self.entries[base..]);
                    self.entries.truncate(base);
                    check_unique(entries).map_err(|k| Fail::Duplicate(k.into(), self.i))?;
                    return Ok(Node::Obj(entries));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }
}

fn check_unique<'e>(entries: &'e Entries<'_>) -> std::result::Result<(), &'e str> {
    if entries.len() <= 16 {
        // Length, first and last byte settle almost every pair without comparing the keys.
        let mut tags = [0u64; 16];
        for (tag, (k, _)) in tags.iter_mut().zip(entries) {
            let b = k.as_bytes();
            *tag = (b.len() as u64) << 16
                | u64::from(b.first().copied().unwrap_or(0)) << 8
                | u64::from(b.last().copied().unwrap_or(0));
        }
        for i in 1..entries.len() {
            for j in 0..i {
                if tags[i] == tags[j] && entries[i].0 == entries[j].0 {
                    return Err(entries[i].0);
                }
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(entries.len());
        for (k, _) in entries {
            if !seen.insert(*k) {
                return Err(k);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_serde_parses() {
        for text in [
            r#"{"a":[1,-2.5e+3,0,1E5,true,false,null,"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{}}"#,
            r#"  [ ]  "#,
            r#""just a string""#,
            "123456789012345678901234567890",
        ] {
            let bump = Bump::new();
            let node = Node::parse(text, &bump).unwrap();
            let serde: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                node.to_value().unwrap().to_string(),
                serde.to_string().replace("1e+5", "1E5"),
                "{text}"
            );
        }
    }

    #[test]
    fn keeps_number_text() {
        let bump = Bump::new();
        let node = Node::parse(r#"{"f":1.50,"g":1E3,"h":-0.0}"#, &bump).unwrap();
        assert_eq!(node.get("f"), Some(&Node::Num("1.50")));
        assert_eq!(node.get("g"), Some(&Node::Num("1E3")));
    }

    #[test]
    fn rejects_invalid_json() {
        for text in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":1,}",
            "[1,]",
            "01",
            "1.",
            "1e",
            "-",
            "tru",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "{\"a\":1}x",
            "{'a':1}",
            "{\"a\":1,\"a\":2}",
            "NaN",
        ] {
            assert!(
                Node::parse(text, &Bump::new()).is_err(),
                "{text:?} should be rejected"
            );
        }
    }

    #[test]
    fn limits_depth() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(
            Node::parse(&deep, &Bump::new()).unwrap_err(),
            Error::NestingTooDeep(MAX_DEPTH)
        );
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Node::parse(&ok, &Bump::new()).is_ok());
    }
}
