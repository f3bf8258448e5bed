"""Structured inputs: sniffing, readers of HTML/JSON/WARC/gzip, field mapping, language, extraction."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest
from formats_inbox import FIXTURES, build_mixed_inbox, write_warc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswarehouse.extraction import extract_article
from newswarehouse.loading.formats.content import HTML, JSON, TEXT, content_type_of
from newswarehouse.loading.formats.fields import map_record
from newswarehouse.loading.inbox import (
    LandedFile,
    RejectedFile,
    SkippedRecord,
    article_id_of,
    read_items,
    scan_inbox,
)
from newswarehouse.loading.land import land_inbox
from newswarehouse.loading.language import detect_language
from newswarehouse.warehouse_schema import ensure_schema

MB = 5 * 1024 * 1024


def _relative(inbox: Path, uri: str) -> str:
    return uri[len(str(inbox)) + 1:]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("mixed") / "inbox"
    expected = build_mixed_inbox(inbox)
    return inbox, expected, list(scan_inbox(inbox, MB))


def _matches(uri: str, key: str) -> bool:
    return uri == key or (key.endswith("=") and uri.startswith(key))


def test_every_article_of_the_mixed_inbox_is_landed_or_rejected_with_a_reason(mixed):
    inbox, expected, items = mixed
    landed = {_relative(inbox, i.source_uri): i for i in items if isinstance(i, LandedFile)}
    rejected = {_relative(inbox, i.source_uri): i for i in items if isinstance(i, RejectedFile)}
    skipped = [i for i in items if isinstance(i, SkippedRecord)]
    for key, content_type in expected.landed.items():
        hits = [v for uri, v in landed.items() if _matches(uri, key)]
        assert hits, f"{key} not landed; rejected: {rejected}"
        assert {h.content_type for h in hits} == {content_type}, key
    for key, word in expected.rejected.items():
        hits = [v for uri, v in rejected.items() if _matches(uri, key)]
        assert hits and all(word in h.reason for h in hits), (key, hits)
    assert len(skipped) == expected.skipped
    # Nothing unexpected: 13 articles (feed.json and the WARC hold two each), 4 rejections.
    assert (len(landed), len(rejected)) == (13, 4), (sorted(landed), sorted(rejected))


def test_content_is_kept_exactly_as_received(mixed):
    inbox, _expected, items = mixed
    landed = {_relative(inbox, i.source_uri): i for i in items if isinstance(i, LandedFile)}
    page = (FIXTURES / "pages" / "council_budget.html").read_text(encoding="utf-8")
    assert landed["council_budget.html"].text == page
    assert landed["gz/rathaus_de.html.gz"].text == (FIXTURES / "pages" / "rathaus_de.html").read_text(encoding="utf-8")
    first_line = (FIXTURES / "records" / "newsplease.jsonl").read_text(encoding="utf-8").split("\n")[0]
    assert landed["feeds/newsplease.jsonl#line=1"].text == first_line
    for item in landed.values():
        assert item.article_id == article_id_of(item.text)


def test_json_array_records_are_exact_slices_at_their_offsets(mixed):
    _inbox, _expected, items = mixed
    text = (FIXTURES / "records" / "feed.json").read_text(encoding="utf-8")
    records = [i for i in items if isinstance(i, LandedFile) and "feed.json#offset=" in i.source_uri]
    assert len(records) == 2
    for record in records:
        offset = int(record.source_uri.rsplit("=", 1)[1])
        assert text[offset:offset + len(record.text)] == record.text
        assert isinstance(json.loads(record.text), dict)


def test_urls_and_languages_come_from_the_source(mixed):
    inbox, _expected, items = mixed
    landed = {_relative(inbox, i.source_uri): i for i in items if isinstance(i, LandedFile)}
    assert landed["council_budget.html"].url == "https://ledger.example.com/2026/02/14/riverton-library-budget"
    warc_urls = sorted(i.url for uri, i in landed.items() if uri.startswith("crawl/"))
    assert warc_urls == ["https://star.example.co.uk/business/bakery-prize", "https://star.example.co.uk/education/robot"]
    assert landed["mairie_fr.html"].language == "fr"
    assert landed["gz/rathaus_de.html.gz"].language == "de"
    assert landed["feeds/newsplease.jsonl#line=1"].language == "en"
    assert landed["gz/library_hours.txt.gz"].language == "en"


def test_landing_report_counts_skipped_records_types_and_nlp_skips(mixed, tmp_path):
    inbox, expected, _items = mixed
    con = duckdb.connect()
    ensure_schema(con)
    summary = land_inbox(con, inbox, "load_1", MB)
    assert summary.articles_landed == 13 and summary.files_rejected == 4
    assert sum(summary.records_skipped.values()) == expected.skipped
    assert summary.content_types == {"application/json": 6, "text/html": 6, "text/plain": 1}
    skipped_uris = {_relative(inbox, uri) for uri, _reason in summary.nlp_skipped}
    assert {"mairie_fr.html", "gz/rathaus_de.html.gz"} <= skipped_uris
    assert all("English only" in reason for _uri, reason in summary.nlp_skipped)
    rows = con.execute("select content_type, count(*) from raw.articles group by 1 order by 1").fetchall()
    assert rows == [("application/json", 6), ("text/html", 6), ("text/plain", 1)]
    # Landing again: every article already known, no rejection recorded twice.
    again = land_inbox(con, inbox, "load_2", MB)
    assert (again.articles_landed, again.files_already_known) == (0, 13)
    (rejections,) = con.execute("select count(*) from raw.rejected_files").fetchone()
    assert rejections == 4


def test_the_same_record_in_another_file_is_already_known(tmp_path):
    line = (FIXTURES / "records" / "newsplease.jsonl").read_text(encoding="utf-8").split("\n")[0]
    (tmp_path / "a.jsonl").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress((line + "\r\n").encode()))
    con = duckdb.connect()
    ensure_schema(con)
    summary = land_inbox(con, tmp_path, "load_1", MB)
    assert (summary.articles_landed, summary.files_already_known) == (1, 1)


def test_oversized_record_is_rejected_and_the_rest_of_its_file_lands(tmp_path):
    small = json.dumps({"title": "Short", "text": "A short record about the weather in the valley today."})
    big = json.dumps({"title": "Long", "text": "word " * 400})
    (tmp_path / "feed.ndjson").write_text(f"{small}\n{big}\n{small.replace('Short', 'Other')}\n", encoding="utf-8")
    items = list(read_items(tmp_path / "feed.ndjson", 1000))
    assert [type(i).__name__ for i in items] == ["LandedFile", "RejectedFile", "LandedFile"]
    assert items[1].source_uri.endswith("#line=2") and "limit" in items[1].reason


def test_oversized_warc_page_is_rejected_and_the_archive_goes_on(tmp_path):
    big = b"<html><body><p>" + b"Many words here. " * 500 + b"</p></body></html>"
    small = (FIXTURES / "warc_pages" / "bakery_award.html").read_bytes()
    write_warc(tmp_path / "a.warc", {"https://x.example/big": big, "https://x.example/small": small}, extra_records=False)
    items = [i for i in read_items(tmp_path / "a.warc", 4000) if not isinstance(i, SkippedRecord)]
    assert [type(i).__name__ for i in items] == ["RejectedFile", "LandedFile"]
    assert "limit" in items[0].reason and "#offset=" in items[0].source_uri


def test_truncated_warc_keeps_what_was_read_and_says_where_it_broke(tmp_path):
    pages = {f"https://x.example/{n}": (FIXTURES / "warc_pages" / "bakery_award.html").read_bytes() + b" " * n
             for n in range(3)}
    write_warc(tmp_path / "a.warc", pages, extra_records=False)
    data = (tmp_path / "a.warc").read_bytes()
    (tmp_path / "cut.warc").write_bytes(data[: len(data) - 300])
    items = [i for i in read_items(tmp_path / "cut.warc", MB) if not isinstance(i, SkippedRecord)]
    assert [type(i).__name__ for i in items][:2] == ["LandedFile", "LandedFile"]
    assert isinstance(items[-1], RejectedFile)


def test_html_sniffed_from_content_whatever_the_name(tmp_path):
    page = (FIXTURES / "pages" / "harbour_ferry.html").read_bytes()
    (tmp_path / "download").write_bytes(page)
    (tmp_path / "download.gz").write_bytes(gzip.compress(page))
    items = list(scan_inbox(tmp_path, MB))
    assert [i.content_type for i in items] == [HTML, HTML]


def test_legacy_charset_page_is_decoded_by_its_declaration(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"><title>Café</title></head><body><p>Le café du théâtre rouvre ses portes après les travaux de l\'été.</p></body></html>'
    (tmp_path / "p.html").write_bytes(page.encode("iso-8859-1"))
    (item,) = read_items(tmp_path / "p.html", MB)
    assert isinstance(item, LandedFile) and item.text == page and item.encoding == "iso-8859-1"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Plain story.\nSecond line.", TEXT),
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", HTML),
        ("<!-- saved page -->\n<html><body>x</body></html>", HTML),
        ('{"title": "x", "text": "y"}', JSON),
        ("<3 said the sign on the door", TEXT),
        ("{not json}", TEXT),
    ],
)
def test_content_type_is_sniffed_from_content(text, kind):
    assert content_type_of(text) == kind


def test_field_profiles_map_news_please_trafilatura_and_generic_feeds():
    news_please = map_record({"maintext": "Body.", "title": "T", "authors": ["A B", "C D"],
                              "date_publish": "2026-01-02 03:04:05", "source_domain": "x.example", "url": "https://x.example/a",
                              "language": "en"})
    assert (news_please.profile, news_please.author, news_please.publisher) == ("news-please", "A B, C D", "x.example")
    traf = map_record({"text": "Body.", "source": "https://y.example/b", "source-hostname": "Y Times",
                       "sitename": None, "author": "E F"})
    assert (traf.profile, traf.url, traf.publisher) == ("trafilatura", "https://y.example/b", "Y Times")
    generic = map_record({"headline": "H", "articleBody": "Body.", "author": {"name": "G H"},
                          "publisher": {"name": "Z News"}, "source": "Z wire"})
    assert (generic.profile, generic.title, generic.author, generic.publisher, generic.url) == (
        "generic", "H", "G H", "Z News", None)


def test_language_detection_is_offline_and_conservative():
    assert detect_language("The council met on Tuesday and approved the new budget for the schools.") == "en"
    assert detect_language("Le conseil municipal a voté mardi soir le budget des écoles de la ville.") == "fr"
    assert detect_language("Der Stadtrat hat am Mittwoch den Haushalt für die Schulen beschlossen.") == "de"
    assert detect_language("Too short", declared="fr-FR") == "fr"
    assert detect_language("Too short") is None


def test_structured_metadata_wins_and_the_text_parser_fills_gaps():
    record = json.dumps({"maintext": "By Somebody Else\nThe bridge reopened on Friday after repairs, the county said.",
                         "title": "Bridge reopens", "authors": ["Record Author"], "date_publish": "2026-02-03 04:05:06",
                         "source_domain": "x.example"})
    parsed, skip = extract_article(record)
    assert (parsed.title, parsed.author, parsed.publisher, str(parsed.published_date)) == (
        "Bridge reopens", "Record Author", "x.example", "2026-02-03")
    assert skip is None
    page, _ = extract_article((FIXTURES / "pages" / "harbour_ferry.html").read_text(encoding="utf-8"))
    # No meta tags: title from <title>, author and date from the visible byline lines via the text parser.
    assert (page.title, page.author, str(page.published_date)) == (
        "Ferry to Gull Island returns after repairs", "Tom Reyes", "2026-03-03")
    assert page.body_text.startswith("The ferry between Port Halden")
    assert "Share this story" not in page.body_text and "Contact us" not in page.body_text


def test_html_with_meta_tags_gives_exact_metadata_and_a_chrome_free_body():
    parsed, skip = extract_article((FIXTURES / "pages" / "council_budget.html").read_text(encoding="utf-8"))
    assert (parsed.title, parsed.author, parsed.publisher, str(parsed.published_date)) == (
        "Riverton council approves budget for new library", "Maria Keller", "The Riverton Ledger", "2026-02-14")
    assert parsed.body_text.startswith("The Riverton city council voted")
    assert parsed.body_text.endswith("according to the finance department.")
    for chrome in ("Most read", "All rights reserved", "Subscribe", "By Maria Keller"):
        assert chrome not in parsed.body_text
    assert skip is None
    _fr, reason = extract_article((FIXTURES / "pages" / "mairie_fr.html").read_text(encoding="utf-8"))
    assert reason is not None and "'fr'" in reason


def test_a_warc_gzipped_whole_is_read_through_a_decompressing_stream(tmp_path):
    pages = {f"https://x.example/{n}": (FIXTURES / "warc_pages" / name).read_bytes()
             for n, name in enumerate(["bakery_award.html", "school_robotics.html"])}
    write_warc(tmp_path / "a.warc", pages)
    (tmp_path / "whole.warc.gz").write_bytes(gzip.compress((tmp_path / "a.warc").read_bytes()))
    write_warc(tmp_path / "members.warc.gz", pages)
    for name in ("whole.warc.gz", "members.warc.gz", "a.warc"):
        items = list(read_items(tmp_path / name, MB))
        landed = [i for i in items if isinstance(i, LandedFile)]
        assert [i.url for i in landed] == list(pages), name
        assert not [i for i in items if isinstance(i, RejectedFile)], name


def test_record_fields_accept_paragraph_lists_and_odd_dates():
    record = json.dumps({"title": "Lists", "text": ["First paragraph of the story.", "Second paragraph."],
                         "date": "Tue, 03 Mar 2026 10:00:00 GMT"})
    parsed, _ = extract_article(record)
    assert parsed.body_text == "First paragraph of the story.\n\nSecond paragraph."
    assert str(parsed.published_date) == "2026-03-03"
    odd, _ = extract_article(json.dumps({"title": "Odd", "text": "Body of the story.", "date": "not a date at all"}))
    assert odd.published_date is None


def test_prose_opening_with_a_bracket_stays_plain_text(tmp_path):
    text = "[Updated] Council meeting moved\n\nThe council meeting moved to Friday, the clerk said.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (item,) = read_items(tmp_path / "a.txt", MB)
    assert isinstance(item, LandedFile) and item.content_type == TEXT and item.text == text


def test_a_retried_landing_of_the_same_load_counts_its_committed_rows_as_landed(tmp_path):
    """Rows are committed chunk by chunk (memory-flat); a task retry after a crash must report the same counts."""
    inbox = tmp_path / "inbox"
    build_mixed_inbox(inbox)
    con = duckdb.connect()
    ensure_schema(con)
    first = land_inbox(con, inbox, "load_1", MB)
    con.execute("delete from raw.articles where source_uri like '%feeds%'")  # as if the crash came mid-way
    retried = land_inbox(con, inbox, "load_1", MB)
    assert retried.as_dict() == first.as_dict()
    (count,) = con.execute("select count(*) from raw.articles").fetchone()
    assert count == first.articles_landed
    later = land_inbox(con, inbox, "load_2", MB)
    assert (later.articles_landed, later.files_already_known) == (0, first.articles_landed)


def test_a_record_whose_text_is_html_gets_its_visible_paragraphs():
    record = json.dumps({"title": "Markup", "content": "<p>First paragraph of the story.</p>\n<p>Second <em>one</em>.</p>"})
    parsed, _ = extract_article(record)
    assert parsed.body_text == "First paragraph of the story.\n\nSecond one."


_NAMES = ("a.txt", "a.html", "a.json", "a.jsonl", "a.warc", "a.warc.gz", "a.gz", "noext")
_PREFIXES = (b"", b"{\"", b"[{", b"[\n {\"text\": \"", b"WARC/1.0\r\n", b"\x1f\x8b", b"<!DOCTYPE html><html><body><p>")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(_NAMES), prefix=st.sampled_from(_PREFIXES), body=st.binary(max_size=400),
       gzipped=st.booleans())
def test_any_bytes_in_any_format_are_landed_or_rejected_never_raise(tmp_path, name, prefix, body, gzipped):
    data = prefix + body
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if gzipped else data)
    items = list(read_items(path, 10_000))
    assert items
    for item in items:
        assert isinstance(item, LandedFile | RejectedFile | SkippedRecord)
        if isinstance(item, RejectedFile):
            assert item.reason.strip()
        if isinstance(item, LandedFile):
            assert item.article_id == article_id_of(item.text)


def test_a_warehouse_from_before_the_new_columns_is_upgraded_in_place():
    """stg_articles and dim_articles are incremental with on_schema_change='fail': the columns must exist first."""
    con = duckdb.connect()
    con.execute("create schema raw; create schema staging; create schema marts")
    con.execute("create table raw.articles (article_id varchar primary key, source_uri varchar not null, "
                "raw_text varchar not null, byte_size bigint not null, load_id varchar not null, "
                "landed_at timestamp not null, source_encoding varchar)")
    con.execute("insert into raw.articles values ('a', 'a.txt', 'Text.', 5, 'l', now()::timestamp, 'utf-8')")
    con.execute("create table staging.stg_articles (article_id varchar, title varchar)")
    con.execute("insert into staging.stg_articles values ('a', 'T')")
    con.execute("create table marts.dim_articles (article_id varchar primary key, title varchar)")
    con.execute("insert into marts.dim_articles values ('a', 'T')")
    ensure_schema(con)
    ensure_schema(con)  # idempotent
    for table in ("raw.articles", "staging.stg_articles", "marts.dim_articles"):
        row = con.execute(f"select content_type, url, language from {table}").fetchone()
        assert row == ("text/plain", None, None), table


def test_a_pair_table_that_named_the_retiring_build_keeps_when_it_started_instead():
    """int_node_pairs_by_article is incremental with on_schema_change='fail': retired_by becomes retired_at."""
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_node_pairs_by_article (article_id varchar, node_hash_a ubigint, "
                "node_hash_b ubigint, seen_date date, sentence_count integer, built_by varchar, retired_by varchar)")
    con.execute("insert into intermediate.int_node_pairs_by_article values "
                "('a', 1, 2, date '2024-01-01', 1, 'b1', null), ('b', 1, 2, date '2024-01-01', 1, 'b1', 'b2')")
    ensure_schema(con)
    ensure_schema(con)  # idempotent
    columns = [c for (c, *_) in con.execute("describe intermediate.int_node_pairs_by_article").fetchall()]
    assert columns[-1] == "retired_at" and "retired_by" not in columns
    # the row retired by the last build was due for purging by the next one: only the live row is left
    assert con.execute("select article_id, retired_at from intermediate.int_node_pairs_by_article").fetchall() == [
        ("a", None)]
