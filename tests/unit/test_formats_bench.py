"""The format benchmarks keep working (tiny sizes; no timing or memory is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT


def _closing_line(*args: str) -> dict[str, str]:
    proc = subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
                          timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return dict(pair.split("=", 1) for pair in proc.stdout.strip().splitlines()[-1].split())


def test_warc_landing_bench_builds_and_lands_a_small_warc(tmp_path: Path):
    figures = _closing_line("bench/warc_landing.py", "--size-mb", "2", "--gzip", "--work", str(tmp_path / "w"))
    assert int(figures["landed"]) == int(figures["pages"]) > 0


@pytest.mark.skipif(not os.environ.get("NEWSWH_AEB_DIR"), reason="set NEWSWH_AEB_DIR to an extracted benchmark")
def test_html_extraction_bench_scores_the_benchmark():
    figures = _closing_line("bench/html_extraction.py", "--data", os.environ["NEWSWH_AEB_DIR"], "--limit", "5")
    assert figures["pages"] == "5" and 0 < float(figures["product_f1"]) <= 1
