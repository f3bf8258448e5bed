"""The benchmark scripts keep working: each runs end to end at a tiny N.

Only that they run and print their closing ``key=value`` line is checked,
never how long anything took.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"


def _run(script: str, *args: str, timeout: float = 1200) -> dict[str, str]:
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
    last = proc.stdout.strip().splitlines()[-1]
    return dict(pair.split("=", 1) for pair in last.split())


def test_make_corpus_is_deterministic_and_streams_files(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        figures = _run("make_corpus.py", "--n", "12", "--out", str(out), "--seed", "3")
        assert figures["articles"] == "12"
    files = sorted(p.relative_to(a) for p in a.rglob("*.txt"))
    assert len(files) == 12
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    # Extending the corpus makes new articles, never repeats of the first ones.
    _run("make_corpus.py", "--n", "3", "--start", "12", "--out", str(a), "--seed", "3")
    texts = [p.read_text() for p in a.rglob("*.txt")]
    assert len(texts) == 15 and len(set(texts)) == 15


@pytest.mark.slow
def test_throughput_runs_baseline_and_pipeline(tmp_path: Path):
    figures = _run("throughput.py", "--n", "8", "--work", str(tmp_path), "--processes", "2")
    assert figures["n"] == "8"
    for key in ("ratio", "pipeline_aps", "baseline_aps", "peak_rss_mb", "enrich_s", "dbt_s", "land_s"):
        assert float(figures[key]) >= 0, key


@pytest.mark.slow
def test_incremental_runs_empty_base_and_noop(tmp_path: Path):
    figures = _run("incremental.py", "--base", "10", "--new", "4", "--work", str(tmp_path))
    assert figures["base"] == "10" and figures["new"] == "4"
    for key in ("ratio", "empty_s", "base_s", "noop_s", "peak_rss_mb"):
        assert float(figures[key]) > 0, key
