"""Shared fixtures: paths, and a real `newswarehouse run` as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SCORE = SHARED / "eval" / "tools" / "score.py"
SAMPLES = PROJECT_ROOT / "samples" / "inbox"


def score_warehouse(scorer: Path, warehouse: Path, out: Path) -> dict[str, float]:
    """A corpus's own scorer (``tools/score.py``) run on a built warehouse: its metrics as a dict."""
    subprocess.run([sys.executable, str(scorer), str(warehouse), "--json", str(out)], check=True, capture_output=True)
    return json.loads(out.read_text())


@dataclass
class RunResult:
    returncode: int
    output: str
    warehouse: Path


@pytest.fixture(scope="session")
def newswh_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One NEWSWH_HOME per test session: the Airflow metadata DB is migrated once."""
    return tmp_path_factory.mktemp("newswh_home")


@pytest.fixture(scope="session")
def run_cli(newswh_home: Path):
    def _run(inbox: Path, warehouse: Path, *extra: str, env: dict[str, str] | None = None,
             timeout: float = 900) -> RunResult:
        full_env = {**os.environ, "NEWSWH_HOME": str(newswh_home), **(env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "newswarehouse.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse), *extra],
            cwd=PROJECT_ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return RunResult(proc.returncode, proc.stdout + proc.stderr, warehouse)

    return _run


@pytest.fixture(scope="session")
def seed_warehouse(run_cli, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The warehouse built from ../shared/seeds (built once per session)."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    result = run_cli(SEEDS, tmp_path_factory.mktemp("seed_wh") / "warehouse.duckdb")
    assert result.returncode == 0, result.output[-5000:]
    return result
