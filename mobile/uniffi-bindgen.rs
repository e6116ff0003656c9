//! The workspace's `uniffi-bindgen` (the PyPI one lags): generates the Kotlin and Swift bindings.
//! `cargo run -p wallet-partner-mobile --bin uniffi-bindgen -- generate --library <lib> ...`
fn main() {
    uniffi::uniffi_bindgen_main()
}
