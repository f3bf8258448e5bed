"""Incremental marts: a build that rewrites only what changed ends where a full rebuild does.

On a copy of the seeds' warehouse, one article is quarantined (its rows must go,
and entities it alone mentioned with them), the alias seed merges one person into
another (old mentions and statements must move to the surviving id) and the
speech_verbs seed reclassifies a cue. The incremental build must equal a
``--full-refresh`` of the same state. Undoing all three must give back the
original warehouse, ids included.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
from conftest import PROJECT_ROOT

from newswarehouse.transform import run_dbt

# Bookkeeping that says which build wrote a row, not what the row is.
TRACKING_COLUMNS = {
    "entity_assigned_by", "written_by", "previous_entity_id", "previous_node_key",
    "rebuilt_by", "rebuilt_at", "rebuilt_because",
}
MODELS = (
    "intermediate.int_entity_mentions_normalized",
    "intermediate.int_entity_keys_resolved",
    "intermediate.int_articles_rebuilt",
    "intermediate.int_node_pair_totals",
    "marts.dim_articles",
    "marts.dim_entities",
    "marts.fct_entity_mentions",
    "marts.fct_entity_cooccurrence",
    "marts.entity_id_redirects",
    "marts.fct_statements",
    "marts.bridge_statement_entities",
)


def _state(db: Path) -> dict[str, list]:
    state = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in MODELS:
            schema, name = table.split(".")
            columns = [
                c for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
                    " order by ordinal_position", [schema, name]).fetchall()
                if c not in TRACKING_COLUMNS
            ]
            # an article a build unpublished stays in the work list until the next build
            published = " where rebuilt_because != 'unpublished'" if name == "int_articles_rebuilt" else ""
            state[table] = con.execute(f"select {', '.join(columns)} from {table}{published} order by all").fetchall()
    return state


def _build(db: Path, project: Path, log: Path, *args: str) -> None:
    run_dbt(["build", *args], db, project, log)


def _append_rows(csv_path: Path, rows: list[list[str]]) -> None:
    with open(csv_path, "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def test_incremental_build_equals_a_full_rebuild_and_undoes_cleanly(seed_warehouse, tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    aliases, verbs = project / "seeds" / "entity_aliases.csv", project / "seeds" / "speech_verbs.csv"
    original_aliases, original_verbs = aliases.read_text(), verbs.read_text()
    db = tmp_path / "incremental.duckdb"
    shutil.copyfile(seed_warehouse.warehouse, db)
    before = _state(db)

    with duckdb.connect(str(db)) as con:
        kirby, sullivan = (
            con.execute("select entity_id from marts.dim_entities where canonical_name = ?", [name]).fetchone()[0]
            for name in ("John Kirby", "Jake Sullivan")
        )
        # The article with the fewest mentions of either: both people stay in the warehouse.
        victim = con.execute(
            "select article_id from marts.dim_articles order by entity_count, article_id limit 1").fetchone()[0]
        con.execute(
            "insert into audit.quarantined_articles values (?, 'test', 'test_check', 'test reason', now())", [victim])
    _append_rows(aliases, [["Jake Sullivan", "PERSON", "John Kirby"], ["Sullivan", "PERSON", "John Kirby"]])
    verbs.write_text(original_verbs.replace("say,neutral", "say,assertive"))

    _build(db, project, tmp_path / "logs" / "incremental.log")
    reference = tmp_path / "reference.duckdb"
    shutil.copyfile(db, reference)
    _build(reference, project, tmp_path / "logs" / "full.log", "--full-refresh")
    changed = _state(db)
    assert changed == _state(reference)

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "select count(*) from marts.fct_entity_mentions where article_id = ?", [victim]).fetchone()[0] == 0
        assert con.execute(
            "select count(*) from marts.fct_entity_mentions where entity_id = ?", [sullivan]).fetchone()[0] == 0
        assert con.execute(
            "select count(*) from marts.fct_statements where speaker_entity_id = ?", [kirby]).fetchone()[0] > 0
        assert con.execute(
            "select count(*) from marts.entity_id_redirects where retired_entity_id = ? and entity_id = ?",
            [sullivan, kirby]).fetchone()[0] == 1
        assert con.execute(
            "select count(*) from marts.fct_statements where cue_class = 'assertive'").fetchone()[0] > 0
        # the incremental build is the one that retired the quarantined article's pair rows
        (this_build, retired_at) = con.execute(
            "select rebuilt_by, (select max(retired_at) from intermediate.int_node_pairs_by_article)"
            " from intermediate.int_articles_rebuilt where article_id = ?", [victim]).fetchone()
        rebuilt, unpublished = con.execute(
            "select count(*) filter (where rebuilt_because != 'unpublished'),"
            " list(article_id) filter (where rebuilt_because = 'unpublished')"
            " from intermediate.int_articles_rebuilt where rebuilt_by = ?", [this_build]).fetchone()
        touched_rows, live_rows = con.execute(
            "select count(*) filter (where built_by = ? or retired_at = ?), count(*) filter (where retired_at is null)"
            " from intermediate.int_node_pairs_by_article", [this_build, retired_at]).fetchone()
        # an article's rows are written side by side (retiring them touches few vectors)
        article_runs, written_articles = con.execute(
            "select count(*) filter (where article_id is distinct from previous_article), count(distinct article_id)"
            " from (select article_id, lag(article_id) over (order by rowid) as previous_article"
            "       from intermediate.int_node_pairs_by_article where built_by = ?)", [this_build]).fetchone()
    # the merge rewrote no article (the moved mentions and speakers were updated in place)
    assert this_build is not None and retired_at is not None and rebuilt == 0
    # the quarantined article is on the build's work list as unpublished: its rows went
    assert unpublished == [victim]
    # the name pairs of only the renamed articles (the alias edit) and the quarantined one were
    # rewritten or retired: the pair table is keyed by name, so the merge itself rewrites none
    assert 0 < touched_rows < live_rows
    assert article_runs == written_articles > 0

    with duckdb.connect(str(db)) as con:
        con.execute("delete from audit.quarantined_articles where load_id = 'test'")
    aliases.write_text(original_aliases)
    verbs.write_text(original_verbs)
    _build(db, project, tmp_path / "logs" / "undo.log")
    assert _state(db) == before
