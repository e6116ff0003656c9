//! `include/wallet_partner.h` is what cbindgen generates from the source: fails when stale.
//! Regenerate with `WP_UPDATE_HEADER=1 cargo test -p wallet-partner-ffi --test header`.

#[test]
fn checked_in_header_is_fresh() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config =
        cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = format!("{dir}/include/wallet_partner.h");
    if std::env::var_os("WP_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{path} is stale: regenerate it with WP_UPDATE_HEADER=1 cargo test -p wallet-partner-ffi --test header"
    );
}
