//! The project's `uniffi-bindgen` (the PyPI one lags), pinned to the mobile crate's uniffi:
//! `cargo run --manifest-path mobile/bindgen/Cargo.toml -- generate --library <lib> ...`
fn main() {
    uniffi::uniffi_bindgen_main()
}
