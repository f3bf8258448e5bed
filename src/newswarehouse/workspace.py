"""Where a load does its work, and how it becomes visible: write-audit-publish.

Readers (BI tools, the DuckDB CLI) only ever open the *published* file, and
nothing ever opens it read-write. A load copies it to a private build file next
to it, writes and validates there, then publishes with one ``os.replace``: an
atomic rename on POSIX, so a reader sees the old warehouse or the new one,
never half a load, and is never locked out (a reader that already has the old
file open keeps reading its snapshot).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from newswarehouse.warehouse_schema import ensure_schema


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

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.build_db))

    def begin(self) -> None:
        """Start (or restart) the load from the published warehouse; idempotent.

        Work files of other, abandoned loads (a crash, a killed worker) are
        removed: only one load runs at a time (a lock or a one-slot pool).
        """
        if self.root.exists():
            for other in self.root.iterdir():
                if other.name != self.load_id:
                    shutil.rmtree(other, ignore_errors=True)
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        if self.warehouse.exists():
            _copy_file(self.warehouse, self.build_db)
        with self.connect() as con:
            ensure_schema(con)
            con.execute("checkpoint")

    def publish(self, source: Path | None = None) -> None:
        """Atomically make ``source`` (default: the build file) the published warehouse."""
        source = source or self.build_db
        with duckdb.connect(str(source)) as con:
            con.execute("checkpoint")  # no WAL may travel separately from the file
        wal = Path(str(source) + ".wal")
        if wal.exists():
            raise RuntimeError(f"{wal} still exists after checkpoint; refusing to publish a partial file")
        _fsync(source)
        os.replace(source, self.warehouse)
        _fsync(self.warehouse.parent)  # make the rename itself durable

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        try:
            self.root.rmdir()
        except OSError:
            pass


def _copy_file(src: Path, dst: Path) -> None:
    tmp = dst.with_suffix(dst.suffix + ".partial")
    shutil.copyfile(src, tmp)
    _fsync(tmp)
    os.replace(tmp, dst)


def _fsync(path: Path) -> None:
    """fsync a file or a directory (Linux allows O_RDONLY on both)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
