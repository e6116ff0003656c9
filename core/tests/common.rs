//! Helpers shared by the integration tests: reading `tests/vectors/`.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use wallet_partner::{Amount, Customer, Order, ReturnUrl};

/// The repository's `tests/vectors/` directory.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// The `.json` files of a `tests/vectors/` subdirectory, sorted.
pub fn json_files(subdir: &str) -> Vec<PathBuf> {
    let dir = vectors_dir().join(subdir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Reads and parses one vector file.
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A string field of a case.
pub fn s<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {case}"))
}

/// An order a Gate sale accepts: every customer field set, INR paise.
pub fn gate_order(payment_id: &str, paise: u64) -> Order {
    let customer = Customer {
        id: "c-1".into(),
        ip_address: Some("203.0.113.7".into()),
        first_name: Some("Aarav".into()),
        last_name: Some("Sharma".into()),
        phone: Some("919876543210".into()),
        email: Some("a@example.in".into()),
    };
    Order::new(
        payment_id,
        Amount::new(paise).unwrap(),
        customer,
        ReturnUrl::new("https://x.example/ok"),
    )
}
