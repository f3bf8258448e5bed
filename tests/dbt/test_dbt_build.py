"""dbt on its own: the project builds, its data and unit tests pass, and a rebuild changes nothing."""

from __future__ import annotations

import shutil

import duckdb
from conftest import PROJECT_ROOT

from newswarehouse.transform import run_dbt

TABLES = ("staging.stg_articles", "staging.stg_sentences", "marts.dim_articles")


def _snapshot(path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in TABLES}


def test_dbt_build_on_a_published_warehouse_is_green_and_repeatable(seed_warehouse, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(seed_warehouse.warehouse, db)
    before = _snapshot(db)
    run_dbt(["build"], db, PROJECT_ROOT / "dbt_project", tmp_path / "logs" / "dbt.log")
    assert _snapshot(db) == before
    log = (tmp_path / "logs" / "dbt.log").read_text()
    assert "unit_test" in log and "ERROR=0" in log
