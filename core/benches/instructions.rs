//! `verify_callback` on the shared bench callback, a given number of times, for instruction
//! counts under callgrind (repeatable, unlike time): `bash core/benches/callgrind.sh` runs it
//! twice and prints the instructions of one call.
#![allow(missing_docs)]

use std::hint::black_box;
use wallet_partner::{Project, SecretKey};

fn main() {
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/bench/success-callback.json"
    );
    let body = std::fs::read(path).expect("tests/vectors/bench/success-callback.json");
    let key = SecretKey::new("cca813fd1a9b3531cb80aefd598f51dcfd1c3e3ea644a300b6291cf8181f3a85");
    let project = Project::new(48039, key);
    for _ in 0..calls {
        black_box(project.verify_callback(black_box(&body)).expect("verifies"));
    }
}
