#!/usr/bin/env python3
"""The code blocks of the project's Markdown docs: found, extracted and run by the tests.

Every block in a programming language is a complete program. Each language's test harness runs
the blocks of its language through this module, so a block that stops compiling or running
fails a test:

    python3 tests/docs/blocks.py list                  # every fenced block, and who runs it
    python3 tests/docs/blocks.py rust                  # each rust block in a scratch crate
    python3 tests/docs/blocks.py c --cc gcc --cxx g++ --include DIR --lib libwallet_partner.a
    python3 tests/docs/blocks.py kotlin --out DIR      # sources for the Maven test build
    python3 tests/docs/blocks.py swift --out DIR       # a SwiftPM package, one executable per block
    python3 tests/docs/blocks.py shell --label NAME    # print one labelled shell block

Python blocks are run by py/tests/test_doc_blocks.py, which imports this module.
A block may be labelled by an HTML comment on the line before it: `<!-- block: NAME -->`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["README.md", "py/README.md", "ffi-c/README.md", "mobile/README.md"]
# Who runs each language's blocks; a block in a language not listed here fails `check`.
RUNNERS = {
    "rust": "tests/run-all.sh (python3 tests/docs/blocks.py rust)",
    "toml": "the rust runner (the dependency lines of the scratch crate)",
    "python": "py/tests/test_doc_blocks.py",
    "c": "ffi-c CTest doc_blocks",
    "cpp": "ffi-c CTest doc_blocks",
    "kotlin": "mobile/kotlin ReadmeBlocksTest",
    "swift": "compiled where a swift toolchain exists (mobile/check-bindings.sh)",
    "sh": "commands, not programs; labelled ones are run by the tests that name them",
    "cmake": "ffi-c packaging test (labelled blocks)",
    "mermaid": "a diagram, checked against the lifecycle table by a unit test in core/src/payment.rs",
    "": "plain text",
}
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)\s*$")
LABEL = re.compile(r"^<!--\s*block:\s*([A-Za-z0-9_.-]+)\s*-->\s*$")


@dataclass
class Block:
    """One fenced code block."""

    file: str
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    label: str | None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def blocks(lang: str | None = None, files: list[str] | None = None) -> list[Block]:
    """Every fenced block of the docs (optionally of one language), in document order."""
    out: list[Block] = []
    for name in files or DOCS:
        lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            m = FENCE.match(lines[i])
            if not m:
                i += 1
                continue
            start, kind = i, m.group(1)
            label_match = LABEL.match(lines[i - 1]) if i > 0 else None
            i += 1
            body: list[str] = []
            while i < len(lines) and lines[i].rstrip() != "```":
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise SystemExit(f"{name}:{start + 1}: a code block is never closed")
            i += 1
            if lang is None or kind == lang:
                out.append(
                    Block(name, start + 1, kind, "\n".join(body) + "\n",
                          label_match.group(1) if label_match else None)
                )
    return out


def labelled(label: str) -> Block:
    """The one block with this label."""
    found = [b for b in blocks() if b.label == label]
    if len(found) != 1:
        raise SystemExit(f"expected one block labelled {label!r}, found {len(found)}")
    return found[0]


def check() -> None:
    """Fails when a block is in a language no test runs."""
    bad = [b for b in blocks() if b.lang not in RUNNERS]
    for b in bad:
        print(f"{b.where}: ```{b.lang} block, but no test runs {b.lang!r} blocks", file=sys.stderr)
    if bad:
        raise SystemExit(1)


def run(cmd: list[str], what: str, **kw) -> str:
    """Runs a command; on failure prints its output and exits non-zero."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        print(f"FAILED: {what}\n$ {' '.join(cmd)}\n{p.stdout}{p.stderr}", file=sys.stderr)
        raise SystemExit(1)
    return p.stdout


def run_rust() -> None:
    """Each rust block becomes src/main.rs of a new crate whose [dependencies] are the toml block
    before it, with this checkout beside the crate as `../wallet-partner` (as the README says)."""
    rust = blocks("rust")
    if not rust:
        raise SystemExit("no rust blocks found")
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    for n, block in enumerate(rust, 1):
        deps = [b for b in blocks("toml", [block.file]) if b.line < block.line]
        if not deps:
            raise SystemExit(f"{block.where}: no ```toml dependency block before this rust block")
        scratch = Path(tempfile.mkdtemp(prefix="wp-doc-rust-"))
        try:
            (scratch / "wallet-partner").symlink_to(ROOT)
            app = scratch / "my-shop"
            (app / "src").mkdir(parents=True)
            (app / "Cargo.toml").write_text(
                '[package]\nname = "my-shop"\nversion = "0.1.0"\nedition = "2021"\n\n'
                + deps[-1].text,
                encoding="utf-8",
            )
            (app / "src" / "main.rs").write_text(block.text, encoding="utf-8")
            # The workspace's lock file pins the same dependency versions the tests use.
            shutil.copy(ROOT / "Cargo.lock", app / "Cargo.lock")
            out = run(["cargo", "run", "-q", "--target-dir", target], f"{block.where} rust block",
                      cwd=app)
            print(f"{block.where}: rust block {n} compiled and ran: {out.strip().splitlines()[-1]}")
        finally:
            shutil.rmtree(scratch)


def run_c(cc: str, cxx: str, include: str, lib: str, libs: list[str]) -> None:
    """Each c/cpp block is compiled alone against the built library and run."""
    found = blocks("c") + blocks("cpp")
    if not found:
        raise SystemExit("no c/cpp blocks found")
    with tempfile.TemporaryDirectory(prefix="wp-doc-c-") as tmp:
        for n, block in enumerate(found, 1):
            ext, compiler, std = ("c", cc, "-std=c99") if block.lang == "c" else ("cpp", cxx, "-std=c++11")
            src = Path(tmp) / f"block{n}.{ext}"
            src.write_text(block.text, encoding="utf-8")
            exe = Path(tmp) / f"block{n}"
            run([compiler, std, "-Wall", "-Wextra", "-Werror", str(src), f"-I{include}", lib,
                 *[f"-l{l}" for l in libs], "-o", str(exe)], f"{block.where} {block.lang} block: compile")
            out = run([str(exe)], f"{block.where} {block.lang} block: run", cwd=tmp)
            print(f"{block.where}: {block.lang} block compiled and ran: {out.strip().splitlines()[-1]}")


def write_kotlin(out: Path) -> None:
    """Each kotlin block becomes package readme.bN (so every block may have its own `main`), and
    readme/Blocks.kt lists them for the JUnit test to run."""
    found = blocks("kotlin")
    if not found:
        raise SystemExit("no kotlin blocks found")
    if out.exists():
        shutil.rmtree(out)
    (out / "readme").mkdir(parents=True)
    entries = []
    for n, block in enumerate(found, 1):
        if "fun main()" not in block.text:
            raise SystemExit(f"{block.where}: a kotlin block must be a complete program with fun main()")
        (out / "readme" / f"Block{n}.kt").write_text(f"package readme.b{n}\n\n{block.text}", encoding="utf-8")
        entries.append(f'    "{block.where}" to {{ readme.b{n}.main() }},')
    (out / "readme" / "Blocks.kt").write_text(
        "// Generated by tests/docs/blocks.py from the Markdown docs: do not edit.\npackage readme\n\n"
        "val BLOCKS: List<Pair<String, () -> Unit>> = listOf(\n" + "\n".join(entries) + "\n)\n",
        encoding="utf-8",
    )
    print(f"kotlin: {len(found)} blocks written to {out}")


def write_swift(out: Path) -> list[str]:
    """A SwiftPM package with one executable per swift block, depending on mobile/swift; returns
    the executables' names (check-bindings.sh runs them where a swift toolchain exists)."""
    found = blocks("swift")
    if not found:
        raise SystemExit("no swift blocks found")
    if out.exists():
        shutil.rmtree(out)
    names = []
    for n, block in enumerate(found, 1):
        names.append(f"Block{n}")
        (out / "Sources" / f"Block{n}").mkdir(parents=True)
        (out / "Sources" / f"Block{n}" / "main.swift").write_text(block.text, encoding="utf-8")
    targets = ",\n".join(
        f'        .executableTarget(name: "{name}", dependencies: [.product(name: "WalletPartner", '
        f'package: "swift")], linkerSettings: [.unsafeFlags(["-L{ROOT}/target/debug"])])'
        for name in names
    )
    (out / "Package.swift").write_text(
        "// swift-tools-version:5.7\n// Generated by tests/docs/blocks.py from the Markdown docs.\n"
        "import PackageDescription\n\nlet package = Package(\n    name: \"DocBlocks\",\n"
        f'    dependencies: [.package(path: "{ROOT}/mobile/swift")],\n    targets: [\n{targets}\n    ]\n)\n',
        encoding="utf-8",
    )
    return names


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    sub.add_parser("check")
    sub.add_parser("rust")
    c = sub.add_parser("c")
    c.add_argument("--cc", default="cc")
    c.add_argument("--cxx", default="c++")
    c.add_argument("--include", required=True)
    c.add_argument("--lib", required=True)
    c.add_argument("--libs", default="pthread,dl,m,rt,util")
    k = sub.add_parser("kotlin")
    k.add_argument("--out", required=True, type=Path)
    w = sub.add_parser("swift")
    w.add_argument("--out", required=True, type=Path)
    s = sub.add_parser("shell")
    s.add_argument("--label", required=True)
    a = ap.parse_args()
    if a.cmd == "list":
        for b in blocks():
            print(f"{b.where:24} {b.lang or '(text)':8} {b.label or '':18} {RUNNERS.get(b.lang, 'NOBODY')}")
    elif a.cmd == "check":
        check()
    elif a.cmd == "rust":
        check()
        run_rust()
    elif a.cmd == "c":
        run_c(a.cc, a.cxx, a.include, a.lib, [l for l in a.libs.split(",") if l])
    elif a.cmd == "kotlin":
        write_kotlin(a.out)
    elif a.cmd == "swift":
        print(" ".join(write_swift(a.out)))
    elif a.cmd == "shell":
        sys.stdout.write(labelled(a.label).text)


if __name__ == "__main__":
    main()
