#![no_main]
//! The core's strict JSON parser against serde_json: whatever serde_json rejects, the core
//! rejects; whatever both accept, they read to the same value (numbers as their text, with
//! `arbitrary_precision`). The core may refuse more, only for its documented limits: duplicate
//! keys (2003) and nesting beyond 128 levels (2005). serde_json writes an exponent its own way
//! (`1E400` as `1e+400`) even with `arbitrary_precision`, and with it refuses documents that
//! use its private key `$serde_json::private::Number` (found by this target); the comparison
//! forgives only those two.
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wallet_partner::signature::parse_body;

/// Exponents written as serde_json writes them: `e`, with a sign.
fn normalized(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            let t = n.to_string().replace('E', "e");
            let t = match t.split_once('e') {
                Some((m, e)) if !e.starts_with(['+', '-']) => format!("{m}e+{e}"),
                _ => t,
            };
            Value::Number(serde_json::from_str(&t).unwrap())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalized(v))).collect()),
        other => other,
    }
}

/// serde_json's `arbitrary_precision` marker key: documents using it are serde_json's problem.
const SERDE_PRIVATE: &[u8] = b"$serde_json::private::Number";

fuzz_target!(|data: &[u8]| {
    if data.windows(SERDE_PRIVATE.len()).any(|w| w == SERDE_PRIVATE) {
        return;
    }
    let ours = parse_body(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => assert_eq!(normalized(a), normalized(b), "the parsers read different values"),
        (Ok(a), Err(e)) => panic!("the core accepted what serde_json rejects ({e}): {a}"),
        (Err(e), Ok(_)) => {
            let text = e.to_string();
            assert!(
                e.code() == 2005 || (e.code() == 2003 && text.contains("duplicate")),
                "the core rejected what serde_json accepts: {text}"
            );
        }
        (Err(_), Err(_)) => {}
    }
});
