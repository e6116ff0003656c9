#!/usr/bin/env bash
# The CPUs the library ships on (issue 16): the core's whole test suite on aarch64 and on 32-bit
# armv7 under qemu-user, the mobile crate as a static library for every Android and iOS target,
# and the stripped size of the release shared libraries for aarch64 Linux (the nearest stand-in
# for an Android ABI here). Needs qemu-user, gcc-aarch64-linux-gnu and gcc-arm-linux-gnueabihf
# (tests/run-all.sh installs them) and adds the Rust targets with rustup.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in qemu-aarch64 qemu-arm aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc; do
    command -v "$tool" >/dev/null || {
        echo "cross: $tool is missing: apt-get install qemu-user gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf" >&2
        exit 1
    }
done

qemu_targets=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)
mobile_targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android aarch64-apple-ios aarch64-apple-ios-sim)

# A target whose standard library rustup cannot download (here: aarch64-apple-ios-sim, a 404 on
# this network) is built from the toolchain's own rust-src instead; it is never skipped.
build_std=()
for t in "${qemu_targets[@]}" "${mobile_targets[@]}"; do
    if ! rustup target list --installed | grep -qx "$t"; then
        if ! rustup target add "$t" >/dev/null 2>&1; then
            echo "cross: rustup has no standard library for $t here: building it from rust-src"
            rustup component add rust-src >/dev/null
            build_std+=("$t")
        fi
    fi
done

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER="qemu-arm -L /usr/arm-linux-gnueabihf"

# 1. The core's whole suite (unit, integration with the sandbox, doctests) on each CPU.
for t in "${qemu_targets[@]}"; do
    echo "---- core tests on $t (qemu) ----"
    log="$(mktemp)"
    if ! cargo test -q --locked -p wallet-partner --features sandbox --target "$t" > "$log" 2>&1; then
        cat "$log"
        echo "cross: core tests FAILED on $t" >&2
        exit 1
    fi
    grep -E '^test result' "$log" | sed "s/^/$t: /"
    rm -f "$log"
done

# 2. The mobile crate as a static library for each app target: no NDK or Xcode linker needed.
#    A dev build proves it compiles for the CPU and ABI as well as a release one, in a fraction
#    of the time (the release size that matters is measured in step 3).
for t in "${mobile_targets[@]}"; do
    extra=()
    if printf '%s\n' "${build_std[@]}" | grep -qx "$t"; then
        extra=(-Zbuild-std=std,panic_abort)
        export RUSTC_BOOTSTRAP=1
    fi
    CARGO_PROFILE_DEV_DEBUG=false cargo rustc -q --locked -p wallet-partner-mobile --lib --target "$t" \
        --crate-type staticlib "${extra[@]}"
    unset RUSTC_BOOTSTRAP
    lib="target/$t/debug/libwallet_partner_mobile.a"
    [ -s "$lib" ] || { echo "cross: no $lib" >&2; exit 1; }
    printf 'static library for %-26s built%s\n' "$t" "${extra:+ (std built from rust-src)}"
done

# 3. Stripped release shared libraries for aarch64 Linux. The mobile one (what an Android app
#    ships per ABI) must stay within 1.5 MiB; the C one (back offices and tills: it has the Data
#    API, its date library and time-zone database) is reported.
cargo rustc -q --locked --release -p wallet-partner-mobile --lib --target aarch64-unknown-linux-gnu --crate-type cdylib
cargo rustc -q --locked --release -p wallet-partner-ffi --lib --target aarch64-unknown-linux-gnu --crate-type cdylib
limit=$((1536 * 1024))
for name in wallet_partner_mobile wallet_partner; do
    so="target/aarch64-unknown-linux-gnu/release/lib$name.so"
    stripped="$(mktemp)"
    aarch64-linux-gnu-strip -o "$stripped" "$so"
    size=$(stat -c %s "$stripped")
    rm -f "$stripped"
    goal=""
    [ "$name" = wallet_partner_mobile ] && goal="; goal 1.50 MiB"
    awk -v n="$name" -v s="$size" -v g="$goal" \
        'BEGIN { printf "aarch64 lib%s.so stripped: %d bytes (%.2f MiB%s)\n", n, s, s / 1048576, g }'
    if [ -n "$goal" ] && [ "$size" -gt "$limit" ]; then
        echo "cross: lib$name.so is over 1.5 MiB stripped" >&2
        exit 1
    fi
done
