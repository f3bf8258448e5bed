"""Crash windows of the write-audit-publish workspace and the run lock, without a whole load.

Fast counterparts of test_crash_recovery.py: the same guarantees exercised
directly on ``Workspace`` and ``warehouse_lock`` many times over.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from warehouse_digest import overall, warehouse_digests

from newswarehouse.audit import LoadRecord, write_load_record
from newswarehouse.runlock import WarehouseBusy, warehouse_lock
from newswarehouse.workspace import Workspace

HERE = Path(__file__).resolve().parent


def _statuses(warehouse: Path) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {lid: (status, msg) for lid, status, msg in
                con.execute("select load_id, status, message from audit.load_runs").fetchall()}


def _publish_with_record(ws: Workspace, status: str = "published") -> None:
    with ws.connect() as con:
        write_load_record(con, LoadRecord(ws.load_id, datetime(2024, 1, 1), status))
    ws.publish()
    ws.discard()


def test_killed_loads_are_cleaned_up_and_put_on_record_by_the_next_load(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    first = Workspace(wh, "load_1")
    first.begin()
    _publish_with_record(first)

    # load_2 is killed after begin, load_3 while copying the warehouse (a .partial file is left).
    Workspace(wh, "load_2").begin()
    killed_copy = Workspace(wh, "load_3")
    killed_copy.dir.mkdir(parents=True)
    (killed_copy.dir / "build.duckdb.partial").write_bytes(b"half a copy")
    # load_4 finds both, and is killed in turn: its successor must still record all three.
    assert Workspace(wh, "load_4").begin() == ["load_2", "load_3"]
    assert sorted(p.name for p in first.root.iterdir()) == ["load_4"]
    last = Workspace(wh, "load_5")
    assert last.begin() == ["load_2", "load_3", "load_4"]
    _publish_with_record(last)

    statuses = _statuses(wh)
    assert statuses["load_1"][0] == statuses["load_5"][0] == "published"
    for killed in ("load_2", "load_3", "load_4"):
        status, message = statuses[killed]
        assert status == "failed" and message.startswith("abandoned:") and "load_5" in message
    assert not first.root.exists()


def test_restarted_begin_keeps_what_it_inherited_and_known_outcomes_are_not_overwritten(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    rejected = Workspace(wh, "rejected_load")
    rejected.begin()
    with rejected.connect() as con:  # a rejected load publishes its record but keeps its work dir
        from datetime import datetime

        write_load_record(con, LoadRecord("rejected_load", datetime(2024, 1, 1), "rejected", message="gates"))
    shutil.copyfile(rejected.build_db, tmp_path / "side.duckdb")
    rejected.publish(tmp_path / "side.duckdb")

    Workspace(wh, "killed_load").begin()
    retried = Workspace(wh, "retried_load")
    assert retried.begin() == ["killed_load", "rejected_load"]
    started = json.loads((retried.dir / "load.json").read_text())["started_at"]
    assert retried.begin() == ["killed_load", "rejected_load"]  # an Airflow retry of the begin task
    assert json.loads((retried.dir / "load.json").read_text())["started_at"] == started
    _publish_with_record(retried)
    statuses = _statuses(wh)
    assert statuses["rejected_load"] == ("rejected", "gates")
    assert statuses["killed_load"][0] == "failed"


def _state_file(path: Path, rows: int, tag: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.articles as select ? || i::varchar as article_id, repeat('x', 200) as raw_text "
                    "from range(?) t(i)", [tag, rows])


def test_a_polling_reader_only_ever_sees_whole_published_states(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    states = {}
    for tag, rows in (("a", 2_000), ("b", 3_000)):
        _state_file(tmp_path / f"{tag}.duckdb", rows, tag)
        states[tag] = overall(warehouse_digests(tmp_path / f"{tag}.duckdb"))
    shutil.copyfile(tmp_path / "a.duckdb", wh)

    stop, out = tmp_path / "stop", tmp_path / "seen.json"
    reader = subprocess.Popen([sys.executable, str(HERE / "warehouse_digest.py"), str(wh), str(stop), str(out)])
    try:
        while not out.with_suffix(".ready").exists() and reader.poll() is None:
            time.sleep(0.05)
        ws = Workspace(wh, "flip")
        for i in range(100):
            ws.dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_path / ("b.duckdb" if i % 2 == 0 else "a.duckdb"), ws.build_db)
            ws.publish()
            time.sleep(0.02)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    seen = json.loads(out.read_text())["seen"]
    assert set(seen) <= set(states.values()), seen
    assert len(seen) == 2, seen  # it did see the flips


def _published_folders(tmp_path: Path) -> list[Path]:
    """The test's own folder, and one on a reflink filesystem when ``NEWSWH_REFLINK_DIR`` names one."""
    folders = [tmp_path / "local"]
    if os.environ.get("NEWSWH_REFLINK_DIR"):
        folders.append(Path(os.environ["NEWSWH_REFLINK_DIR"]) / f"faults_{tmp_path.name}")
    return folders


@pytest.mark.parametrize("where", ["local", "reflink"])
def test_loads_that_clone_the_published_file_never_change_what_a_reader_sees(tmp_path, where):
    """begin -> write in the private copy -> publish, 40 times, while a reader polls: whole states only.

    On a reflink filesystem the private copy shares the published file's blocks: a
    write that reached the published file would show up here as a state no load published.
    """
    folders = _published_folders(tmp_path)
    if where == "reflink" and len(folders) == 1:
        pytest.skip("NEWSWH_REFLINK_DIR (a reflink filesystem) not set")
    folder = folders[0 if where == "local" else 1]
    folder.mkdir(parents=True)
    wh = folder / "warehouse.duckdb"
    _state_file(wh, 2_000, "a")
    published = {overall(warehouse_digests(wh))}
    stop, out = tmp_path / "stop", tmp_path / "seen.json"
    reader = subprocess.Popen([sys.executable, str(HERE / "warehouse_digest.py"), str(wh), str(stop), str(out)])
    methods = set()
    try:
        while not out.with_suffix(".ready").exists() and reader.poll() is None:
            time.sleep(0.05)
        for i in range(40):
            ws = Workspace(wh, f"load_{i}")
            ws.begin()
            methods.add(ws.copied_by())
            with ws.connect() as con:
                con.execute("delete from raw.articles where article_id like '%7'")
                con.execute("insert into raw.articles (article_id, raw_text) select 'n' || ? || '_' || i::varchar, repeat('y', 300) "
                            "from range(50) t(i)", [i])
                write_load_record(con, LoadRecord(ws.load_id, datetime(2024, 1, 1), "published"))
                con.execute("checkpoint")
            published.add(overall(warehouse_digests(ws.build_db)))
            ws.publish()
            ws.discard()
    finally:
        stop.touch()
        reader.wait(timeout=120)
        if where == "reflink":
            shutil.rmtree(folder, ignore_errors=True)
    seen = json.loads(out.read_text())["seen"]
    assert set(seen) <= published, seen
    assert len(seen) > 2, seen  # it did see loads land
    if where == "reflink":
        assert methods == {"clone"}


_HOLDER = """
import sys, time
from pathlib import Path
from newswarehouse.runlock import warehouse_lock
with warehouse_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(600)
"""


def _hold_lock(wh: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(wh)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_lock_refuses_names_the_holder_and_is_freed_when_the_holder_is_killed(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(wh)
    try:
        with (
            pytest.raises(WarehouseBusy, match=rf"another load is running on .* \(pid {holder.pid}\).*--wait"),
            warehouse_lock(wh),
        ):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with warehouse_lock(wh):  # the kernel released the dead holder's flock: no stale lock
        assert (tmp_path / "warehouse.duckdb.lock").read_text() == str(os.getpid())


def test_waiting_for_the_lock_succeeds_once_the_holder_dies(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    holder = _hold_lock(wh)
    killer = threading.Timer(1.0, os.kill, (holder.pid, signal.SIGKILL))
    killer.start()
    try:
        with warehouse_lock(wh, wait_seconds=300):
            assert holder.poll() is not None or holder.wait(timeout=10) == -signal.SIGKILL
    finally:
        killer.cancel()
        if holder.poll() is None:
            holder.kill()
        holder.wait()


_STRANGER = """
import os, sys
import duckdb
con = duckdb.connect(sys.argv[1])  # read-write, against the rules: e.g. a DuckDB CLI without -readonly
con.execute("create table raw.stranger as select 42 as answer")
os._exit(0)  # killed before any checkpoint: its committed change lives only in the WAL
"""


def test_a_stale_wal_beside_the_published_file_neither_breaks_readers_nor_is_lost(tmp_path):
    """A WAL left by a crashed read-write session made the next published file unreadable for every reader."""
    wh = tmp_path / "warehouse.duckdb"
    first = Workspace(wh, "load_1")
    first.begin()
    _publish_with_record(first)
    subprocess.run([sys.executable, "-c", _STRANGER, str(wh)], check=True)
    assert (tmp_path / "warehouse.duckdb.wal").exists()

    second = Workspace(wh, "load_2")
    second.begin()
    _publish_with_record(second)
    assert not (tmp_path / "warehouse.duckdb.wal").exists()
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("select answer from raw.stranger").fetchall() == [(42,)]
        assert sorted(r[0] for r in con.execute("select load_id from audit.load_runs").fetchall()) == ["load_1", "load_2"]


def test_a_load_that_publishes_only_its_audit_row_still_records_the_loads_it_found_abandoned(tmp_path):
    """A rejected or failed load publishes a copy of the old warehouse plus its row: the abandoned ones go too."""
    from datetime import datetime

    wh = tmp_path / "warehouse.duckdb"
    Workspace(wh, "killed_load").begin()
    failing = Workspace(wh, "failing_load")
    failing.begin()
    side = failing.dir / "audit_only.duckdb"  # what loadsteps._publish_audit_rows builds
    with duckdb.connect(str(side)) as con:
        from newswarehouse.warehouse_schema import ensure_schema

        ensure_schema(con)
        write_load_record(con, LoadRecord("failing_load", datetime(2024, 1, 1), "failed", message="dbt failed"))
    failing.publish(side)
    failing.discard()
    statuses = _statuses(wh)
    assert statuses["failing_load"] == ("failed", "dbt failed")
    assert statuses["killed_load"][0] == "failed" and statuses["killed_load"][1].startswith("abandoned")


_PUBLISHER = """
import sys
from datetime import datetime
from pathlib import Path
from newswarehouse.audit import LoadRecord, write_load_record
from newswarehouse.workspace import Workspace
ws = Workspace(Path(sys.argv[1]), sys.argv[2])
ws.begin()
with ws.connect() as con:
    con.execute("create table raw.second_load as select 2 as x")
    write_load_record(con, LoadRecord(ws.load_id, datetime(2024, 1, 1), "published"))
ws.publish()  # NEWSWH_FAULT_PAUSE_AT holds it here, and the test kills it
ws.discard()
"""


@pytest.mark.parametrize("point, published", [("publish", False), ("published", True)])
def test_killed_inside_publish_the_warehouse_is_old_or_new_and_the_next_load_tells_which(tmp_path, point, published):
    """SIGKILL just before or just after the rename (NEWSWH_FAULT_PAUSE_AT=publish / published)."""
    wh = tmp_path / "warehouse.duckdb"
    first = Workspace(wh, "load_1")
    first.begin()
    _publish_with_record(first)
    env = {**os.environ, "NEWSWH_FAULT_PAUSE_AT": point}
    env.pop("NEWSWH_FAULT_HOLD_FILE", None)
    proc = subprocess.Popen([sys.executable, "-c", _PUBLISHER, str(wh), "load_2"], env=env, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline() == f"[fault] paused at {point}\n"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with duckdb.connect(str(wh), read_only=True) as con:
        tables = {t for (t,) in con.execute("select table_name from information_schema.tables").fetchall()}
    assert ("second_load" in tables) == published
    assert ("load_2" in _statuses(wh)) == published

    nxt = Workspace(wh, "load_3")
    assert nxt.begin() == ["load_2"]
    _publish_with_record(nxt)
    statuses = _statuses(wh)
    assert statuses["load_2"][0] == ("published" if published else "failed")  # a published load is never relabelled
    assert [s for s, _ in statuses.values()].count("published") == (3 if published else 2)
    assert not first.root.exists()
