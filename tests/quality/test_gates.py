"""Quality gates end to end, with real GX, DuckDB, dbt and Airflow, under a concurrent reader.

Three loads of one warehouse while a separate reader process queries it in a loop:
1. six sample articles and one chrome-only page: the page is quarantined, the rest published;
2. six more chrome-only pages, with the operator having raised ``body_fill_rate`` from its
   default level (warn) to reject (``NEWSWH_GATE_LEVELS``): the load is rejected, staging and
   marts stay identical (by default junk pages are quarantined and the load publishes:
   tests/quality/test_levels.py);
3. ``reprocess --quarantined`` with the body thresholds relaxed (the "fix"): the seven pages are
   re-enriched, re-checked and published.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_ROOT, SAMPLES

READER = Path(__file__).with_name("reader.py")
RELAXED = {"NEWSWH_GATE_MIN_BODY_WORDS": "0", "NEWSWH_GATE_MIN_BODY_FILL": "0"}
# A source that only ever sends articles: a batch without bodies means its scraper broke.
STRICT_BODIES = {"NEWSWH_GATE_LEVELS": "staging.stg_articles.body_fill_rate=reject"}


def chrome_page(i: int) -> str:
    """A page of a redesigned site as the scraper sees it: navigation, prompts, teasers, no article."""
    return (
        "Skip to main content\nThe Northgate Courier\nNews\nSport\nBusiness\nOpinion\nSubscribe\nSign in\n\n"
        "We use cookies to improve your experience. Accept all cookies\n"
        "Share on Facebook\nShare on X\nCopy link\n\n"
        "Sign up for our morning newsletter\nEnter your email address\nSubscribe\n\n"
        "Most read\nLocal elections: what you need to know\nWeather warning issued for the weekend\n\n"
        "Related stories\nCouncil approves new budget\nMarket traders face higher rents\n\nAdvertisement\n\n"
        f"(c) 2024 The Northgate Courier. All rights reserved.\nPrivacy policy | Terms of use | Page {i}\n"
    )


def checksums(path: Path) -> dict[str, tuple[int, int]]:
    """(rows, order-independent hash of all rows) of every staging and marts table."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('staging', 'marts') order by 1, 2").fetchall()]
        return {t: con.execute(f"select count(*), coalesce(sum(hash(x)), 0) from {t} as x").fetchone()
                for t in tables}


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def loads(run_cli, newswh_home, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("gates")
    inbox, wh = root / "inbox", root / "wh" / "warehouse.duckdb"
    inbox.mkdir()
    for f in sorted(SAMPLES.glob("*.txt"))[:6]:
        shutil.copy(f, inbox / f.name)
    (inbox / "chrome_00.txt").write_text(chrome_page(0))
    observations, stop = root / "reader.jsonl", root / "reader.stop"
    reader = subprocess.Popen([sys.executable, str(READER), str(wh), str(observations), str(stop)])
    try:
        r1 = run_cli(inbox, wh)
        after1 = checksums(wh)
        quarantined1 = query(wh, "select a.source_uri, q.check_name, q.reason from audit.quarantined_articles q "
                                 "join raw.articles a using (article_id)")
        for i in range(1, 7):
            (inbox / f"chrome_{i:02d}.txt").write_text(chrome_page(i))
        r2 = run_cli(inbox, wh, env=STRICT_BODIES)
        after2 = checksums(wh)
        env = {**os.environ, "NEWSWH_HOME": str(newswh_home), **RELAXED}
        p3 = subprocess.run(
            [sys.executable, "-m", "newswarehouse.cli", "reprocess", "--quarantined", "--inbox", str(inbox),
             "--warehouse", str(wh)],
            cwd=PROJECT_ROOT, env=env, check=False, capture_output=True, text=True, timeout=900,
        )
    finally:
        stop.touch()
        reader.wait(timeout=120)
    seen = [json.loads(line) for line in observations.read_text().splitlines() if line.strip()]
    return {"wh": wh, "r1": r1, "quarantined1": quarantined1, "r2": r2, "r3_code": p3.returncode, "r3_output": p3.stdout + p3.stderr,
            "after1": after1, "after2": after2, "seen": seen, "home": newswh_home}


def test_one_chrome_page_is_quarantined_and_the_rest_published(loads):
    r1 = loads["r1"]
    assert r1.returncode == 0, r1.output[-4000:]
    assert "quarantined articles: 1" in r1.output
    quarantined = loads["quarantined1"]
    assert [(Path(u).name, c) for u, c, _ in quarantined] == [
        ("chrome_00.txt", "staging.stg_articles.body_words_in_range")]
    assert "word_count=0" in quarantined[0][2]
    stg, dim = loads["after1"]["staging.stg_articles"][0], loads["after1"]["marts.dim_articles"][0]
    assert stg == dim == 6


def test_all_chrome_load_is_rejected_by_a_check_raised_to_reject_and_published_marts_unchanged(loads):
    r2 = loads["r2"]
    assert r2.returncode != 0
    assert "status: rejected" in r2.output
    assert "REJECTED: load " in r2.output and "staging.stg_articles.body_fill_rate" in r2.output
    assert "Traceback" not in r2.output
    # Query-identical staging and marts: same tables, same rows.
    assert loads["after2"] == loads["after1"]
    (status, failed, docs, quarantined), = query(
        loads["wh"], "select status, failed_checks, data_docs_path, articles_quarantined from audit.load_runs "
                     "order by started_at limit 1 offset 1")
    assert status == "rejected" and quarantined == 6
    # The share quarantined stays a warning: only the check raised to reject rejects.
    assert failed == ["staging.stg_articles.body_fill_rate"]
    page = Path(docs).read_text()
    assert "rejected" in page and "body_fill_rate" in page
    assert "Warnings" in page and "marts.load_volume.quarantine_share" in page
    # The batch's raw rows were published, so a fixed pipeline can reprocess them.
    assert query(loads["wh"], "select count(*) from raw.articles where source_uri like '%chrome_0%'")[0][0] == 7


def test_quarantined_articles_are_reprocessed_after_a_fix(loads):
    assert loads["r3_code"] == 0, loads["r3_output"][-4000:]
    assert "7 quarantined article(s) released for a re-check" in loads["r3_output"]
    wh = loads["wh"]
    assert query(wh, "select count(*) from staging.stg_articles where source_uri like '%chrome_%'")[0][0] == 7
    assert query(wh, "select count(*) from audit.quarantined_articles")[0][0] == 0
    assert [s for (s,) in query(wh, "select status from audit.load_runs order by started_at")] == [
        "published", "rejected", "published"]


def test_a_concurrent_reader_is_never_blocked_and_sees_only_whole_loads(loads):
    seen = loads["seen"]
    errors = [o for o in seen if "error" in o]
    assert not errors, errors[:5]
    assert {o["mode"] for o in seen} == {"duckdb", "sqlalchemy"}
    for o in seen:
        assert o["stg_articles"] == o["dim_articles"], o  # one load's staging with the same load's marts
        assert o["raw_articles"] >= o["stg_articles"], o
    for key in ("raw_articles", "stg_articles", "dim_articles", "stg_sentences", "load_runs", "published_loads"):
        values = [o[key] for o in seen]
        assert values == sorted(values), f"{key} went down: {values}"
    # Whole loads only: each state seen is the state after one of the three loads.
    states = {(o["raw_articles"], o["stg_articles"], o["load_runs"]) for o in seen}
    assert states <= {(7, 6, 1), (13, 6, 2), (13, 13, 3)}, states
    assert (13, 13, 3) in states


def test_status_lists_loads_with_verdicts_failed_checks_and_reports(loads):
    proc = subprocess.run(
        [sys.executable, "-m", "newswarehouse.cli", "status", "--warehouse", str(loads["wh"])],
        cwd=PROJECT_ROOT, check=False, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.count("published") >= 2 and "rejected" in out
    assert "failed checks: " in out and "staging.stg_articles.body_fill_rate" in out
    assert "data docs: file://" in out


def _png_size_and_colours(png: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values of the pixel data (a cheap 'not blank' test)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        if png[pos + 4:pos + 8] == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return width, height, len(set(zlib.decompress(data)))


def test_data_docs_page_of_a_rejected_load_renders_its_failures(loads, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    (docs,) = query(loads["wh"], "select data_docs_path from audit.load_runs where status = 'rejected'")[0]
    load_page = Path(docs)
    # The load's report links the GX Data Docs page of each validation; take the failed staging one.
    (link,) = [line.split("href='")[1].split("'")[0] for line in load_page.read_text().splitlines()
               if "staging.stg_articles</a>" in line]
    page = (load_page.parent / link).resolve()
    html = page.read_text()
    assert "values must be greater than or equal to" in html and "unexpected values found" in html
    png = tmp_path / "data_docs_rejected_load.png"
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--screenshot={png}", "--window-size=1280,1600",
         page.as_uri()],
        check=False, capture_output=True, text=True, timeout=120,
    )
    assert png.exists(), proc.stderr[-2000:]
    width, height, colours = _png_size_and_colours(png.read_bytes())
    assert (width, height) == (1280, 1600)
    assert png.stat().st_size > 30_000 and colours > 50
    if os.environ.get("NEWSWH_UPDATE_DOC_IMAGES") == "1":  # refresh the README's copy on request only
        shutil.copy(png, PROJECT_ROOT / "docs" / "img" / png.name)
