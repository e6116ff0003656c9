#!/usr/bin/env bash
# Every test of the project, every language. Installs what it needs. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

# Each section's wall time, printed at the end (and on failure, up to the failing section).
times=() current="" started=$SECONDS t0=$SECONDS
section() {
    [ -n "$current" ] && times+=("$(printf '%5d s  %s' $((SECONDS - t0)) "$current")")
    current="$*" t0=$SECONDS
    printf '\n==== %s ====\n' "$*"
}
summary() {
    [ -n "$current" ] && times+=("$(printf '%5d s  %s' $((SECONDS - t0)) "$current")")
    current=""
    printf '\n==== time per section ====\n'
    printf '%s\n' "${times[@]}"
    printf '%5d s  total\n' $((SECONDS - started))
}
trap summary EXIT

# Installs Debian packages the tests need: as root directly, else with sudo when it needs no
# password; otherwise says exactly what to install and stops.
install_debian() {
    [ $# -eq 0 ] && return 0
    local apt="apt-get"
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            apt="sudo apt-get"
        else
            echo "This machine lacks: $*" >&2
            echo "Install them first (as root): apt-get update && apt-get install -y $*" >&2
            echo "then run this command again; nothing else needs root." >&2
            exit 1
        fi
    fi
    $apt update -qq && DEBIAN_FRONTEND=noninteractive $apt install -y -qq "$@"
}

section "Rust: format, lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

section "Rust: tests (unit, vectors, lifecycle, properties, doctests)"
cargo test --workspace --locked

section "Rust: the core alone, as a host gets it (no features), and a host's serde_json untouched"
# In the workspace run the Python binding's opt-in `arbitrary-precision` is unified into the
# core; here the core is built as a new host would build it.
cargo test -p wallet-partner --locked --lib --tests
cargo test --locked --manifest-path tests/downstream/Cargo.toml --target-dir target

section "Rust: the demo runs, and the README's Rust quick start runs as written"
cargo run -q -p wallet-partner-demo --locked > /dev/null
echo "demo OK"
python3 tests/docs/blocks.py rust

section "Python: build and install the package in a fresh virtualenv, run pytest"
# The browser test drives Debian's Chromium; with WP_REQUIRE_BROWSER=1 it fails, not skips,
# where Chromium is missing. The HTTP tests start target/debug/wallet-partner (built above).
need=""
command -v chromium >/dev/null || need="$need chromium"
command -v chromedriver >/dev/null || need="$need chromium-driver"
# shellcheck disable=SC2086
install_debian $need
export WP_REQUIRE_BROWSER=1
cargo build -q --locked -p wallet-partner-cli
VENV="$(mktemp -d)/venv"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q ./py pytest mypy ecommpay-sdk==1.0.6 selenium==4.51.0
"$VENV/bin/python" -m pytest py/tests -q -p no:cacheprovider

section "C and C++: C99 + GoogleTest under ASan/UBSan, example under valgrind, packaging"
need=""
for pair in cmake:cmake ninja:ninja-build valgrind:valgrind pkg-config:pkg-config; do
    command -v "${pair%%:*}" >/dev/null || need="$need ${pair#*:}"
done
[ -f /usr/include/gtest/gtest.h ] || need="$need libgtest-dev"
[ -f /usr/include/nlohmann/json.hpp ] || need="$need nlohmann-json3-dev"
# The POS example's HTTP mode (pos --http) and its CTest against wallet-partner serve.
command -v curl-config >/dev/null || need="$need libcurl4-openssl-dev"
# shellcheck disable=SC2086
install_debian $need
BUILD_FFI="$(mktemp -d)/ffi"
cmake -S ffi-c -B "$BUILD_FFI" -G Ninja -DWP_BUILD_TESTS=ON -DWP_SANITIZE=ON > /dev/null
cmake --build "$BUILD_FFI"
(cd "$BUILD_FFI" && ctest --output-on-failure)

section "Kotlin and Swift: bindings fresh, Swift where a toolchain exists, Kotlin tests on the JVM"
bash mobile/check-bindings.sh
if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
    install_debian maven default-jdk-headless
fi
(cd mobile/kotlin && mvn -B -ntp test)

section "Cross: the core's tests on aarch64 and armv7 (qemu), mobile static libraries, library size"
if [ "${CI:-}" = true ] || [ -n "${WP_CROSS:-}" ]; then
    need=""
    for pair in qemu-aarch64:qemu-user aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu \
        arm-linux-gnueabihf-gcc:gcc-arm-linux-gnueabihf; do
        command -v "${pair%%:*}" >/dev/null || need="$need ${pair#*:}"
    done
    # shellcheck disable=SC2086
    install_debian $need
    bash tests/cross.sh
else
    echo "skipped: about 10 minutes on 2 cores, so it runs when CI=true (as on CI) or WP_CROSS=1;"
    echo "alone: bash tests/cross.sh (needs qemu-user, gcc-aarch64-linux-gnu, gcc-arm-linux-gnueabihf)"
fi
