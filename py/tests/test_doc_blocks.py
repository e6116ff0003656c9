"""Every Python block of the Markdown docs is a whole program: each runs here, as written."""

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "docs"))
import blocks  # noqa: E402

PYTHON_BLOCKS = blocks.blocks("python")


def test_the_docs_have_python_blocks():
    # README.md, py/README.md and mobile/README.md each show at least one.
    assert {b.file for b in PYTHON_BLOCKS} == {"README.md", "py/README.md", "mobile/README.md"}


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[b.where for b in PYTHON_BLOCKS])
def test_block_runs_as_written(block, tmp_path):
    script = tmp_path / "block.py"
    script.write_text(block.text, encoding="utf-8")
    p = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, f"{block.where} failed:\n{p.stdout}{p.stderr}"
    assert p.stdout.strip(), f"{block.where} printed nothing"


def test_a_broken_block_fails(tmp_path):
    # The runner above notices a block that stopped working: the README's quick start with one
    # name misspelt, as docs drift.
    broken = PYTHON_BLOCKS[0].text.replace("payment.gate_sale()", "payment.gate_sail()")
    assert broken != PYTHON_BLOCKS[0].text
    script = tmp_path / "broken.py"
    script.write_text(broken, encoding="utf-8")
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "gate_sail" in p.stderr
