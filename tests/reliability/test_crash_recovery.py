"""`newswarehouse run` killed (SIGKILL, whole process group) in every phase, then rerun.

The published warehouse must come out exactly as an uninterrupted run over
the same inbox leaves it (a checksum of every table over its deterministic
columns: ids included, load ids and timestamps not), with no article doubled
or missing; a reader polling read-only meanwhile sees only whole states; a
second run at the same time refuses at once, or waits with --wait.

The kill lands at a known point through the test-only hook
NEWSWH_FAULT_PAUSE_AT (newswarehouse/faults.py), or on dbt's first progress
line. Each CLI run costs ~20-30 s, so one sequence covers every phase.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_ROOT, SAMPLES
from warehouse_digest import overall, warehouse_digests

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
RUN_TIMEOUT = 900


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """Four sample articles (one a syndicated copy of another: near-duplicate ordering must hold) and a reject."""
    inbox = tmp_path_factory.mktemp("crash") / "inbox"
    inbox.mkdir()
    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix == ".txt")
    chosen = [n for n in names if "measles" in n][:2] + [n for n in names if "measles" not in n][:2]
    assert len(chosen) == 4, names
    for name in chosen:
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    (inbox / "empty.txt").write_bytes(b"")
    return inbox


@dataclass
class Clean:
    warehouse: Path
    digests: dict[str, str]


@pytest.fixture(scope="module")
def clean(run_cli, inbox, tmp_path_factory) -> Clean:
    """An uninterrupted run over the inbox and its table digests: what every crash must converge to."""
    result = run_cli(inbox, tmp_path_factory.mktemp("clean") / "warehouse.duckdb")
    assert result.returncode == 0, result.output[-5000:]
    digests = warehouse_digests(result.warehouse)
    assert digests["raw.articles"].startswith("4:") and digests["raw.rejected_files"].startswith("1:"), digests
    return Clean(result.warehouse, digests)


class Cli:
    """One `newswarehouse run` in its own process group, its output collected by a thread."""

    def __init__(self, inbox: Path, warehouse: Path, home: Path, *extra: str, pause: str | None = None,
                 hold: Path | None = None) -> None:
        env = {**os.environ, "NEWSWH_HOME": str(home)}
        for key in ("NEWSWH_FAULT_PAUSE_AT", "NEWSWH_FAULT_HOLD_FILE"):
            env.pop(key, None)
        if pause:
            env["NEWSWH_FAULT_PAUSE_AT"] = pause
        if hold:
            env["NEWSWH_FAULT_HOLD_FILE"] = str(hold)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newswarehouse.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
             *extra],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.ended = False  # stdout closed: the process is gone
        self._changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = RUN_TIMEOUT) -> str:
        """Block until a line matches ``pattern``; fail if the run ends first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                hit = next((ln for ln in self.lines if re.search(pattern, ln)), None)
                if hit:
                    return hit
                if self.ended:
                    pytest.fail(f"run ended before {pattern!r}:\n{self.output[-5000:]}")
                if time.monotonic() > deadline:
                    self.kill()
                    pytest.fail(f"no {pattern!r} within {timeout} s:\n{self.output[-5000:]}")
                self._changed.wait(1.0)

    def kill(self) -> None:
        """SIGKILL the whole process group (the CLI, its Airflow tasks, dbt), as the OOM killer or a deploy would."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=60)

    def finish(self, timeout: float = RUN_TIMEOUT) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"run did not finish in {timeout} s:\n{self.output[-5000:]}")
        with self._changed:
            self._changed.wait_for(lambda: self.ended, timeout=60)  # the collector has read everything
        return code

    def load_id(self) -> str:
        return re.search(r"\[begin\] load (\S+):", self.output).group(1)


class Reader:
    """A separate process polling the published warehouse read-only, like a BI tool."""

    def __init__(self, warehouse: Path, workdir: Path) -> None:
        self.stop, self.out = workdir / "reader.stop", workdir / "reader.json"
        self.proc = subprocess.Popen([sys.executable, str(HERE / "warehouse_digest.py"), str(warehouse),
                                      str(self.stop), str(self.out)])

    def seen(self) -> dict[str, int]:
        self.stop.touch()
        self.proc.wait(timeout=120)
        return json.loads(self.out.read_text())["seen"]


def _load_dirs(warehouse: Path) -> list[str]:
    root = warehouse.parent / f"{warehouse.name}.loads"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _assert_same_as_clean(warehouse: Path, clean: dict[str, str]) -> None:
    digests = warehouse_digests(warehouse)
    differing = {t: (digests.get(t), clean.get(t)) for t in set(digests) | set(clean) if digests.get(t) != clean.get(t)}
    assert not differing, f"tables differing from the clean run (got, clean): {differing}"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("raw.articles", "staging.stg_articles", "marts.dim_articles"):
            total, distinct = con.execute(f"select count(*), count(distinct article_id) from {table}").fetchone()
            assert total == distinct == 4, (table, total, distinct)


def test_killed_in_every_phase_then_rerun_equals_a_clean_run(inbox, clean, newswh_home, tmp_path):
    """Killed during land, enrich, dbt and publish; meanwhile a second run refuses, a third waits; then equal."""
    expected = clean.digests
    wh = tmp_path / "wh" / "warehouse.duckdb"
    reader = Reader(wh, tmp_path)
    killed: dict[str, str] = {}
    running: list[Cli] = []
    rerun = None
    try:
        for point, pattern in (("land", r"^\[fault\] paused at land"), ("enrich", r"^\[fault\] paused at enrich"),
                               ("dbt", r"^\s+dbt: "), ("publish", r"^\[fault\] paused at publish")):
            cli = Cli(inbox, wh, newswh_home, pause=None if point == "dbt" else point)
            running.append(cli)
            cli.wait_for(pattern)
            killed[point] = cli.load_id()
            assert _load_dirs(wh) == [killed[point]], "the work dirs of earlier killed loads were not removed"
            if point == "publish":
                # Everything built, audit row written, file fsynced: the lock holder is about to rename.
                _second_run_refuses_while_the_first_holds_the_lock(inbox, wh, newswh_home, holder=cli.proc.pid)
                rerun = Cli(inbox, wh, newswh_home, "--wait", str(RUN_TIMEOUT))
                running.append(rerun)
                rerun.wait_for(r"^newswarehouse run:")
                time.sleep(3)  # room for the waiting run to (wrongly) start while the lock is held
                assert rerun.proc.poll() is None and "[begin]" not in rerun.output, rerun.output
            cli.kill()
            assert not wh.exists(), f"killed during {point}, yet something was published"

        # The waiting run got the lock the moment its holder died, and reruns the load.
        assert rerun is not None and rerun.finish() == 0, rerun.output[-5000:]
        assert "landed: 4" in rerun.output, rerun.output[-3000:]
        _assert_same_as_clean(wh, expected)
        assert _load_dirs(wh) == []
    finally:
        for cli in running:
            if cli.proc.poll() is None:
                cli.kill()
        seen = reader.seen()

    assert set(seen) <= {"absent", overall(expected)}, f"a reader saw a state that is neither old nor new: {seen}"
    assert seen.get(overall(expected)), seen

    with duckdb.connect(str(wh), read_only=True) as con:
        runs = {lid: (status, msg) for lid, status, msg in
                con.execute("select load_id, status, message from audit.load_runs").fetchall()}
    assert set(runs) == {*killed.values(), rerun.load_id()}
    for point, load_id in killed.items():
        assert runs[load_id][0] == "failed" and runs[load_id][1].startswith("abandoned"), point
    assert runs[rerun.load_id()][0] == "published"


def _second_run_refuses_while_the_first_holds_the_lock(inbox: Path, wh: Path, home: Path, holder: int) -> None:
    for extra in ((), ("--wait", "1")):
        second = subprocess.run(
            [sys.executable, "-m", "newswarehouse.cli", "run", "--inbox", str(inbox), "--warehouse", str(wh), *extra],
            cwd=PROJECT_ROOT, env={**os.environ, "NEWSWH_HOME": str(home)}, capture_output=True, text=True, timeout=120,
            check=False,
        )
        assert second.returncode == 3, second.stdout + second.stderr
        assert f"another load is running on {wh} (pid {holder})" in second.stderr
        assert "--wait" in second.stderr and "[begin]" not in second.stdout
