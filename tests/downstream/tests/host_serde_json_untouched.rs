//! Depending on wallet-partner changes nothing in the host's serde_json.

use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Debug, Deserialize, PartialEq)]
struct Price {
    amount: f64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Line {
    sku: String,
    #[serde(flatten)]
    price: Price,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
enum Quantity {
    Exact(f64),
    Named(String),
}

#[test]
fn flatten_over_a_struct_with_an_f64_still_deserializes() {
    // With serde_json's `arbitrary_precision` this fails: "invalid type: map, expected f64".
    let line: Line = serde_json::from_str(r#"{"sku": "x-1", "amount": 12.5}"#).unwrap();
    assert_eq!(line.price.amount, 12.5);
}

#[test]
fn an_untagged_enum_with_an_f64_variant_still_matches() {
    let q: Quantity = serde_json::from_str("2.5").unwrap();
    assert_eq!(q, Quantity::Exact(2.5));
}

#[test]
fn serde_json_map_is_still_sorted() {
    // With `preserve_order` it keeps insertion order instead.
    let mut map = Map::new();
    map.insert("zeta".into(), json!(1));
    map.insert("alpha".into(), json!(2));
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(keys, ["alpha", "zeta"]);
    assert_eq!(Value::Object(map).to_string(), r#"{"alpha":2,"zeta":1}"#);
}

#[test]
fn the_library_still_signs_exactly_from_bytes() {
    use wallet_partner::signature::{canonical_string, canonical_string_of_json};
    let text = br#"{"f": 1.50, "id": 18446744073709551616, "n": 7}"#;
    assert_eq!(
        canonical_string_of_json(text).unwrap(),
        "f:1.50;id:18446744073709551616;n:7"
    );
    // The `Value` helper sees what this host's serde_json parsed: floats already rounded.
    let v: Value = serde_json::from_str(r#"{"f": 1.50, "n": 7}"#).unwrap();
    assert_eq!(canonical_string(&v).unwrap(), "f:1.5;n:7");
}
