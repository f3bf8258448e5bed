"""Landing: decoding, rejections with reasons, ids, idempotence."""

from __future__ import annotations

import hashlib
import os

import duckdb
import pytest

from newswarehouse.loading.decoding import Undecodable, decode
from newswarehouse.loading.inbox import (
    LandedFile,
    RejectedFile,
    article_id_of,
    read_one,
    scan_inbox,
)
from newswarehouse.loading.land import land_inbox
from newswarehouse.warehouse_schema import ensure_schema

TEXT = "Café owner José Núñez said the “crème brûlée” sold out – again.\nThe mayor’s office said the façade reopens.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252"])
def test_decodes_common_encodings_with_accents_intact(encoding):
    assert decode(TEXT.encode(encoding)).text == TEXT


def test_newlines_are_normalised():
    assert decode(b"a\r\nb\rc\n").text == "a\nb\nc\n"


def test_binary_is_rejected():
    with pytest.raises(Undecodable, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_article_id_is_sha256_of_normalised_utf8():
    assert article_id_of("a\nb") == hashlib.sha256(b"a\nb").hexdigest()


def test_read_one_rejections(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ws.txt").write_bytes(b" \n\t \r\n")
    (tmp_path / "big.txt").write_bytes(b"word " * 300)
    (tmp_path / "page.html").write_text("<!DOCTYPE html><html><body><nav></nav></body></html>")
    (tmp_path / "data.json").write_text('{"title": "x", "author": "y"}')
    os.symlink("/etc/hostname", tmp_path / "link.txt")
    reasons = {p.name: read_one(p, 1000) for p in sorted(tmp_path.iterdir())}
    assert all(isinstance(r, RejectedFile) for r in reasons.values())
    assert "empty" in reasons["empty.txt"].reason and "empty" in reasons["ws.txt"].reason
    assert "limit" in reasons["big.txt"].reason
    assert "HTML page has no visible text" in reasons["page.html"].reason
    assert "JSON record has no article text" in reasons["data.json"].reason
    assert "symbolic link" in reasons["link.txt"].reason


def test_html_and_json_land_as_received(tmp_path):
    """They used to be rejected; now a page and a scraper's record are articles, kept exactly as read."""
    page = "<!DOCTYPE html><html><body><p>The council met.</p></body></html>"
    record = '{"title": "x", "body": "The council said."}'
    (tmp_path / "page.html").write_text(page)
    (tmp_path / "data.json").write_text(record)
    landed = {os.path.basename(i.source_uri): i for i in scan_inbox(tmp_path, 10_000)}
    assert (landed["page.html"].text, landed["page.html"].content_type) == (page, "text/html")
    assert (landed["data.json"].text, landed["data.json"].content_type) == (record, "application/json")


def test_scan_is_recursive_sorted_and_never_follows_directory_links(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second article.\n")
    (tmp_path / "a.txt").write_text("First article.\n")
    os.symlink("/etc", tmp_path / "elsewhere")
    items = list(scan_inbox(tmp_path, 10_000))
    landed = [i for i in items if isinstance(i, LandedFile)]
    assert [os.path.basename(i.source_uri) for i in landed] == ["a.txt", "two.txt"]
    assert any(isinstance(i, RejectedFile) and i.source_uri.endswith("elsewhere") for i in items)


def test_land_is_idempotent_and_dedups_by_content(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "one.txt").write_text("Same story.\r\n")
    (inbox / "copy.txt").write_text("Same story.\n")
    (inbox / "empty.txt").write_text("")
    con = duckdb.connect()
    ensure_schema(con)
    first = land_inbox(con, inbox, "load_1", 10_000)
    assert (first.articles_landed, first.files_already_known, first.files_rejected) == (1, 1, 1)
    again = land_inbox(con, inbox, "load_2", 10_000)
    assert (again.articles_landed, again.files_already_known, again.files_rejected) == (0, 2, 1)
    assert con.execute("select count(*) from raw.articles").fetchone()[0] == 1
    assert con.execute("select count(*) from raw.rejected_files").fetchone()[0] == 1
