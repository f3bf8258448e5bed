"""A load's data tests check the rows its build wrote; a full run checks every row.

On a copy of the seeds' warehouse, new articles are added as a load would (raw and
enriched rows of copies of existing articles, under new ids). A build checks the
new rows: a new mention outside its article's body fails it. A row written by an
earlier build is not read again by later loads (a broken old row passes a load's
tests) but fails the full run (`test_scope: all`), and a new key that repeats an
older one fails the load's uniqueness test although the older row is not "new".
The co-occurrence mart, which adds the new articles' pairs onto its stored totals,
ends where a full rebuild does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_ROOT

from newswarehouse.transform import DbtFailed, run_dbt

PROJECT = PROJECT_ROOT / "dbt_project"
LOAD = ["build", "--exclude-resource-type", "unit_test"]


def _add_copies(db: Path, tag: str, bad_mention_offset: bool = False) -> list[str]:
    """Land a copy of every seed article as new articles (new ids, same enrichment)."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            """
            create temp table copies as
            select article_id as original_id, sha256(raw_text || chr(10) || ?) as article_id
            from raw.articles
            where article_id in (select article_id from staging.stg_articles where duplicate_of is null)
            """,
            [tag],
        )
        con.execute(
            """
            insert into raw.articles
            select c.article_id, a.source_uri || '#' || ?, a.raw_text || chr(10) || ?, a.byte_size, ?,
                   a.landed_at + interval 1 day, a.source_encoding, a.content_type, a.url, a.language
            from raw.articles as a inner join copies as c on c.original_id = a.article_id
            """,
            [tag, tag, tag],
        )
        # other MinHash values and shingles: a copy must not be a near-duplicate of its original
        con.execute(
            """
            insert into enriched.documents by name
            select d.* replace (
                c.article_id as article_id,
                list_transform(d.minhash, lambda x: xor(x, hash(c.article_id)::ubigint)) as minhash,
                list_transform(d.shingle_hashes, lambda x: xor(x, (hash(c.article_id) % 4294967296)::uinteger))
                    as shingle_hashes
            )
            from enriched.documents as d inner join copies as c on c.original_id = d.article_id
            """
        )
        for table in ("sentences", "mentions", "statements"):
            con.execute(
                f"""
                insert into enriched.{table} by name
                select t.* replace (c.article_id as article_id)
                from enriched.{table} as t inner join copies as c on c.original_id = t.article_id
                """
            )
        if bad_mention_offset:
            con.execute(
                "update enriched.mentions set char_end = char_end + 1000000"
                " where article_id = (select min(article_id) from copies)"
            )
        return [a for (a,) in con.execute("select article_id from copies").fetchall()]


def _failed_tests(log: Path) -> str:
    return "\n".join(line for line in log.read_text().splitlines() if "FAIL" in line)


@pytest.fixture()
def built_copy(seed_warehouse, tmp_path) -> tuple[Path, list[str]]:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(seed_warehouse.warehouse, db)
    new_ids = _add_copies(db, "copy one")
    run_dbt(LOAD, db, PROJECT, tmp_path / "build" / "dbt.log")
    return db, new_ids


def test_a_new_row_outside_its_body_fails_the_load(built_copy, tmp_path):
    db, _ = built_copy
    _add_copies(db, "copy two", bad_mention_offset=True)
    log = tmp_path / "bad" / "dbt.log"
    with pytest.raises(DbtFailed):
        run_dbt(LOAD, db, PROJECT, log)
    assert "offsets_within_body_stg_mentions" in _failed_tests(log)


def test_old_rows_are_checked_by_the_full_run_and_new_keys_against_all(built_copy, tmp_path):
    db, new_ids = built_copy
    with duckdb.connect(str(db)) as con:
        (build_id,) = con.execute(
            "select any_value(rebuilt_by) from intermediate.int_articles_rebuilt where article_id = ?", [new_ids[0]]
        ).fetchone()
        placeholders = ", ".join("?" * len(new_ids))
        # an old row broken after its build: only the full run reads it again
        con.execute(
            f"""
            update marts.fct_entity_mentions set char_end = char_end + 1000000
            where mention_id = (select min(mention_id) from marts.fct_entity_mentions
                                where article_id not in ({placeholders}))
            """,
            new_ids,
        )
        # a new row whose id repeats an older row's: the older row is outside the build's
        # rows, the duplicate is still found
        con.execute(
            f"""
            update marts.fct_statements set statement_id = (
                select min(statement_id) from marts.fct_statements where article_id not in ({placeholders}))
            where statement_id = (select min(statement_id) from marts.fct_statements
                                  where article_id in ({placeholders}))
            """,
            new_ids + new_ids,
        )

        # an old name pair left live twice: only the full run reads every pair row
        con.execute(
            """
            insert into intermediate.int_node_pairs_by_article
            select * replace ('an earlier build' as built_by)
            from intermediate.int_node_pairs_by_article
            where retired_at is null
            limit 1
            """
        )

    scoped = tmp_path / "scoped" / "dbt.log"
    with pytest.raises(DbtFailed):
        run_dbt(["test", "--exclude-resource-type", "unit_test", "--vars", f"{{test_build: '{build_id}'}}"],
                db, PROJECT, scoped)
    failed = _failed_tests(scoped)
    assert "unique_combination_of_columns_fct_statements_statement_id" in failed
    assert "offsets_within_body_fct_entity_mentions" not in failed
    assert "assert_node_pairs_written_once_per_article" not in failed

    full = tmp_path / "full" / "dbt.log"
    with pytest.raises(DbtFailed):
        run_dbt(["test", "--exclude-resource-type", "unit_test", "--vars", "{test_scope: all}"], db, PROJECT, full)
    failed = _failed_tests(full)
    assert "offsets_within_body_fct_entity_mentions" in failed
    assert "unique_combination_of_columns_fct_statements_statement_id" in failed
    assert "assert_node_pairs_written_once_per_article" in failed


def test_cooccurrence_totals_added_onto_equal_a_full_rebuild(built_copy, tmp_path):
    db, _ = built_copy
    _add_copies(db, "copy two")  # every pair of the copies is an existing pair gaining articles
    run_dbt(LOAD, db, PROJECT, tmp_path / "incremental" / "dbt.log")
    query = "select * from marts.fct_entity_cooccurrence order by all"
    with duckdb.connect(str(db), read_only=True) as con:
        incremental = con.execute(query).fetchall()
        (pairs_gaining,) = con.execute(
            "select count(*) from marts.fct_entity_cooccurrence where article_count >= 3").fetchone()
    assert pairs_gaining > 0
    run_dbt(["run", "--full-refresh", "-s", "fct_entity_cooccurrence"], db, PROJECT, tmp_path / "full" / "dbt.log")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(query).fetchall() == incremental


def test_the_weekly_command_runs_every_test_on_every_row(built_copy, tmp_path):
    db, new_ids = built_copy

    def test_all() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newswarehouse.cli", "test-all", "--warehouse", str(db)],
                              check=False, capture_output=True, text=True,
                              env={**os.environ, "NEWSWH_HOME": str(tmp_path / "home")})

    clean = test_all()
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-3000:]
    assert "every data test passed on every row" in clean.stdout
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            update marts.fct_entity_mentions set char_end = char_end + 1000000
            where mention_id = (select min(mention_id) from marts.fct_entity_mentions
                                where article_id not in ({", ".join("?" * len(new_ids))}))
            """,
            new_ids,
        )
    broken = test_all()
    assert broken.returncode == 1
    assert "offsets_within_body_fct_entity_mentions" in broken.stdout + broken.stderr
    assert not (tmp_path / "home" / "full_tests" / "warehouse.duckdb").exists()  # the copy is removed
