"""End to end: `newswarehouse run` over ../shared/seeds, then the contract and the scores."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from conftest import SCORE, score_warehouse
from contract import CONTRACT


def test_every_contract_table_and_column_is_present(seed_warehouse):
    with duckdb.connect(str(seed_warehouse.warehouse), read_only=True) as con:
        for table, columns in CONTRACT.items():
            schema, name = table.split(".")
            actual = dict(
                con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [schema, name],
                ).fetchall()
            )
            assert actual, f"{table} is missing"
            for column, dtype in columns.items():
                assert column in actual, f"{table}.{column} is missing"
                assert actual[column] == dtype, f"{table}.{column} is {actual[column]}, contract says {dtype}"


def test_seed_run_fills_raw_staging_and_dim_articles(seed_warehouse):
    with duckdb.connect(str(seed_warehouse.warehouse), read_only=True) as con:
        for table in ("raw.articles", "staging.stg_articles", "staging.stg_sentences", "marts.dim_articles"):
            assert con.execute(f"select count(*) from {table}").fetchone()[0] > 0, table
        (status,) = con.execute("select status from audit.load_runs").fetchone()
    assert status == "published"
    out = seed_warehouse.output
    assert "files seen: 5" in out and "landed: 5" in out
    assert "rows per table:" in out and "newswarehouse sql" in out


def test_the_summary_suggests_a_query_command_that_runs(seed_warehouse):
    """The summary's example commands must work on a fresh clone (no duckdb CLI there)."""
    import shlex

    line = next(ln for ln in seed_warehouse.output.splitlines() if " sql " in ln and " -c " in ln)
    argv = shlex.split(line.strip())[1:]
    assert argv[0] == "sql"
    proc = subprocess.run([sys.executable, "-m", "newswarehouse.cli", *argv], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "rows)" in proc.stdout


def test_sentence_offsets_slice_the_body(seed_warehouse):
    with duckdb.connect(str(seed_warehouse.warehouse), read_only=True) as con:
        rows = con.execute(
            "select s.text, a.body_text, s.char_start, s.char_end from staging.stg_sentences s "
            "join staging.stg_articles a using (article_id)"
        ).fetchall()
    assert rows
    for text, body, start, end in rows:
        assert body[start:end] == text


@pytest.fixture(scope="module")
def seed_scores(seed_warehouse, tmp_path_factory) -> dict[str, float]:
    return score_warehouse(SCORE, seed_warehouse.warehouse, tmp_path_factory.mktemp("scores") / "scores.json")


def test_parser_scores_on_the_seeds(seed_scores):
    assert seed_scores["missing_articles"] == 0
    assert seed_scores["body_recall"] >= 0.98
    assert seed_scores["boilerplate_leak"] <= 0.05
    assert seed_scores["title_acc"] == 1.0
    assert seed_scores["publisher_acc"] == 1.0


def test_author_is_scored_on_the_seeds(seed_scores):
    # The seeds' scorer reports author_acc (bylines, and no author where the page has none).
    assert "author_acc" in seed_scores
    assert seed_scores["author_acc"] == 1.0
