"""Copies cut short on another site point at their original; the real pages stay apart.

Loads the 30 real pages, then (a later load, as syndication lands) copies made
here at test time from every third page: the page's first half, under another
site's headline line, with an "Originally published by" line and a share row.
The real text is only read from ../shared and written to tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_ROOT, SHARED

from newswarehouse.transform import run_dbt

REAL = SHARED / "real" / "articles"
# ../shared/real/README.md: one story edited twice on two sites, a near-duplicate
# pair; any other link among the real pages is false.
KNOWN_PAIR = frozenset({"g02_army_fort_hood_mourning", "g03_usar_fort_hood_mourns"})
COPY_PREFIX = "partner_copy_of_"


def _trimmed_copy(page: str) -> str:
    half = page[: len(page) // 2]
    half = half[: half.rfind(" ")]  # cut between words, as a truncated page is
    return (
        "Around the region: a story from our partners\n\n"
        f"{half.rstrip()}\n\n"
        "Originally published by a partner newsroom. Republished with permission.\n"
        "Share: Facebook | X | LinkedIn | Email | Print\n"
    )


def _links(warehouse: Path, table: str) -> dict[str, str | None]:
    """source file stem -> stem of its duplicate_of (None for an original)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            f"""
            select a.source_uri, d.source_uri
            from {table} as a left join {table} as d on a.duplicate_of = d.article_id
            """
        ).fetchall()
    return {Path(src).stem: (Path(dup).stem if dup else None) for src, dup in rows}


def test_trimmed_copies_point_at_their_original_and_real_pages_stay_apart(run_cli, tmp_path):
    if not REAL.is_dir():
        pytest.skip("../shared/real is not available")
    pages = sorted(REAL.glob("*.txt"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for page in pages:
        shutil.copy(page, inbox / page.name)
    wh = tmp_path / "wh" / "warehouse.duckdb"
    first = run_cli(inbox, wh)
    assert first.returncode == 0, first.output[-4000:]

    copied = pages[::3]
    for page in copied:
        (inbox / f"{COPY_PREFIX}{page.name}").write_text(_trimmed_copy(page.read_text(encoding="utf-8")), encoding="utf-8")
    second = run_cli(inbox, wh)  # incremental: the copies are compared against the loaded pages
    assert second.returncode == 0, second.output[-4000:]

    links = _links(wh, "staging.stg_articles")
    assert links == _links(wh, "marts.dim_articles")
    assert len(links) == len(pages) + len(copied), "an article was quarantined or lost"

    among_real = {frozenset({a, b}) for a, b in links.items() if b is not None and not a.startswith(COPY_PREFIX)}
    assert among_real == {KNOWN_PAIR}

    for page in copied:
        # The copy points at the earliest copy of the story: its original, or
        # the article that original itself duplicates.
        original = page.stem
        assert links[COPY_PREFIX + original] in {original, links[original]} - {None}, original

    # The second load compared only its new articles (through bands and anchors):
    # rebuilding staging from scratch finds the same links.
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(wh, rebuilt)
    run_dbt(["run", "--select", "stg_articles", "--full-refresh"], rebuilt, PROJECT_ROOT / "dbt_project",
            tmp_path / "logs" / "dbt.log")
    assert _links(rebuilt, "staging.stg_articles") == links
