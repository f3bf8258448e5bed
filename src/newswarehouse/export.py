"""Snapshots of the published marts as Parquet files, for consumers that want files.

Runs after every publish (the ``export_on_publish`` DAG schedules on the
published-warehouse asset). It only ever opens the published warehouse
read-only, so it never blocks a load nor a BI reader, and sees one whole load.

Layout under ``<NEWSWH_HOME>/exports/``::

    <load_id>/marts.<table>.parquet   one file per mart table
    <load_id>/manifest.json           load id, row counts, export time
    latest.json                       the manifest of the newest export

An export directory appears whole (built in a temporary directory, then
renamed); exporting the same load again replaces it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from newswarehouse.settings import Settings, load_settings

EXPORTED_SCHEMAS = ("marts",)


class NothingToExport(RuntimeError):
    """There is no published warehouse (or it has no marts) yet."""


def exports_dir(settings: Settings) -> Path:
    return settings.home / "exports"


def export_published(settings: Settings | None = None) -> dict[str, Any]:
    """Export the marts of the published warehouse; returns the manifest (JSON-friendly)."""
    settings = settings or load_settings()
    return export_marts(settings.warehouse, exports_dir(settings))


def export_marts(warehouse: Path, out_root: Path) -> dict[str, Any]:
    if not warehouse.exists():
        raise NothingToExport(f"no published warehouse at {warehouse}")
    out_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_root))
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            load_id = _latest_published_load(con)
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                f"where table_schema in ({', '.join('?' for _ in EXPORTED_SCHEMAS)}) order by 1, 2",
                list(EXPORTED_SCHEMAS),
            ).fetchall()
            if not tables:
                raise NothingToExport(f"{warehouse} has no tables in {', '.join(EXPORTED_SCHEMAS)}")
            rows: dict[str, int] = {}
            for schema, table in tables:
                name = f"{schema}.{table}"
                target = tmp / f"{name}.parquet"
                con.execute(f'copy (select * from "{schema}"."{table}") to \'{_sql_path(target)}\' (format parquet)')
                rows[name] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
        manifest = {
            "load_id": load_id,
            "warehouse": str(warehouse),
            "exported_at": datetime.now(UTC).isoformat(),
            "tables": rows,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        final = out_root / load_id
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        _write_atomic(out_root / "latest.json", json.dumps({**manifest, "path": str(final)}, indent=2) + "\n")
        manifest["path"] = str(final)
        return manifest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _latest_published_load(con: duckdb.DuckDBPyConnection) -> str:
    try:
        row = con.execute(
            "select load_id from audit.load_runs where status = 'published' order by finished_at desc limit 1"
        ).fetchone()
    except duckdb.CatalogException:
        row = None
    if row is None:
        raise NothingToExport("the warehouse has no published load yet")
    return str(row[0])


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
