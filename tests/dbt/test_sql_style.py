"""The dbt models are sqlfluff-clean (rules in .sqlfluff)."""

from __future__ import annotations

import subprocess
import sys

from conftest import PROJECT_ROOT


def test_dbt_models_pass_sqlfluff():
    proc = subprocess.run(
        [sys.executable, "-m", "sqlfluff", "lint", "dbt_project/models", "--nofail", "--format", "github-annotation-native"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    problems = [line for line in proc.stdout.splitlines() if line.startswith(("::warning", "::error"))]
    assert not problems, "\n".join(problems[:40])
