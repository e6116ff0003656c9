//! Callback verification cost against its floor (issue: (c) ≤ 2.5 × (a)).
//!
//! Run: `cargo bench -p wallet-partner`
//! (a) HMAC-SHA512 + base64 of the callback's canonical string alone (the floor),
//! (b) `canonical_string` of the parsed callback,
//! (c) `verify_callback`: parse + verify + decode of the raw body.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::hint::black_box;
use wallet_partner::signature::{canonical_string, sign, sign_string};
use wallet_partner::{Project, SecretKey};

fn success_callback(key: &SecretKey) -> Vec<u8> {
    let mut body = json!({
        "project_id": 48039,
        "payment": {
            "id": "wp-cd14cc53-944822",
            "type": "purchase",
            "status": "success",
            "date": "2026-11-28T10:15:30+0000",
            "method": "wallet-partner",
            "sum": {"amount": 125000, "currency": "INR"},
            "description": "Wallet top-up 30759"
        },
        "customer": {"id": "cust_8501396", "phone": "916353271333"},
        "account": {"number": "917769173833"},
        "operation": {
            "id": 9007199254740993u64,
            "type": "sale",
            "status": "success",
            "date": "2026-11-28T10:15:30+0000",
            "created_date": "2026-11-28T10:14:02+0000",
            "request_id": "113b9d0be0e919da-f7be45a6-1f0c2e",
            "sum_initial": {"amount": 125000, "currency": "INR"},
            "sum_converted": {"amount": 125000, "currency": "INR"},
            "code": "0",
            "message": "Success",
            "provider": {
                "id": 1187,
                "payment_id": "f3aFSTzahVLljwf",
                "auth_code": "785835",
                "endpoint_id": "wallet-partner",
                "date": "2026-11-28T10:15:29+0000"
            }
        }
    });
    body["signature"] = json!(sign(&body, key).unwrap());
    serde_json::to_vec(&body).unwrap()
}

fn bench(c: &mut Criterion) {
    let key = SecretKey::new("cca813fd1a9b3531cb80aefd598f51dcfd1c3e3ea644a300b6291cf8181f3a85");
    let project = Project::new(48039, key.clone());
    let body = success_callback(&key);
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
