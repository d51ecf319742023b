"""Code is ruff-clean and ruff-formatted, notebooks included."""

import subprocess
import sys

from conftest import ROOT

PATHS = ["utils", "tools", "tests", "notebooks", "solutions"]


def ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_check():
    result = ruff("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = ruff("format", "--check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
