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

section "Python: build and install the package in a fresh virtualenv, run pytest"
VENV="$(mktemp -d)/venv"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q ./py pytest mypy ecommpay-sdk==1.0.6
"$VENV/bin/python" -m pytest py/tests -q -p no:cacheprovider
