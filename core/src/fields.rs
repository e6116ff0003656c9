//! Typed reads from untrusted JSON objects, with the field's path in every error.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::signature::type_name;

/// A JSON object being decoded, with its dotted path for error messages.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    pub(crate) fn root(map: &'a Map<String, Value>) -> Obj<'a> {
        Obj {
            map,
            path: String::new(),
        }
    }

    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn wrong(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::malformed(
            self.path_of(key),
            format!("expected {expected}, got {}", type_name(got)),
        )
    }

    /// A string field (absent or null → `None`).
    pub(crate) fn str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    /// A required string field.
    pub(crate) fn str_req(&self, key: &str) -> Result<&'a str> {
        self.str(key)?
            .ok_or_else(|| Error::malformed(self.path_of(key), "required"))
    }

    /// An identifier or code that platforms send as a string or an integer.
    pub(crate) fn id(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if n.as_i128().is_some() => Ok(Some(n.as_str().to_owned())),
            Some(other) => Err(self.wrong(key, "a string or an integer", other)),
        }
    }

    /// Free text: a string, or any other JSON rendered as compact text.
    pub(crate) fn text(&self, key: &str) -> Option<String> {
        match self.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        }
    }

    /// A non-negative integer that fits in u64 (JSON integer, or a string of digits).
    pub(crate) fn u64(&self, key: &str) -> Result<Option<u64>> {
        let v = match self.get(key) {
            None => return Ok(None),
            Some(v) => v,
        };
        let parsed = match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                s.parse::<u64>().ok()
            }
            other => return Err(self.wrong(key, "a non-negative integer", other)),
        };
        parsed.map(Some).ok_or_else(|| {
            Error::malformed(
                self.path_of(key),
                format!("expected a non-negative integer below 2^64, got {v}"),
            )
        })
    }

    /// A nested object.
    pub(crate) fn obj(&self, key: &str) -> Result<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Obj {
                map,
                path: self.path_of(key),
            })),
            Some(other) => Err(self.wrong(key, "an object", other)),
        }
    }

    /// A required nested object.
    pub(crate) fn obj_req(&self, key: &str) -> Result<Obj<'a>> {
        self.obj(key)?
            .ok_or_else(|| Error::malformed(self.path_of(key), "required"))
    }

    /// A nested array (absent or null → empty).
    pub(crate) fn arr(&self, key: &str) -> Result<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(self.wrong(key, "an array", other)),
        }
    }

    /// The raw value of a key, if present and not null.
    pub(crate) fn raw(&self, key: &str) -> Option<&'a Value> {
        self.get(key)
    }

    /// An element of an array field, as an object.
    pub(crate) fn item(&self, key: &str, index: usize, value: &'a Value) -> Result<Obj<'a>> {
        match value {
            Value::Object(map) => Ok(Obj {
                map,
                path: format!("{}.{index}", self.path_of(key)),
            }),
            other => Err(Error::malformed(
                format!("{}.{index}", self.path_of(key)),
                format!("expected an object, got {}", type_name(other)),
            )),
        }
    }
}
