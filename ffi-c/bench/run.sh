#!/usr/bin/env bash
# Per-call overhead of the C API against the Rust core for verify_callback, same input, one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release --locked -p wallet-partner-ffi
cc -O2 -std=c99 -Iffi-c/include ffi-c/bench/verify_bench.c target/release/libwallet_partner.a \
   -lpthread -ldl -lm -lrt -lutil -o target/release/verify_bench
rust=$(cargo bench -q -p wallet-partner --bench callbacks -- --warm-up-time 2 --measurement-time 5 c_verify_callback 2>/dev/null \
       | grep -A1 c_verify_callback | grep -o 'time: *\[[^]]*\]' | awk '{print $4, $5}')
c_line=$(target/release/verify_bench tests/vectors/bench/success-callback.json)
echo "Rust core verify_callback (criterion median): $rust"
echo "$c_line"
python3 - "$rust" "$c_line" <<'PY'
import re, sys
value, unit = sys.argv[1].split()
rust_ns = float(value) * {"ns": 1, "µs": 1e3, "us": 1e3, "ms": 1e6}[unit]
c_ns = float(re.search(r"([\d.]+) ns per call", sys.argv[2]).group(1))
print(f"C API overhead: {100 * (c_ns - rust_ns) / rust_ns:+.1f}% ({c_ns:.0f} ns vs {rust_ns:.0f} ns)")
PY
