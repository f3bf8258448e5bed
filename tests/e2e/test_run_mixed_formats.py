"""A real `newswarehouse run` over an inbox of every input format: published, nothing lost."""

from __future__ import annotations

import json

import duckdb
import pytest
from formats_inbox import build_mixed_inbox

# Structured metadata, exactly as the page's meta tags, the record or the WARC header give it.
EXPECTED_METADATA = {
    "council_budget.html": ("Riverton council approves budget for new library", "Maria Keller", "The Riverton Ledger",
                            "2026-02-14", "https://ledger.example.com/2026/02/14/riverton-library-budget"),
    "feeds/newsplease.jsonl#line=1": ("Cold snap closes Ashby valley schools", "Nadia Petrova, Chris Walker",
                                      "northern-herald.example.net", "2026-01-20",
                                      "https://northern-herald.example.net/2026/01/20/cold-snap-schools"),
    "feeds/trafilatura.jsonl.gz": ("Riverton council approves budget for new library", "Maria Keller",
                                   "The Riverton Ledger", "2026-02-14",
                                   "https://ledger.example.com/2026/02/14/riverton-library-budget"),
    "feeds/feed.json#offset=4": ("Volunteers plant five hundred trees along the Elm river", "Jorge Alvarez",
                                 "Elm Valley Times", "2026-03-21", "https://elmvalley.example.org/trees"),
    "mairie_fr.html": ("La mairie de Valmont rénove la place du marché", "Claire Dubois", "Le Courrier de Valmont",
                       "2026-04-09", None),
}


@pytest.fixture(scope="module")
def mixed_run(run_cli, tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed_run")
    inbox = root / "inbox"
    expected = build_mixed_inbox(inbox)
    result = run_cli(inbox, root / "wh" / "warehouse.duckdb")
    assert result.returncode == 0, result.output[-5000:]
    con = duckdb.connect(str(result.warehouse), read_only=True)
    yield inbox, expected, con
    con.close()


def _rows(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_the_load_is_published_and_every_article_is_accounted_for(mixed_run):
    inbox, expected, con = mixed_run
    (status, report) = con.execute("select status, landing_report from audit.load_runs").fetchone()
    assert status == "published"
    report = json.loads(report)
    assert sum(report["records_skipped"].values()) == expected.skipped
    raw = {r["source_uri"][len(str(inbox)) + 1:]: r for r in _rows(con, "select * from raw.articles")}
    rejected = [r[0][len(str(inbox)) + 1:] for r in con.execute("select source_uri from raw.rejected_files").fetchall()]
    assert len(raw) == 13 and len(rejected) == 4
    published = {r["article_id"] for r in _rows(con, "select article_id from marts.dim_articles")}
    quarantined = {r["article_id"] for r in _rows(con, "select article_id from audit.quarantined_articles")}
    # Nothing lost: every landed article is published (none is quarantined).
    assert {r["article_id"] for r in raw.values()} == published and not quarantined


def test_structured_metadata_is_exact(mixed_run):
    inbox, _expected, con = mixed_run
    rows = {r["source_uri"][len(str(inbox)) + 1:]: r for r in _rows(
        con, "select source_uri, title, author, publisher, published_date::varchar as d, url from marts.dim_articles")}
    for uri, (title, author, publisher, date, url) in EXPECTED_METADATA.items():
        row = rows[uri]
        assert (row["title"], row["author"], row["publisher"], row["d"], row["url"]) == (
            title, author, publisher, date, url), uri
    warc = sorted(r["url"] for uri, r in rows.items() if uri.startswith("crawl/news.warc.gz#offset="))
    assert warc == ["https://star.example.co.uk/business/bakery-prize", "https://star.example.co.uk/education/robot"]


def test_the_same_article_in_two_formats_lands_twice_and_the_second_is_a_duplicate(mixed_run):
    inbox, _expected, con = mixed_run
    rows = {r["source_uri"][len(str(inbox)) + 1:]: r for r in _rows(
        con, "select source_uri, article_id, duplicate_of from marts.dim_articles")}
    html, record = rows["council_budget.html"], rows["feeds/trafilatura.jsonl.gz"]
    assert html["article_id"] != record["article_id"]
    assert html["duplicate_of"] is None and record["duplicate_of"] == html["article_id"]


def test_other_languages_are_staged_without_entity_and_statement_nlp(mixed_run):
    inbox, _expected, con = mixed_run
    rows = {r["source_uri"][len(str(inbox)) + 1:]: r for r in _rows(
        con, "select a.source_uri, a.language, a.entity_count, a.statement_count, "
             "(select count(*) from staging.stg_sentences s where s.article_id = a.article_id) as sentences "
             "from marts.dim_articles a")}
    for uri, language in (("mairie_fr.html", "fr"), ("gz/rathaus_de.html.gz", "de")):
        assert rows[uri]["language"] == language
        assert (rows[uri]["entity_count"], rows[uri]["statement_count"]) == (0, 0)
        assert rows[uri]["sentences"] > 0
    english = [r for uri, r in rows.items() if r["language"] == "en"]
    assert len(english) == 10 and all(r["entity_count"] > 0 for r in english)
    (report,) = con.execute("select landing_report from audit.load_runs").fetchone()
    skipped = {u[len(str(inbox)) + 1:] for u, _reason in json.loads(report)["nlp_skipped"]}
    # The French record of feed.json too: three articles in all.
    assert {"mairie_fr.html", "gz/rathaus_de.html.gz"} <= skipped and len(skipped) == 3


def test_staged_speakers_come_from_html_bodies(mixed_run):
    _inbox, _expected, con = mixed_run
    speakers = {r[0] for r in con.execute("select speaker_text from marts.fct_statements").fetchall()}
    assert {"Mayor Daniel Ortiz", "Laura Finch", "Ana Ferreira"} & speakers
