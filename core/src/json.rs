//! A strict, borrowed JSON tree for untrusted messages (RFC 8259).
//!
//! Why not `serde_json::Value` on the hot path: the signature must be computed over numbers
//! exactly as received (SPEC §2), strings need no copy when they have no escapes, and
//! verification must be cheap next to HMAC-SHA512 itself. This parser keeps every number's
//! text, borrows every unescaped string, limits depth, and rejects duplicate keys (a message
//! whose meaning depends on which duplicate wins must not be trusted).

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};
use crate::signature::MAX_DEPTH;

/// One JSON value, borrowing from the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    /// A number, as its JSON text.
    Num(&'a str),
    Str(Cow<'a, str>),
    Arr(Vec<Node<'a>>),
    Obj(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Object entries, in document order.
pub(crate) type Entries<'a> = [(Cow<'a, str>, Node<'a>)];

impl<'a> Node<'a> {
    /// Parses a complete JSON document.
    pub(crate) fn parse(text: &'a str) -> Result<Node<'a>> {
        let mut p = Parser {
            text,
            b: text.as_bytes(),
            i: 0,
        };
        p.ws();
        let v = p.value(1)?;
        p.ws();
        if p.i != p.b.len() {
            return Err(p.err("trailing characters after the JSON value"));
        }
        Ok(v)
    }

    /// A borrowed view of a `serde_json::Value`.
    pub(crate) fn from_value(v: &'a Value) -> Node<'a> {
        match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Num(n.as_str()),
            Value::String(s) => Node::Str(Cow::Borrowed(s)),
            Value::Array(items) => Node::Arr(items.iter().map(Node::from_value).collect()),
            Value::Object(map) => Node::Obj(
                map.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Node::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// An owned `serde_json::Value` (numbers keep their text).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Num(n) => Value::Number(Number::from_string_unchecked((*n).to_owned())),
            Node::Str(s) => Value::String(s.clone().into_owned()),
            Node::Arr(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Obj(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for (k, v) in entries {
                    map.insert(k.clone().into_owned(), v.to_value());
                }
                Value::Object(map)
            }
        }
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

    /// Compact JSON text of this value (numbers as received).
    pub(crate) fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

/// The value of a key in object entries.
pub(crate) fn get<'e, 'a>(entries: &'e Entries<'a>, key: &str) -> Option<&'e Node<'a>> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> Error {
        Error::MalformedJson(format!("{what} at byte {}", self.i))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>> {
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

    fn literal(&mut self, word: &str, node: Node<'a>) -> Result<Node<'a>> {
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

    fn number(&mut self) -> Result<Node<'a>> {
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

    fn string(&mut self) -> Result<Cow<'a, str>> {
        self.i += 1; // opening quote
        let start = self.i;
        // Fast path: most strings are short and plain; scan them directly, and hand long ones
        // to SIMD (memchr) before checking them for control characters.
        let rest = &self.b[start..];
        let stop = |c: u8| c == b'"' || c == b'\\' || c < 0x20;
        let found = match rest.iter().take(32).position(|&c| stop(c)) {
            Some(n) => Some(n),
            None if rest.len() <= 32 => None,
            None => memchr::memchr2(b'"', b'\\', rest)
                .map(|n| rest[..n].iter().position(|&c| c < 0x20).unwrap_or(n)),
        };
        match found {
            None => {
                self.i = self.b.len();
                return Err(self.err("unterminated string"));
            }
            Some(n) => {
                self.i = start + n;
                match self.b[self.i] {
                    b'"' => {
                        self.i += 1;
                        return Ok(Cow::Borrowed(&self.text[start..start + n]));
                    }
                    b'\\' => {}
                    _ => return Err(self.err("control character in a string")),
                }
            }
        }
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(&self.text[start..self.i]);
        loop {
            match self.b.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
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
                    while let Some(&c) = self.b.get(self.i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        self.i += 1;
                    }
                    out.push_str(&self.text[run..self.i]);
                }
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
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

    fn array(&mut self, depth: usize) -> Result<Node<'a>> {
        if depth > MAX_DEPTH {
            return Err(Error::NestingTooDeep(MAX_DEPTH));
        }
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Node::Arr(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Node::Arr(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node<'a>> {
        if depth > MAX_DEPTH {
            return Err(Error::NestingTooDeep(MAX_DEPTH));
        }
        self.i += 1;
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::with_capacity(8);
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Node::Obj(entries));
        }
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
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    check_unique(&entries)
                        .map_err(|k| self.err(&format!("duplicate key {k:?}")))?;
                    return Ok(Node::Obj(entries));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }
}

fn check_unique<'e>(entries: &'e [(Cow<'_, str>, Node<'_>)]) -> std::result::Result<(), &'e str> {
    if entries.len() <= 16 {
        for (i, (k, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(other, _)| other == k) {
                return Err(k);
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(entries.len());
        for (k, _) in entries {
            if !seen.insert(k.as_ref()) {
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
            let node = Node::parse(text).unwrap();
            let serde: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                node.to_value().to_string(),
                serde.to_string().replace("1e+5", "1E5"),
                "{text}"
            );
        }
    }

    #[test]
    fn keeps_number_text() {
        let node = Node::parse(r#"{"f":1.50,"g":1E3,"h":-0.0}"#).unwrap();
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
            assert!(Node::parse(text).is_err(), "{text:?} should be rejected");
        }
    }

    #[test]
    fn limits_depth() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(
            Node::parse(&deep).unwrap_err(),
            Error::NestingTooDeep(MAX_DEPTH)
        );
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Node::parse(&ok).is_ok());
    }
}
