//! Property tests for signatures (issue: canonical string, sign/verify, tampering) and for the
//! payment lifecycle under random sandbox-produced event sequences.

use crate::naive;

use naive::{reference_canonical, reference_variant};
use proptest::prelude::*;
use serde_json::{Map, Value};
use wallet_partner::signature::{canonical_string, sign, sign_string, verify_body};
use wallet_partner::SecretKey;

/// Keys that exercise the sort: digits (with leading zeros), `:`, `-`, `.`, `_`, case.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}",
        "[a-zA-Z_][a-zA-Z0-9_.-]{0,5}",
        "(item|x|k)(0|00|01|1|2|9|10|11|100)",
        "[a-z]{1,3}:[a-z0-9]{1,3}",
        "(0|00|007|7|1|10)",
    ]
    .prop_filter("reserved keys", |k| k != "frame_mode" && k != "signature")
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        "\\PC{0,6}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 14, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..14).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Value> {
    prop::collection::vec((key(), json_value()), 0..10)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
}

/// Like [`json_value`], with nested keys named `signature` now and then (variants (b), (d)).
fn json_value_with_signatures() -> impl Strategy<Value = Value> {
    let key = prop_oneof![6 => key(), 1 => Just("signature".to_string())];
    scalar().prop_recursive(4, 48, 14, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..14).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Sibling objects sharing their keys, as a Data API page's operations do (the walk reuses a
/// sibling's order): the same keys in the same or another order, with values that are now a
/// scalar, now a container, now an empty one, and objects of the same keys at other depths.
fn json_siblings() -> impl Strategy<Value = Value> {
    // Keys that are prefixes of one another: whether a value is a container moves them.
    let related = prop::sample::select(vec![
        "a", "a-", "a.", "a0", "a_", "ab", "a:b", "x1", "x01", "x10", "1", "01", "10",
    ])
    .prop_map(str::to_owned);
    let keys = prop::collection::btree_set(prop_oneof![1 => key(), 3 => related], 2..8)
        .prop_map(|k| k.into_iter().collect::<Vec<_>>());
    keys.prop_flat_map(|keys| {
        let n = keys.len();
        let value = prop_oneof![
            scalar(),
            scalar().prop_map(|v| Value::Array(vec![v])),
            Just(serde_json::json!({})),
            json_value(),
        ];
        let object = (
            prop::collection::vec(value, n),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(move |(values, reverse, nest)| {
                let mut kv: Vec<(String, Value)> = keys.iter().cloned().zip(values).collect();
                if reverse {
                    kv.reverse();
                }
                let object = Value::Object(kv.into_iter().collect());
                if nest {
                    serde_json::json!({ "inner": object.clone(), "again": [object] })
                } else {
                    object
                }
            });
        prop::collection::vec(object, 2..7)
    })
    .prop_map(|items| serde_json::json!({ "operations": items }))
}

fn reversed(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn canonical_string_matches_the_naive_rule(v in json_object()) {
        prop_assert_eq!(canonical_string(&v).unwrap(), reference_canonical(&v));
    }

    #[test]
    fn sibling_objects_with_the_same_keys_match_the_naive_rule(v in json_siblings()) {
        prop_assert_eq!(canonical_string(&v).unwrap(), reference_canonical(&v));
    }

    #[test]
    fn canonical_string_is_deterministic_and_key_order_free(v in json_object()) {
        let a = canonical_string(&v).unwrap();
        prop_assert_eq!(&a, &canonical_string(&v).unwrap());
        prop_assert_eq!(&a, &canonical_string(&reversed(&v)).unwrap());
    }

    #[test]
    fn sign_then_verify_round_trips(v in json_object(), secret in "[ -~]{1,40}") {
        let key = SecretKey::new(secret);
        let mut msg = v.clone();
        msg["signature"] = Value::String(sign(&v, &key).unwrap());
        let body = serde_json::to_vec(&msg).unwrap();
        prop_assert!(verify_body(&body, &key).is_ok());
        prop_assert_eq!(verify_body(&body, &SecretKey::new("another key")).unwrap_err().code(), 2002);
    }

    #[test]
    fn every_signing_variant_verifies(
        kv in prop::collection::vec((key(), json_value_with_signatures()), 1..10),
        byte_order in any::<bool>(),
        drop_nested in any::<bool>(),
    ) {
        let v = Value::Object(kv.into_iter().collect());
        let key = SecretKey::new("variant-secret");
        let text = reference_variant(&v, byte_order, drop_nested);
        let mut msg = v.clone();
        msg["signature"] = Value::String(sign_string(&text, &key));
        let body = serde_json::to_vec(&msg).unwrap();
        prop_assert!(verify_body(&body, &key).is_ok(), "byte_order={} drop_nested={} text={}", byte_order, drop_nested, text);
        prop_assert_eq!(verify_body(&body, &SecretKey::new("another key")).unwrap_err().code(), 2002);
    }

    #[test]
    fn flipping_any_byte_breaks_verification(v in json_object(), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let key = SecretKey::new("flip-secret");
        let mut msg = v.clone();
        msg["signature"] = Value::String(sign(&v, &key).unwrap());
        let mut body = serde_json::to_vec(&msg).unwrap();
        let i = pos.index(body.len());
        body[i] ^= 1 << bit;
        // Rejected, unless the flip hit what SPEC §2 leaves unsigned (the key of an empty
        // container, or `frame_mode`): then the signed content is provably the same.
        if let Ok(forged) = verify_body(&body, &key) {
            let mut forged = forged;
            forged.as_object_mut().unwrap().remove("signature");
            prop_assert_eq!(canonical_string(&forged).unwrap(), canonical_string(&v).unwrap(), "flipped byte {}", i);
        }
    }

    #[test]
    fn parser_agrees_with_serde_json(v in json_value()) {
        let text = serde_json::to_string(&v).unwrap();
        let ours = wallet_partner::signature::parse_body(text.as_bytes()).unwrap();
        prop_assert_eq!(ours, v);
    }
}
