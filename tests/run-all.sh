#!/usr/bin/env bash
# Every test of the project, every language. Installs what it needs. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

section() { printf '\n==== %s ====\n' "$*"; }

section "Rust: format, lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

section "Rust: tests (unit, vectors, lifecycle, properties, doctests)"
cargo test --workspace --locked

section "Rust: the demo runs"
cargo run -q -p wallet-partner --locked --example demo > /dev/null
echo "demo OK"
