//! Reconciliation, step by step, against its floor (issue 14), for one Data API page of 1,000
//! operations and 1,000 stored payments. `py/bench/bench_reconcile.py` measures the whole
//! through Python; this says where the time goes inside the core.
//!
//! Run: `cargo bench -p wallet-partner --features data-api --bench reconcile`
//! (a) HMAC-SHA512 of the page's canonical string alone (the floor: the signature covers it),
//! (b) `verify_operations`: parse + verify + decode the page; `verify_page`: the same, keeping
//!     each operation's decoded fields without its text,
//! (c) 1,000 snapshot summaries (`Reconciler::add_snapshot`),
//! (d) adding the page's operations to a reconciler holding the snapshots, then `report`.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::json;
use std::hint::black_box;
use wallet_partner::data_api::DataApi;
use wallet_partner::reconcile::Reconciler;
use wallet_partner::signature::{canonical_string_of_json, sign_json, sign_string};
use wallet_partner::{Project, SecretKey};

const N: usize = 1000;

/// A stored snapshot of release 0.1.0 (tests/vectors/snapshots), given payment id `i`.
fn snapshots() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/snapshots/v1-succeeded.json"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("v1-succeeded.json")).unwrap();
    let text = match &doc["snapshot"] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let old = serde_json::from_str::<serde_json::Value>(&text).unwrap()["order"]["payment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    (0..N)
        .map(|i| {
            text.replacen(
                &format!("\"payment_id\":\"{old}\""),
                &format!("\"payment_id\":\"p-{i:07}\""),
                1,
            )
        })
        .collect()
}

/// A signed page: one successful sale per stored payment, with the schema's type traps
/// (operation ids as numbers and strings, both date forms).
fn page(secret: &SecretKey) -> Vec<u8> {
    let ops: Vec<_> = (0..N)
        .map(|i| {
            let id = 10_000_000 + i as u64;
            json!({"project_id": 48039,
                   "operation_id": if i % 2 == 0 { json!(id) } else { json!(id.to_string()) },
                   "payment_id": format!("p-{i:07}"), "operation_type": "sale",
                   "operation_status": "success",
                   "operation_created_at": "2026-11-20 10:00:00",
                   "operation_completed_at": "2026-11-20T10:00:05+00:00",
                   "sum_initial": {"amount": 125000, "currency": "INR"},
                   "sum_converted": {"amount": 125000, "currency": "INR"},
                   "payment_method_name": "wallet-partner", "provider_payment_id": format!("prov-{id}"),
                   "arn": null, "rrn": null})
        })
        .collect();
    let mut page = json!({ "operations": ops });
    let sig = sign_json(page.to_string().as_bytes(), secret).unwrap();
    page["signature"] = json!(sig);
    page.to_string().into_bytes()
}

fn bench(c: &mut Criterion) {
    let secret = SecretKey::new("token-secret-for-the-data-api");
    let api = DataApi::new("dAtA-ApI-t0ken-0f-30-characte", secret.clone()).unwrap();
    let project = Project::new(48039, SecretKey::new("sandbox-secret"));
    let snaps = snapshots();
    let body = page(&secret);
    let mut unsigned: serde_json::Value = serde_json::from_slice(&body).unwrap();
    unsigned.as_object_mut().unwrap().remove("signature");
    let canonical = canonical_string_of_json(unsigned.to_string().as_bytes()).unwrap();
    let ops = api
        .verify_operations(200, &body, "UTC")
        .unwrap()
        .data()
        .clone();
    println!(
        "page: {} bytes, canonical string {} bytes; snapshot {} bytes",
        body.len(),
        canonical.len(),
        snaps[0].len()
    );

    let mut g = c.benchmark_group("reconcile_1000");
    g.bench_function("a_hmac_floor", |b| {
        b.iter(|| sign_string(black_box(&canonical), &secret))
    });
    g.bench_function("b_verify_page", |b| {
        b.iter(|| api.verify_operations(200, black_box(&body), "UTC").unwrap())
    });
    g.bench_function("b_verify_page_for_reconciling", |b| {
        b.iter(|| api.verify_page(200, black_box(&body), "UTC").unwrap())
    });
    g.bench_function("c_snapshot_summaries", |b| {
        b.iter(|| {
            let mut r = Reconciler::new(&project);
            for s in &snaps {
                r.add_snapshot(&project, black_box(s)).unwrap();
            }
            r
        })
    });
    g.bench_function("d_operations_and_report", |b| {
        b.iter_batched(
            || {
                let mut r = Reconciler::new(&project);
                for s in &snaps {
                    r.add_snapshot(&project, s).unwrap();
                }
                r
            },
            |mut r| {
                r.add_operations(black_box(&ops));
                let report = r.report();
                assert_eq!(report.matched, N as u64);
                report
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);

criterion_main!(benches);
