#![no_main]
//! Arbitrary JSON into `canonical_string` and `sign`: never a panic; the canonical string is
//! the same for the parsed value and its re-serialization, and a signed copy verifies.
use libfuzzer_sys::fuzz_target;
use wallet_partner::signature::{canonical_string, parse_body, sign, verify_body};
use wallet_partner::SecretKey;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = parse_body(data) else { return };
    let Ok(canonical) = canonical_string(&value) else { return };
    let again = parse_body(serde_json::to_string(&value).unwrap().as_bytes()).unwrap();
    assert_eq!(canonical_string(&again).unwrap(), canonical);
    let key = SecretKey::new("fuzz");
    let mut signed = value.clone();
    if signed.get("signature").is_none() && signed.get("general").is_none() {
        signed["signature"] = serde_json::Value::String(sign(&value, &key).unwrap());
        verify_body(serde_json::to_string(&signed).unwrap().as_bytes(), &key).unwrap();
    }
});
