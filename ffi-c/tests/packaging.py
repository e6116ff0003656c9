#!/usr/bin/env python3
"""Runs every recipe of ffi-c/README.md "Use it from your build" as written.

A fresh build tree is installed to a scratch prefix with the README's install command; then
`till.cpp` (the top-level README's C++ quick start) is built in-tree (add_subdirectory), with
find_package, and with both pkg-config recipes; `ldd` must show `libwallet_partner.so` in the
shared binary only, and every binary must run. The only edits to the documented text are the
paths a user chooses: `/opt/wallet-partner` and `build/ffi` become scratch directories, and the
in-tree recipe gets `-DWALLET_PARTNER_DIR=<this checkout>`.

CTest runs it with CARGO_TARGET_DIR set to the outer build's cargo directory, so the fresh tree
finds the Rust library already built (and the test shows that CARGO_TARGET_DIR is honoured).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "docs"))
import blocks  # noqa: E402


def sh(script: str, cwd: Path, what: str) -> str:
    p = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAILED: {what}\n{script}\n--- stdout\n{p.stdout}--- stderr\n{p.stderr}")
    return p.stdout


def ldd(binary: Path) -> str:
    return subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout


def consumer(work: Path, name: str, cmakelists: str) -> Path:
    d = work / name
    d.mkdir()
    (d / "CMakeLists.txt").write_text(cmakelists, encoding="utf-8")
    (d / "till.cpp").write_text(TILL, encoding="utf-8")
    return d


def expect_runs(binary: Path, what: str) -> str:
    p = subprocess.run([str(binary)], capture_output=True, text=True)
    if p.returncode != 0 or "is refunded" not in p.stdout:
        sys.exit(f"FAILED: {what}: {binary} exited {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--generator", default="Ninja")
    a = ap.parse_args()
    work: Path = a.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    prefix, fresh = work / "prefix", work / "fresh-build"

    def documented(label: str) -> str:
        text = blocks.labelled(label).text
        for path in ("/opt/wallet-partner", "build/ffi"):
            if path in text:
                text = text.replace(path, str(prefix if path.startswith("/opt") else fresh))
        return text

    # 1. The install recipe, from a fresh build tree: `cmake --build` alone must build the library.
    sh(documented("install").replace("-G Ninja", f'-G "{a.generator}"'), ROOT, "install recipe")
    for f in ("lib/libwallet_partner.a", "lib/libwallet_partner.so", "include/wallet_partner.hpp",
              "lib/pkgconfig/wallet_partner.pc", "lib/pkgconfig/wallet_partner_static.pc",
              "lib/cmake/WalletPartner/WalletPartnerConfig.cmake"):
        if not (prefix / f).is_file():
            sys.exit(f"FAILED: the install recipe did not install {f}")
    print("install recipe: fresh build tree installed to", prefix)

    # 2. In-tree (add_subdirectory) and find_package, as documented.
    for label, extra in (("cmake-in-tree", f'-DWALLET_PARTNER_DIR="{ROOT}"'),
                         ("cmake-find-package", f'-DCMAKE_PREFIX_PATH="{prefix}"')):
        d = consumer(work, label, documented(label))
        sh(f'cmake -S . -B build -G "{a.generator}" {extra} && cmake --build build', d, label)
        till = d / "build" / "till"
        if "libwallet_partner.so" in ldd(till):
            sys.exit(f"FAILED: {label}: WalletPartner::wallet_partner is static, but {till} needs the .so:\n{ldd(till)}")
        print(f"{label}: {expect_runs(till, label)}")

    # 3. Both pkg-config recipes, as documented, run as written (they run ./till && ./till-static).
    d = work / "pkg-config"
    d.mkdir()
    (d / "till.cpp").write_text(TILL, encoding="utf-8")
    out = sh(documented("pkg-config"), d, "pkg-config recipes")
    if out.count("is refunded") != 2:
        sys.exit(f"FAILED: pkg-config recipes: expected both binaries to finish the payment:\n{out}")
    shared, static = ldd(d / "till"), ldd(d / "till-static")
    loaded = [l.split("=>")[1].split("(")[0].strip() for l in shared.splitlines() if "libwallet_partner.so =>" in l]
    if not loaded or Path(loaded[0]).resolve() != (prefix / "lib" / "libwallet_partner.so").resolve():
        sys.exit(f"FAILED: the shared recipe's binary does not load the installed .so:\n{shared}")
    if "libwallet_partner.so" in static:
        sys.exit(f"FAILED: the static recipe's binary still needs libwallet_partner.so:\n{static}")
    print("pkg-config: shared binary loads", f"{prefix}/lib/libwallet_partner.so;",
          "static binary needs no libwallet_partner.so; both ran:", out.strip().splitlines()[-1])


TILL = next(b for b in blocks.blocks("cpp", ["README.md"])).text

if __name__ == "__main__":
    main()
