//! The canonical-string rule as SPEC §2 and §2.1 write it, naively: every line, one full sort.
//! The reference the property tests (core/tests/properties.rs) and the differential fuzz target
//! (fuzz/fuzz_targets/canonical_differential.rs) hold the fast walk against.
#![allow(dead_code)]

use serde_json::Value;
use wallet_partner::signature::natural_cmp;

/// SPEC §2: the documented rule (natural order, nested `signature` keys kept).
pub fn reference_canonical(v: &Value) -> String {
    reference_variant(v, false, false)
}

/// The variants of SPEC §2.1, naively: every line, nested `signature` keys removed or not, one
/// full sort in natural or plain byte order of the paths.
pub fn reference_variant(v: &Value, byte_order: bool, drop_nested: bool) -> String {
    // `path` is None for the message itself: its keys start the paths (an empty key still
    // joins with `:`, so `{"": {"a": 1}}` is `:a:1`).
    fn flat(v: &Value, path: Option<&str>, drop: bool, out: &mut Vec<(String, String)>) {
        let child = |k: &str| match path {
            None => k.to_owned(),
            Some(p) => format!("{p}:{k}"),
        };
        let here = || path.unwrap_or_default().to_owned();
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "frame_mode" || (drop && k == "signature") {
                        continue;
                    }
                    flat(v, Some(&child(&k.replace(':', "::"))), drop, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    flat(v, Some(&child(&i.to_string())), drop, out);
                }
            }
            Value::Null => out.push((here(), String::new())),
            Value::Bool(b) => out.push((here(), if *b { "1" } else { "0" }.into())),
            Value::Number(n) => out.push((here(), n.to_string())),
            Value::String(s) => out.push((here(), s.clone())),
        }
    }
    let mut lines = Vec::new();
    flat(v, None, drop_nested, &mut lines);
    if byte_order {
        lines.sort_by(|a, b| a.0.cmp(&b.0));
    } else {
        lines.sort_by(|a, b| natural_cmp(&a.0, &b.0).then_with(|| a.0.cmp(&b.0)));
    }
    lines
        .into_iter()
        .map(|(p, v)| format!("{p}:{v}"))
        .collect::<Vec<_>>()
        .join(";")
}
