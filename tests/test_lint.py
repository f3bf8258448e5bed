"""The Python code is ruff-clean (rules in pyproject.toml), like the SQL is sqlfluff-clean."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT_ROOT


def test_python_passes_ruff():
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
