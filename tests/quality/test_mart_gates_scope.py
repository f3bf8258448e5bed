"""The mart gates read the rows this load's build wrote, and look new ids up in the whole table.

On a copy of the seeds' warehouse, one article plays this load's batch and the
latest build rewrote only it: a broken fact row of another article is left to the
full run (`newswarehouse test-all`), a broken row of the batch rejects the load,
and a batch row whose id repeats an older row's id does too.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from newswarehouse.quality.gates import check_marts
from newswarehouse.settings import load_settings


@pytest.fixture()
def one_article_load(seed_warehouse, tmp_path):
    db = tmp_path / "build.duckdb"
    shutil.copyfile(seed_warehouse.warehouse, db)
    con = duckdb.connect(str(db))
    (batch,) = con.execute(
        "select min(article_id) from marts.fct_statements"
        " where article_id in (select article_id from marts.fct_entity_mentions)"
    ).fetchone()
    con.execute("update enriched.documents set enriched_by_load_id = case when article_id = ? then 'this_load'"
                " else 'an_older_load' end", [batch])
    con.execute("update intermediate.int_articles_rebuilt set rebuilt_by = case when article_id = ? then 'this_build'"
                " else 'an_older_build' end, rebuilt_at = case when article_id = ? then now() else"
                " timestamp '2000-01-01' end", [batch, batch])
    settings = load_settings(home=tmp_path / "home", warehouse=tmp_path / "wh.duckdb")
    yield con, batch, settings
    con.close()


def test_a_clean_batch_passes(one_article_load):
    con, _, settings = one_article_load
    assert check_marts(con, "this_load", settings).failed_checks == []


def _break_one_mention(con, batch: str, of_the_batch: bool) -> None:
    """Point one mention (of the batch's article, or of an older one) at an entity that does not exist."""
    op = "=" if of_the_batch else "!="
    con.execute("update marts.fct_entity_mentions set entity_id = 'no such entity'"
                f" where mention_id = (select min(mention_id) from marts.fct_entity_mentions where article_id {op} ?)",
                [batch])


def test_an_old_broken_row_is_left_to_the_full_run(one_article_load):
    con, batch, settings = one_article_load
    _break_one_mention(con, batch, of_the_batch=False)
    assert check_marts(con, "this_load", settings).failed_checks == []


def test_a_broken_row_of_the_batch_rejects_the_load(one_article_load):
    con, batch, settings = one_article_load
    _break_one_mention(con, batch, of_the_batch=True)
    assert any("fct_entity_mentions" in check for check in check_marts(con, "this_load", settings).failed_checks)


def test_a_new_id_that_repeats_an_older_one_rejects_the_load(one_article_load):
    con, batch, settings = one_article_load
    con.execute(
        "update marts.fct_statements set statement_id = ("
        "    select min(statement_id) from marts.fct_statements where article_id != ?)"
        " where statement_id = (select min(statement_id) from marts.fct_statements where article_id = ?)",
        [batch, batch],
    )
    assert any("fct_statements" in check for check in check_marts(con, "this_load", settings).failed_checks)
