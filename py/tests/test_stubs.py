"""The .pyi stubs match the native module (mypy.stubtest), and py.typed ships."""
import importlib.resources
import shutil
import subprocess
import sys

import pytest


def test_py_typed_ships():
    assert importlib.resources.files("wallet_partner").joinpath("py.typed").is_file()
    assert importlib.resources.files("wallet_partner").joinpath("_native.pyi").is_file()


def test_stubtest():
    pytest.importorskip("mypy")
    result = subprocess.run([sys.executable, "-m", "mypy.stubtest", "wallet_partner._native"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
