"""`newswarehouse sql`: read-only queries on a real DuckDB file, in three formats."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import duckdb
import pytest

from newswarehouse import sqlshell


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_articles (title varchar, published_date date, word_count integer)")
        con.execute("insert into marts.dim_articles values ('Dam opens, farmers cheer', '2024-03-01', 420), "
                    "(null, null, 12)")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newswarehouse.cli", "sql", *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "NEWSWH_WAREHOUSE": "/nonexistent/warehouse.duckdb"})


def test_one_query_prints_a_table(warehouse):
    proc = _cli("--warehouse", str(warehouse), "-c", "select count(*) as n from marts.dim_articles")
    assert proc.returncode == 0, proc.stderr
    assert "| n |" in proc.stdout and "| 2 |" in proc.stdout
    assert "(1 row)" in proc.stdout


def test_csv_and_json_keep_nulls_and_dates(warehouse):
    csv_out = _cli("--warehouse", str(warehouse), "--format", "csv", "-c",
                   "select * from marts.dim_articles order by word_count desc").stdout
    assert csv_out.splitlines() == ["title,published_date,word_count", '"Dam opens, farmers cheer",2024-03-01,420',
                                    ",,12"]
    rows = json.loads(_cli("--warehouse", str(warehouse), "--format", "json", "-c",
                           "select * from marts.dim_articles order by word_count desc").stdout)
    assert rows == [{"title": "Dam opens, farmers cheer", "published_date": "2024-03-01", "word_count": 420},
                    {"title": None, "published_date": None, "word_count": 12}]


def test_writes_are_refused_and_the_file_is_unchanged(warehouse):
    before = warehouse.read_bytes()
    proc = _cli("--warehouse", str(warehouse), "-c", "delete from marts.dim_articles")
    assert proc.returncode == 1
    assert "read-only" in proc.stderr
    assert warehouse.read_bytes() == before


def test_missing_warehouse_is_a_clear_error(tmp_path):
    proc = _cli("--warehouse", str(tmp_path / "none.duckdb"), "-c", "select 1")
    assert proc.returncode == 1 and "no warehouse at" in proc.stderr and "Traceback" not in proc.stderr


def test_shell_reads_statements_and_dot_commands(warehouse):
    wh = sqlshell.ReadOnlyWarehouse(warehouse)
    out = io.StringIO()
    script = io.StringIO(".tables\nselect word_count\n  from marts.dim_articles\n  where title is null;\nselect nope;\n"
                         ".mode csv\nselect 7 as seven;\n")
    assert sqlshell.interactive(wh, "table", stdin=script, out=out) == 1  # one statement failed
    text = out.getvalue()
    assert "marts.dim_articles" in text and "| 12 " in text
    assert "error: Binder Error" in text
    assert text.rstrip().endswith("seven\n7")
    wh.close()


def test_a_publish_by_rename_is_seen_by_the_next_query(warehouse, tmp_path):
    wh = sqlshell.ReadOnlyWarehouse(warehouse)
    assert wh.query("select count(*) from marts.dim_articles")[1] == [(2,)]
    staged = tmp_path / "next.duckdb"
    with duckdb.connect(str(staged)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_articles as select 'x' as title from range(5)")
    os.replace(staged, warehouse)  # how publishing swaps the file
    assert wh.query("select count(*) from marts.dim_articles")[1] == [(5,)]
    wh.close()
