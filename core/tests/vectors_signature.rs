//! Every signature vector in `tests/vectors/`: official SDK cases, the signed corpus and the
//! hand-written SPEC §2 cases.

use crate::common;

use common::{load, s};
use serde_json::Value;
use wallet_partner::signature::{canonical_string, parse_body, sign, sign_string, verify_body};
use wallet_partner::{request, SecretKey};

fn query_pairs(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn official_sdk_cases() {
    let cases = load("official-sdk-cases.json");
    let mut counts = [0usize; 4];
    for case in cases.as_array().unwrap() {
        let id = s(case, "id");
        match s(case, "kind") {
            "sign" => {
                let key = SecretKey::new(s(case, "secret"));
                if let Some(expected) = case.get("string_to_sign").and_then(Value::as_str) {
                    assert_eq!(canonical_string(&case["params"]).unwrap(), expected, "{id}");
                }
                assert_eq!(
                    sign(&case["params"], &key).unwrap(),
                    s(case, "signature"),
                    "{id}"
                );
                let mut signed = case["params"].clone();
                signed["signature"] = Value::String(s(case, "signature").to_owned());
                verify_body(signed.to_string().as_bytes(), &key)
                    .unwrap_or_else(|e| panic!("{id}: {e}"));
                counts[0] += 1;
            }
            "string_to_sign" => {
                assert_eq!(
                    canonical_string(&case["params"]).unwrap(),
                    s(case, "string_to_sign"),
                    "{id}"
                );
                counts[1] += 1;
            }
            "callback" => {
                let key = SecretKey::new(s(case, "secret"));
                let result = verify_body(s(case, "body").as_bytes(), &key);
                if case["valid"].as_bool().unwrap() {
                    let msg = result.unwrap_or_else(|e| panic!("{id}: {e}"));
                    // Re-sign: the message without its signature signs to the same signature.
                    let mut unsigned = msg.clone();
                    let obj = unsigned.as_object_mut().unwrap();
                    let given = match obj.remove("signature") {
                        Some(sig) => sig,
                        None => obj["general"]
                            .as_object_mut()
                            .unwrap()
                            .remove("signature")
                            .unwrap(),
                    };
                    assert_eq!(
                        canonical_string(&unsigned).unwrap(),
                        s(case, "string_to_sign"),
                        "{id}"
                    );
                    assert_eq!(Value::String(sign(&unsigned, &key).unwrap()), given, "{id}");
                } else {
                    let err = result.expect_err(id);
                    assert_eq!(
                        u64::from(err.code()),
                        case["error_code"].as_u64().unwrap(),
                        "{id}: {err}"
                    );
                }
                counts[2] += 1;
            }
            "payment_page_url" => {
                let key = SecretKey::new(s(case, "secret"));
                let params = &case["params"];
                assert_eq!(sign(params, &key).unwrap(), s(case, "signature"), "{id}");
                let base = s(case, "base_url");
                let url = request::params_to_url(base, params, &key).unwrap();
                assert!(url.starts_with(&format!("{base}?")), "{id}: {url}");
                let ours = query_pairs(&url);
                let theirs: Vec<(String, String)> = match &case["url"] {
                    Value::String(u) => query_pairs(u),
                    Value::Object(m) => {
                        let mut v: Vec<_> = m
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                            .collect();
                        v.sort();
                        v
                    }
                    other => panic!("{id}: url {other}"),
                };
                // SPEC §3: booleans are 1/0 in the URL too (the Go SDK writes "true").
                let theirs: Vec<_> = theirs
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            if v == "true" {
                                "1".into()
                            } else if v == "false" {
                                "0".into()
                            } else {
                                v
                            },
                        )
                    })
                    .collect();
                assert_eq!(ours, theirs, "{id}");
                counts[3] += 1;
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(counts, [5, 2, 40, 6]);
}

#[test]
fn signed_corpus() {
    let corpus = load("signed-corpus.json");
    let cases = corpus.as_array().unwrap();
    assert_eq!(cases.len(), 100);
    for (i, case) in cases.iter().enumerate() {
        let key = SecretKey::new(s(case, "secret"));
        let params = &case["params"];
        let canonical = canonical_string(params).unwrap();
        assert_eq!(canonical, s(case, "string_to_sign"), "corpus[{i}]");
        assert_eq!(
            sign(params, &key).unwrap(),
            s(case, "signature"),
            "corpus[{i}]"
        );
        assert_eq!(
            sign_string(&canonical, &key),
            s(case, "signature"),
            "corpus[{i}]"
        );
        // As a received message: requests carry general.signature, callbacks a top-level one.
        let mut signed = params.clone();
        match signed.get_mut("general").and_then(Value::as_object_mut) {
            Some(general) => {
                general.insert("signature".into(), case["signature"].clone());
            }
            None => {
                signed["signature"] = case["signature"].clone();
            }
        }
        let body = signed.to_string();
        verify_body(body.as_bytes(), &key).unwrap_or_else(|e| panic!("corpus[{i}]: {e}"));
        let wrong = SecretKey::new(format!("{}x", s(case, "secret")));
        assert_eq!(
            verify_body(body.as_bytes(), &wrong).unwrap_err().code(),
            2002,
            "corpus[{i}]"
        );
    }
}

#[test]
fn hand_written_canonical_cases() {
    let v = load("signature-cases.json");
    for case in v["canonical"].as_array().unwrap() {
        let name = s(case, "name");
        let text = s(case, "params_json").as_bytes();
        let key = SecretKey::new(s(case, "secret"));
        // The bytes-in functions are exact whatever the build's features.
        assert_eq!(
            wallet_partner::signature::canonical_string_of_json(text).unwrap(),
            s(case, "canonical"),
            "{name}"
        );
        assert_eq!(
            wallet_partner::signature::sign_json(text, &key).unwrap(),
            s(case, "signature"),
            "{name}"
        );
        // The `Value` functions are exact for floats and big integers only with the opt-in
        // feature (the bindings' build); without it, for everything else.
        let params = parse_body(text).unwrap();
        let inexact = [
            "integers above 2^64 exactly",
            "floats are signed as their JSON text",
        ];
        let exact_in_value = cfg!(feature = "arbitrary-precision") || !inexact.contains(&name);
        if exact_in_value {
            assert_eq!(
                canonical_string(&params).unwrap(),
                s(case, "canonical"),
                "{name}"
            );
            assert_eq!(sign(&params, &key).unwrap(), s(case, "signature"), "{name}");
        }
    }
}

#[test]
fn hand_written_verify_cases() {
    let v = load("signature-cases.json");
    for case in v["verify"].as_array().unwrap() {
        let name = s(case, "name");
        let key = SecretKey::new(s(case, "secret"));
        let result = verify_body(s(case, "body").as_bytes(), &key);
        if case["valid"].as_bool().unwrap() {
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
        } else {
            let err = result.expect_err(name);
            assert_eq!(
                u64::from(err.code()),
                case["error_code"].as_u64().unwrap(),
                "{name}: {err}"
            );
        }
    }
}

/// Variant (b), nested `signature` keys removed in natural order, verifies on its own even where
/// byte order would sort the keys differently (`a9` before `a10` naturally, after it by bytes),
/// so it cannot be mistaken for its byte-order twin (d).
#[test]
fn nested_removed_in_natural_order_where_byte_order_differs() {
    use wallet_partner::signature::{canonical_string, sign_string, verify};
    let key = wallet_partner::SecretKey::new("variant-b");
    let stripped = serde_json::json!({"payment": {"id": "p"}, "a9": 1, "a10": 2});
    let canonical = canonical_string(&stripped).unwrap();
    assert_eq!(canonical, "a9:1;a10:2;payment:id:p");
    let mut body =
        serde_json::json!({"payment": {"id": "p", "signature": "inner"}, "a9": 1, "a10": 2});
    body["signature"] = sign_string(&canonical, &key).into();
    verify(&body, &key).unwrap();
    assert_eq!(
        verify(&body, &wallet_partner::SecretKey::new("other"))
            .unwrap_err()
            .code(),
        2002
    );
}
