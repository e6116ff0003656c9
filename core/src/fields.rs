//! Typed reads from untrusted JSON objects, with the field's path in every error.

use crate::text::Text;

use crate::error::{Error, Result};
use crate::json::{self, Entries, Node};

/// A JSON object being decoded, with its dotted path for error messages.
pub(crate) struct Obj<'a> {
    entries: &'a Entries<'a>,
    path: Path<'a>,
}

/// A dotted path, formatted only when an error needs it.
#[derive(Clone, Copy, Default)]
struct Path<'a> {
    segs: [Seg<'a>; 4],
    len: usize,
}

#[derive(Clone, Copy, Default)]
enum Seg<'a> {
    #[default]
    None,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    fn child(mut self, seg: Seg<'a>) -> Path<'a> {
        if self.len < self.segs.len() {
            self.segs[self.len] = seg;
            self.len += 1;
        }
        self
    }

    fn render(&self, last: Option<&str>) -> String {
        let mut out = String::new();
        for seg in &self.segs[..self.len] {
            if !out.is_empty() {
                out.push('.');
            }
            match seg {
                Seg::Key(k) => out.push_str(k),
                Seg::Index(i) => out.push_str(&i.to_string()),
                Seg::None => {}
            }
        }
        if let Some(k) = last {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(k);
        }
        out
    }
}

/// Whether a number's text is an integer (no fraction, no exponent).
fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl<'a> Obj<'a> {
    pub(crate) fn root(entries: &'a Entries<'a>) -> Obj<'a> {
        Obj {
            entries,
            path: Path::default(),
        }
    }

    /// The root object of a parsed message, or a malformed-message error.
    pub(crate) fn of(node: &'a Node<'a>, what: &str) -> Result<Obj<'a>> {
        match node {
            Node::Obj(entries) => Ok(Obj::root(entries)),
            other => Err(Error::malformed(
                what,
                format!("expected a JSON object, got {}", other.type_name()),
            )),
        }
    }

    pub(crate) fn path_of(&self, key: &str) -> String {
        self.path.render(Some(key))
    }

    fn get(&self, key: &str) -> Option<&'a Node<'a>> {
        match json::get(self.entries, key) {
            None | Some(Node::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn wrong(&self, key: &str, expected: &str, got: &Node<'_>) -> Error {
        Error::malformed(
            self.path_of(key),
            format!("expected {expected}, got {}", got.type_name()),
        )
    }

    /// A string field (absent or null → `None`).
    pub(crate) fn str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Node::Str(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    /// A required string field.
    pub(crate) fn str_req(&self, key: &str) -> Result<&'a str> {
        self.str(key)?
            .ok_or_else(|| Error::malformed(self.path_of(key), "required"))
    }

    /// An identifier or code that platforms send as a string or an integer.
    pub(crate) fn id(&self, key: &str) -> Result<Option<Text>> {
        match self.get(key) {
            None => Ok(None),
            Some(Node::Str(s)) => Ok(Some(Text::from(*s))),
            Some(Node::Num(n)) if is_integer(n) => Ok(Some(Text::from(*n))),
            Some(other) => Err(self.wrong(key, "a string or an integer", other)),
        }
    }

    /// Free text: a string, or any other JSON rendered as compact text.
    pub(crate) fn text(&self, key: &str) -> Option<Text> {
        match self.get(key) {
            None => None,
            Some(Node::Str(s)) => Some(Text::from(*s)),
            Some(other) => Some(other.to_json().into()),
        }
    }

    /// A non-negative integer that fits in u64 (JSON integer, or a string of digits).
    pub(crate) fn u64(&self, key: &str) -> Result<Option<u64>> {
        let text = match self.get(key) {
            None => return Ok(None),
            Some(Node::Num(n)) => *n,
            Some(Node::Str(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s,
            Some(other) => return Err(self.wrong(key, "a non-negative integer", other)),
        };
        text.parse::<u64>().map(Some).map_err(|_| {
            Error::malformed(
                self.path_of(key),
                format!("expected a non-negative integer below 2^64, got {text}"),
            )
        })
    }

    /// A nested object.
    pub(crate) fn obj(&self, key: &'a str) -> Result<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Node::Obj(entries)) => Ok(Some(Obj {
                entries,
                path: self.path.child(Seg::Key(key)),
            })),
            Some(other) => Err(self.wrong(key, "an object", other)),
        }
    }

    /// A required nested object.
    pub(crate) fn obj_req(&self, key: &'a str) -> Result<Obj<'a>> {
        self.obj(key)?
            .ok_or_else(|| Error::malformed(self.path_of(key), "required"))
    }

    /// A nested array (absent or null → empty).
    pub(crate) fn arr(&self, key: &str) -> Result<&'a [Node<'a>]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Node::Arr(items)) => Ok(items),
            Some(other) => Err(self.wrong(key, "an array", other)),
        }
    }

    /// A string, or an array of strings, as the Data API's filters are (absent → empty).
    #[cfg(feature = "data-api")]
    pub(crate) fn strings(&self, key: &str) -> Result<Vec<String>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Node::Str(s)) => Ok(vec![(*s).to_owned()]),
            Some(Node::Arr(items)) => items
                .iter()
                .map(|i| match i {
                    Node::Str(s) => Ok((*s).to_owned()),
                    _ => Err(Error::invalid(self.path_of(key), "expected strings")),
                })
                .collect(),
            Some(_) => Err(Error::invalid(
                self.path_of(key),
                "expected a string or an array of strings",
            )),
        }
    }

    /// An array of non-negative integers, such as project ids (absent → `None`).
    #[cfg(feature = "data-api")]
    pub(crate) fn u64s(&self, key: &str) -> Result<Option<Vec<u64>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Node::Arr(items)) => items
                .iter()
                .map(|i| match i {
                    Node::Num(n) => n
                        .parse()
                        .map_err(|_| Error::invalid(self.path_of(key), "expected integers")),
                    _ => Err(Error::invalid(self.path_of(key), "expected integers")),
                })
                .collect::<Result<Vec<u64>>>()
                .map(Some),
            Some(_) => Err(Error::invalid(
                self.path_of(key),
                "expected an array of integers",
            )),
        }
    }

    /// The raw value of a key, if present and not null.
    pub(crate) fn raw(&self, key: &str) -> Option<&'a Node<'a>> {
        self.get(key)
    }

    /// An element of an array field, as an object.
    pub(crate) fn item(&self, key: &'a str, index: usize, value: &'a Node<'a>) -> Result<Obj<'a>> {
        match value {
            Node::Obj(entries) => Ok(Obj {
                entries,
                path: self.path.child(Seg::Key(key)).child(Seg::Index(index)),
            }),
            other => Err(Error::malformed(
                format!("{}.{index}", self.path_of(key)),
                format!("expected an object, got {}", other.type_name()),
            )),
        }
    }
}
