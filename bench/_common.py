"""Shared by the benchmark scripts: corpora, `newswarehouse run` as a measured subprocess.

Every figure is taken within one script run (baseline and pipeline back to
back) because the machine's CPU is shared: ratios travel, absolute seconds do not.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
PYTHON = sys.executable

# "[enrich] batch_00003: ... in 12.3 s" -> ("enrich", 12.3). The stage names of
# the report: the DAG's tasks, with dbt and the quality gates named for what they do.
# check_articles = loading the enrichment output into DuckDB + the article gates;
# validate = the mart gates; begin = copying the published file (write-audit-publish).
STEP_LINE = re.compile(r"^\[(begin|land|enrich|check_articles|build|validate|publish)\].* in ([0-9.]+) s\s*$")
STAGE_NAMES = {"begin": "copy", "land": "land", "enrich": "enrich", "check_articles": "check", "build": "dbt",
               "validate": "gates", "publish": "publish"}


def ensure_corpus(n: int, out: Path, seed: int, start: int = 0) -> Path:
    """The corpus for (n, seed, start) in ``out``, generated once (a marker records what is there)."""
    marker = out.parent / f"{out.name}.corpus"  # beside, not inside: the inbox would land it
    want = f"n={n} seed={seed} start={start}\n"
    if marker.exists() and marker.read_text() == want:
        return out
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([PYTHON, str(BENCH_DIR / "make_corpus.py"), "--n", str(n), "--out", str(out), "--seed", str(seed),
                    "--start", str(start)], check=True, stdout=subprocess.DEVNULL)
    marker.write_text(want)
    return out


class TreeSampler:
    """Peak resident memory of a process and all its descendants, sampled every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self.peak_breakdown: list[tuple[int, str]] = []  # (rss bytes, command) of each process at the peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            sample: list[tuple[int, str]] = []
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    sample.append((rss, " ".join(proc.cmdline())[:100]))
                    total += rss
                except psutil.Error:
                    pass
            if total > self.peak_bytes:
                self.peak_bytes, self.peak_breakdown = total, sorted(sample, reverse=True)
            self._stop.wait(self.interval)

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 2**20


def children_cpu_seconds() -> float:
    """User+system CPU of every waited-for descendant so far: the delta around one
    subprocess is that process tree's CPU time, whatever else the machine runs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class RunResult:
    returncode: int
    seconds: float
    peak_rss_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    log: Path | None = None
    cpu_seconds: float = 0.0
    peak_breakdown: list[tuple[int, str]] = field(default_factory=list)

    def describe_peak(self) -> str:
        return "; ".join(f"{rss / 2**20:.0f} MB {cmd}" for rss, cmd in self.peak_breakdown[:4])

    def stage(self, name: str) -> float:
        return self.stages.get(name, 0.0)


def prepare_home(home: Path) -> None:
    """Create and migrate the Airflow metadata DB once, outside any measured run."""
    env = {**os.environ, "NEWSWH_HOME": str(home)}
    code = (
        "from newswarehouse.settings import load_settings\n"
        "from newswarehouse import airflow_local\n"
        "s = load_settings(); airflow_local.configure(s); airflow_local.migrate_if_needed(s)\n"
    )
    subprocess.run([PYTHON, "-c", code], check=True, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)


def fresh_warehouse(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    shutil.rmtree(path.parent / f"{path.name}.loads", ignore_errors=True)
    return path


def run_load(inbox: Path, warehouse: Path, home: Path, log: Path, env: dict[str, str] | None = None) -> RunResult:
    """``newswarehouse run`` as a subprocess: wall time, peak tree RSS, seconds per stage from its step lines."""
    full_env = {**os.environ, "NEWSWH_HOME": str(home), **(env or {})}
    cmd = [PYTHON, "-m", "newswarehouse.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as out:
        started, cpu_before = time.monotonic(), children_cpu_seconds()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT, env=full_env)
        with TreeSampler(proc.pid) as sampler:
            code = proc.wait()
        seconds = time.monotonic() - started
        cpu = children_cpu_seconds() - cpu_before
    stages: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = STEP_LINE.match(line.strip())
        if m:
            name = STAGE_NAMES[m.group(1)]
            stages[name] = stages.get(name, 0.0) + float(m.group(2))
    stages["other"] = max(0.0, seconds - sum(stages.values()))  # interpreter, Airflow, summary
    return RunResult(code, seconds, sampler.peak_mb, stages, log, cpu, sampler.peak_breakdown)


def require_ok(result: RunResult, what: str) -> None:
    if result.returncode != 0:
        tail = "\n".join((result.log.read_text(errors="replace") if result.log else "").splitlines()[-40:])
        raise SystemExit(f"{what} failed (exit {result.returncode}); log {result.log}:\n{tail}")


def figures(**values: object) -> str:
    """The closing ``key=value`` line."""
    def fmt(v: object) -> str:
        return f"{v:.3g}" if isinstance(v, float) and abs(v) < 10 else (f"{v:.1f}" if isinstance(v, float) else str(v))
    return " ".join(f"{k}={fmt(v)}" for k, v in values.items())
