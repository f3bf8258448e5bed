"""Where a load does its work, and how it becomes visible: write-audit-publish.

Readers (BI tools, the DuckDB CLI) only ever open the *published* file, and
nothing ever opens it read-write. A load copies it to a private build file next
to it, writes and validates there, then publishes with one ``os.replace``: an
atomic rename on POSIX, so a reader sees the old warehouse or the new one,
never half a load, and is never locked out (a reader that already has the old
file open keeps reading its snapshot).

The private copy is a copy-on-write clone where the filesystem offers one
(``filecopy.clone_or_copy``): then a load costs what it writes, not the
warehouse's size.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from newswarehouse.audit import LoadRecord, write_load_record
from newswarehouse.faults import pause_point
from newswarehouse.filecopy import Method, clone_or_copy, fsync_path
from newswarehouse.warehouse_schema import ensure_schema

# The load's own queries on the build copy (loading the enrichment output, the article
# and mart gates) run in the load's process. DuckDB caches up to 80% of RAM by default:
# at 1M articles the article gates' reads grew that process to 4 GB. dbt has its own
# limit (NEWSWH_DBT_MEMORY_LIMIT); past this one, DuckDB spills or evicts its cache.
BUILD_DB_MEMORY_LIMIT = "1GB"


def safe_load_id(run_id: str) -> str:
    """A filesystem- and SQL-safe load id derived from an Airflow run id."""
    return re.sub(r"[^A-Za-z0-9]+", "_", run_id).strip("_")[:120] or "load"


@dataclass(frozen=True)
class Workspace:
    warehouse: Path
    load_id: str

    @property
    def root(self) -> Path:
        # Beside the warehouse, so that the final rename stays on one filesystem.
        return self.warehouse.parent / f"{self.warehouse.name}.loads"

    @property
    def dir(self) -> Path:
        return self.root / self.load_id

    @property
    def build_db(self) -> Path:
        return self.dir / "build.duckdb"

    @property
    def pending_dir(self) -> Path:
        return self.dir / "pending"

    @property
    def enriched_dir(self) -> Path:
        return self.dir / "enriched"

    @property
    def _stale_wal(self) -> Path:
        # Nothing of ours opens the published file read-write, so a WAL there is a stranger's.
        return Path(str(self.warehouse) + ".wal")

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.build_db), config={"memory_limit": BUILD_DB_MEMORY_LIMIT})

    def begin(self) -> list[str]:
        """Start (or restart) the load from the published warehouse; idempotent.

        Work files of other, abandoned loads (a crash, a killed worker) are
        removed: only one load runs at a time (a lock or a one-slot pool). A
        load killed before it could record its outcome gets a 'failed' row in
        audit.load_runs here, so no run vanishes without a trace. Returns the
        abandoned load ids.
        """
        abandoned: dict[str, str] = {}  # load id -> started_at (ISO)
        own_start = None
        if self.root.exists():
            for other in sorted(p for p in self.root.iterdir() if p.is_dir()):
                info = _read_info(other)
                # Loads it had found abandoned, not yet on record: a chain of killed runs loses none.
                abandoned.update(info.get("abandoned", {}))
                if other.name == self.load_id:
                    own_start = info.get("started_at")
                    continue
                abandoned[other.name] = info.get("started_at") or _mtime(other)
                shutil.rmtree(other, ignore_errors=True)
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        info: dict[str, object] = {"started_at": own_start or _utcnow().isoformat(), "abandoned": abandoned}
        (self.dir / _INFO).write_text(json.dumps(info))  # first: a kill during the copy still leaves it
        if self.warehouse.exists():
            info["copied_by"] = self.copy_published(self.build_db)
            (self.dir / _INFO).write_text(json.dumps(info))
            if self._stale_wal.exists():
                # Someone opened the published file read-write and died before a checkpoint:
                # carry the changes they committed into the build, replayed on connect below.
                clone_or_copy(self._stale_wal, Path(str(self.build_db) + ".wal"))
        with self.connect() as con:
            ensure_schema(con)
            _record_abandoned(con, abandoned, self.load_id)
            con.execute("checkpoint")
        return sorted(abandoned)

    def copy_published(self, dst: Path) -> Method:
        """A private copy of the published file (a clone where the filesystem can)."""
        return clone_or_copy(self.warehouse, dst)

    def copied_by(self) -> str | None:
        """How ``begin`` copied the published file: ``clone``, ``copy``, or None (no warehouse yet)."""
        value = _read_info(self.dir).get("copied_by")
        return value if isinstance(value, str) else None

    def publish(self, source: Path | None = None) -> None:
        """Atomically make ``source`` (default: the build file) the published warehouse."""
        source = source or self.build_db
        with duckdb.connect(str(source)) as con:
            if source != self.build_db:  # an audit-only publish (rejected, failed): it carries them too
                ensure_schema(con)
                _record_abandoned(con, _read_info(self.dir).get("abandoned", {}), self.load_id)
            con.execute("checkpoint")  # no WAL may travel separately from the file
        wal = Path(str(source) + ".wal")
        if wal.exists():
            raise RuntimeError(f"{wal} still exists after checkpoint; refusing to publish a partial file")
        fsync_path(source)
        pause_point("publish")
        # A WAL left beside the published file belongs to the old file: DuckDB would refuse
        # to open the new one with it ("WAL checkpoint iteration does not match"). Removed
        # first, readers meanwhile see the old file as of its last checkpoint: still whole.
        self._stale_wal.unlink(missing_ok=True)
        os.replace(source, self.warehouse)
        fsync_path(self.warehouse.parent)  # make the rename itself durable
        pause_point("published")

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            self.root.rmdir()
        except OSError:
            pass


_INFO = "load.json"  # when this load started, and the abandoned loads it puts on record


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _read_info(load_dir: Path) -> dict:
    try:
        info = json.loads((load_dir / _INFO).read_text())
    except (OSError, ValueError):  # killed before writing it, or a work dir from an older version
        return {}
    return info if isinstance(info, dict) else {}


def _mtime(load_dir: Path) -> str:
    return datetime.fromtimestamp(load_dir.stat().st_mtime, UTC).replace(tzinfo=None).isoformat()


def _record_abandoned(con: duckdb.DuckDBPyConnection, abandoned: dict[str, str], by_load: str) -> None:
    for load_id, started_at in sorted(abandoned.items()):
        (known,) = con.execute("select count(*) from audit.load_runs where load_id = ?", [load_id]).fetchone()
        if known:
            continue  # its outcome (e.g. rejected) is on record already
        write_load_record(con, LoadRecord(
            load_id=load_id, started_at=datetime.fromisoformat(started_at), status="failed",
            message="abandoned: the load stopped before recording its outcome (process killed or crashed); "
                    f"nothing of it was published; load {by_load} removed its work files",
        ))
