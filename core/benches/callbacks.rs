//! Callback verification cost against its floor (issue: (c) ≤ 2.5 × (a)).
//!
//! Run: `cargo bench -p wallet-partner`
//! (a) HMAC-SHA512 + base64 of the callback's canonical string alone (the floor),
//! (b) `canonical_string` of the parsed callback,
//! (c) `verify_callback`: parse + verify + decode of the raw body.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use wallet_partner::signature::{canonical_string, sign_string};
use wallet_partner::{Project, SecretKey};

/// The shared bench input (tests/vectors/bench), the same bytes the C and Python benches use.
fn success_callback() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/bench/success-callback.json"
    );
    std::fs::read(path).expect("tests/vectors/bench/success-callback.json")
}

fn bench(c: &mut Criterion) {
    let key = SecretKey::new("cca813fd1a9b3531cb80aefd598f51dcfd1c3e3ea644a300b6291cf8181f3a85");
    let project = Project::new(48039, key.clone());
    let body = success_callback();
    let mut value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    value.as_object_mut().unwrap().remove("signature");
    let canonical = canonical_string(&value).unwrap();
    println!(
        "callback body: {} bytes; canonical string: {} bytes",
        body.len(),
        canonical.len()
    );
    project
        .verify_callback(&body)
        .expect("the bench callback verifies");

    let mut g = c.benchmark_group("callback");
    g.bench_function("a_hmac_floor", |b| {
        b.iter(|| sign_string(black_box(&canonical), &key))
    });
    g.bench_function("b_canonical_string", |b| {
        b.iter(|| canonical_string(black_box(&value)).unwrap())
    });
    g.bench_function("c_verify_callback", |b| {
        b.iter(|| project.verify_callback(black_box(&body)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);

criterion_main!(benches);
