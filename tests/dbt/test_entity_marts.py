"""Entity marts on a real warehouse: ids survive a rebuild from scratch, and the seeds' entities resolve."""

from __future__ import annotations

import shutil

import duckdb
from conftest import PROJECT_ROOT

from newswarehouse.transform import run_dbt

ENTITY_TABLES = {
    "marts.dim_entities": "select entity_id, canonical_name, entity_type, aliases, article_count, mention_count,"
    " first_seen_date, last_seen_date from marts.dim_entities order by entity_id",
    "marts.fct_entity_mentions": "select mention_id, entity_id from marts.fct_entity_mentions order by mention_id",
    "marts.fct_entity_cooccurrence": "select * from marts.fct_entity_cooccurrence order by all",
}


def _entities(path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in ENTITY_TABLES.items()}


def test_full_refresh_rebuild_keeps_every_entity_id(seed_warehouse, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(seed_warehouse.warehouse, db)
    before = _entities(db)
    assert before["marts.dim_entities"], "the seeds mention entities"
    run_dbt(["build", "--full-refresh"], db, PROJECT_ROOT / "dbt_project", tmp_path / "logs" / "dbt.log")
    assert _entities(db) == before


def test_seed_entities_resolve_across_spellings_and_articles(seed_warehouse):
    with duckdb.connect(str(seed_warehouse.warehouse), read_only=True) as con:
        rows = con.execute("select canonical_name, entity_type, aliases, article_count from marts.dim_entities").fetchall()
        by_name = {name: (etype, set(aliases), articles) for name, etype, aliases, articles in rows}
        redirects_alive = con.execute(
            "select count(*) from marts.entity_id_redirects where retired_entity_id in"
            " (select entity_id from marts.dim_entities)"
        ).fetchone()[0]
        counts = con.execute(
            "select count(*) from marts.dim_articles as a where a.entity_count !="
            " (select count(distinct m.entity_id) from marts.fct_entity_mentions as m where m.article_id = a.article_id)"
        ).fetchone()[0]
    assert redirects_alive == 0
    assert counts == 0
    etype, aliases, articles = by_name["Kim Jong Un"]
    assert etype == "PERSON" and {"Kim Jong-un", "Kim Jong Un", "Kim"} <= aliases and articles >= 3
    etype, aliases, _ = by_name["North Korea"]
    assert etype == "GPE" and {"Pyongyang", "DPRK"} <= aliases
    assert {"Washington", "U.S."} <= by_name["United States"][1]
    assert "UN" in by_name["United Nations"][1]
    assert len([n for n in by_name if "Kim" in n]) == 1
