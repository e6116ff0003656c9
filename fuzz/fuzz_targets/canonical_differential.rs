#![no_main]
//! The canonical walk against the naive rule of SPEC §2 and §2.1 (the same reference the
//! property tests use, core/tests/naive): for any JSON object, `canonical_string` equals the
//! naive string, and the bytes-in `canonical_string_of_json` equals both.
use libfuzzer_sys::fuzz_target;
use wallet_partner::signature::{canonical_string, canonical_string_of_json, parse_body};

#[path = "../../core/tests/naive/mod.rs"]
mod naive;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = parse_body(data) else { return };
    if !value.is_object() {
        return;
    }
    let Ok(fast) = canonical_string(&value) else { return };
    assert_eq!(fast, naive::reference_canonical(&value), "walk differs from the naive rule");
    assert_eq!(canonical_string_of_json(data).unwrap(), fast, "bytes-in differs");
});
