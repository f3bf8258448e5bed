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
    proc = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=PROJECT_ROOT, capture_output=True, check=False,
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
def test_throughput_then_incremental_on_its_warehouse(tmp_path: Path):
    figures = _run("throughput.py", "--n", "8", "--work", str(tmp_path), "--processes", "2")
    assert figures["n"] == "8"
    for key in ("ratio", "cpu_ratio", "pipeline_aps", "baseline_aps", "peak_rss_mb", "enrich_s", "dbt_s", "land_s"):
        assert float(figures[key]) >= 0, key
    # The throughput run's warehouse is the base: three more small runs, not four.
    base = tmp_path / "wh_throughput_8" / "warehouse.duckdb"
    figures = _run("incremental.py", "--base", "8", "--new", "3", "--work", str(tmp_path), "--base-warehouse", str(base))
    assert figures["base"] == "8" and figures["new"] == "3"
    for key in ("ratio", "empty_s", "base_s", "noop_s", "peak_rss_mb"):
        assert float(figures[key]) > 0, key
    figures = _run("replicate_warehouse.py", "--source", str(base), "--factor", "2",
                   "--out", str(tmp_path / "wh_x2" / "warehouse.duckdb"), "--inbox", str(tmp_path / "inbox_x2"))
    landed = int(figures["inbox_files"])
    assert int(figures["articles"]) == landed and landed >= 16
    # A replica replicated again: no article id twice (the tags carry the generation).
    figures = _run("replicate_warehouse.py", "--source", str(tmp_path / "wh_x2" / "warehouse.duckdb"), "--factor", "2",
                   "--out", str(tmp_path / "wh_x4" / "warehouse.duckdb"), "--no-tests")
    assert int(figures["articles"]) == 2 * landed
    figures = _run("publish_copy.py", "--warehouse", str(tmp_path / "wh_x4" / "warehouse.duckdb"))
    assert float(figures["copy_s"]) >= 0 and "clone_s" in figures


def test_per_worker_runs(tmp_path: Path):
    figures = _run("per_worker.py", "--n", "5", "--work", str(tmp_path))
    assert figures["n"] == "5" and float(figures["enrich_aps_per_process"]) > 0


def test_noop_landing_runs(tmp_path: Path):
    figures = _run("noop_landing.py", "--files", "20", "--work", str(tmp_path / "noop"))
    assert figures["files"] == "20"
    for key in ("first_s", "noop_s", "new1pct_s", "peak_rss_mb"):
        assert float(figures[key]) > 0, key
