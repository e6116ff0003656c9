#!/usr/bin/env bash
# Regenerates the Kotlin and Swift bindings from the built library and fails if the checked-in
# copies are stale (`--update` rewrites them). Where a Swift toolchain exists it also builds the
# Swift package and runs its tests; elsewhere it says it skipped them, and why.
#
# Generating needs uniffi's code generator, the slowest crate to compile (about a minute here).
# So outside CI the check may use mobile/bindings.stamp: a SHA-256 over every input of the
# generation (the mobile and core sources, the manifests, the lock files) and the four
# generated files, written by --update. When all of them are unchanged the bindings are what
# generation gives, and the generator is not built. CI (CI=true) and WP_REGENERATE=1 always
# regenerate and compare.
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
[ "${1:-}" = "--update" ] && update=1

outputs=(
    mobile/kotlin/src/main/kotlin/walletpartner/wallet_partner_mobile.kt
    mobile/swift/Sources/WalletPartner/WalletPartner.swift
    mobile/swift/Sources/WalletPartnerFFI/include/WalletPartnerFFI.h
    mobile/swift/Sources/WalletPartnerFFI/include/module.modulemap
)
fingerprint() {
    {
        find mobile/src core/src -type f -name '*.rs' | LC_ALL=C sort
        printf '%s\n' mobile/Cargo.toml mobile/uniffi.toml core/Cargo.toml Cargo.lock \
            mobile/bindgen/Cargo.toml mobile/bindgen/Cargo.lock mobile/bindgen/main.rs "${outputs[@]}"
    } | while read -r f; do printf '%s  ' "$f"; sha256sum < "$f"; done | sha256sum | cut -d' ' -f1
}

# The mobile library (the Kotlin tests load it too); the generator is its own crate,
# mobile/bindgen, outside the workspace.
target="${CARGO_TARGET_DIR:-target}"
cargo build -q --locked -p wallet-partner-mobile --lib
if [ "$update" = 0 ] && [ "${CI:-}" != true ] && [ -z "${WP_REGENERATE:-}" ] \
    && [ "$(cat mobile/bindings.stamp 2>/dev/null)" = "$(fingerprint)" ]; then
    echo "bindings: Kotlin and Swift are fresh: their inputs and the ${#outputs[@]} files match mobile/bindings.stamp (WP_REGENERATE=1 regenerates and compares)"
    skip_generation=1
else
    skip_generation=0
fi
if [ "$skip_generation" = 0 ]; then
    cargo build -q --locked --manifest-path mobile/bindgen/Cargo.toml --target-dir "$target"
    gen="$(mktemp -d)"
    "$target/debug/uniffi-bindgen" generate \
        --library "$target/debug/libwallet_partner_mobile.so" --language kotlin --language swift \
        --out-dir "$gen" --no-format

    pairs=(
        "$gen/walletpartner/wallet_partner_mobile.kt:mobile/kotlin/src/main/kotlin/walletpartner/wallet_partner_mobile.kt"
        "$gen/WalletPartner.swift:mobile/swift/Sources/WalletPartner/WalletPartner.swift"
        "$gen/WalletPartnerFFI.h:mobile/swift/Sources/WalletPartnerFFI/include/WalletPartnerFFI.h"
        "$gen/WalletPartnerFFI.modulemap:mobile/swift/Sources/WalletPartnerFFI/include/module.modulemap"
    )
    stale=0
    for pair in "${pairs[@]}"; do
        fresh="${pair%%:*}" checked_in="${pair#*:}"
        if [ "$update" = 1 ]; then
            cp "$fresh" "$checked_in"
        elif ! cmp -s "$fresh" "$checked_in"; then
            echo "STALE: $checked_in differs from the generated bindings (run mobile/check-bindings.sh --update)"
            stale=1
        fi
    done
    rm -rf "$gen"
    if [ "$stale" = 1 ]; then
        exit 1
    fi
    if [ "$update" = 1 ]; then
        fingerprint > mobile/bindings.stamp
        echo "bindings: regenerated; mobile/bindings.stamp updated"
    else
        echo "bindings: Kotlin and Swift are fresh (${#pairs[@]} files regenerated and compared)"
        [ "$(cat mobile/bindings.stamp 2>/dev/null)" = "$(fingerprint)" ] \
            || echo "bindings: mobile/bindings.stamp is out of date: run mobile/check-bindings.sh --update to skip generation next time"
    fi
fi

if command -v swift >/dev/null 2>&1; then
    (cd mobile/swift && swift build && LD_LIBRARY_PATH="$PWD/../../target/debug" swift test)
    docs="$(mktemp -d)/doc-blocks"
    for exe in $(python3 tests/docs/blocks.py swift --out "$docs"); do
        (cd "$docs" && LD_LIBRARY_PATH="$OLDPWD/target/debug" swift run "$exe")
    done
else
    echo "swift: skipped building and testing the Swift package and the docs' swift blocks: no swift toolchain on this machine (swift not on PATH)"
fi
