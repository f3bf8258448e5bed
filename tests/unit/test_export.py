"""The published-marts export: read-only, whole directories, idempotent per load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from newswarehouse.export import NothingToExport, export_marts


def _warehouse(path: Path, loads: list[tuple[str, str, str]], articles: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema audit")
        con.execute("create table audit.load_runs (load_id varchar, status varchar, finished_at timestamp)")
        con.executemany("insert into audit.load_runs values (?, ?, ?)", loads)
        con.execute("create table marts.dim_articles as select range as article_id, 'title ' || range as title "
                    f"from range({articles})")
        con.execute("create table marts.dim_entities as select 1 as entity_id, 'x' as canonical_name")
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_writes_every_mart_and_a_manifest_without_touching_the_warehouse(tmp_path):
    wh = _warehouse(tmp_path / "warehouse.duckdb", [
        ("load_a", "published", "2024-01-01 10:00:00"),
        ("load_b", "published", "2024-01-02 10:00:00"),
        ("load_c", "rejected", "2024-01-03 10:00:00"),
    ], articles=5)
    before = _digest(wh)
    manifest = export_marts(wh, tmp_path / "exports")

    assert manifest["load_id"] == "load_b"  # the newest *published* load
    assert manifest["tables"] == {"marts.dim_articles": 5, "marts.dim_entities": 1}
    out = tmp_path / "exports" / "load_b"
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "marts.dim_articles.parquet", "marts.dim_entities.parquet"]
    assert pq.read_table(out / "marts.dim_articles.parquet").num_rows == 5
    assert json.loads((tmp_path / "exports" / "latest.json").read_text())["path"] == str(out)
    assert json.dumps(manifest)  # travels through XCom as JSON
    assert _digest(wh) == before
    assert not [p for p in (tmp_path / "exports").iterdir() if p.name.startswith(".")]


def test_exporting_the_same_load_again_replaces_it(tmp_path):
    wh = _warehouse(tmp_path / "warehouse.duckdb", [("load_a", "published", "2024-01-01")], articles=3)
    export_marts(wh, tmp_path / "exports")
    (tmp_path / "exports" / "load_a" / "stale.parquet").write_bytes(b"old")
    export_marts(wh, tmp_path / "exports")
    assert not (tmp_path / "exports" / "load_a" / "stale.parquet").exists()
    assert [p.name for p in (tmp_path / "exports").iterdir() if p.is_dir()] == ["load_a"]


def test_nothing_to_export_is_a_clear_error(tmp_path):
    with pytest.raises(NothingToExport, match="no published warehouse"):
        export_marts(tmp_path / "missing.duckdb", tmp_path / "exports")
    wh = _warehouse(tmp_path / "warehouse.duckdb", [("load_a", "failed", "2024-01-01")], articles=1)
    with pytest.raises(NothingToExport, match="no published load"):
        export_marts(wh, tmp_path / "exports")
