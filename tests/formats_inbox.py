"""Assemble the mixed-format inbox of tests/fixtures/formats: every format, gzip, a WARC, broken records.

The WARC is built here with warcio from our own pages (plus the records a crawl
also holds: warcinfo, requests, a 404, an image), so no binary is committed.
"""

from __future__ import annotations

import gzip
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
WARC_URLS = {
    "bakery_award.html": "https://star.example.co.uk/business/bakery-prize",
    "school_robotics.html": "https://star.example.co.uk/education/robot",
}


@dataclass(frozen=True)
class Expected:
    landed: dict[str, str]  # source_uri relative to the inbox -> content_type
    rejected: dict[str, str]  # source_uri relative to the inbox -> a word of the reason
    skipped: int  # WARC records that hold no article


def write_warc(path: Path, pages: dict[str, bytes], extra_records: bool = True) -> None:
    """A gzipped (per record) WARC: a warcinfo, then per page a request and its 200 response."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newswarehouse tests"}))
        for url, body in pages.items():
            req = StatusAndHeaders("GET / HTTP/1.1", [("Host", url.split("/")[2])], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=iso-8859-1"
                                                   if b"iso-8859-1" in body else "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
        if extra_records:
            missing = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://star.example.co.uk/gone", "response",
                                                          payload=io.BytesIO(b"<html><body>Not found</body></html>"),
                                                          http_headers=missing))
            image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://star.example.co.uk/logo.png", "response",
                                                          payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)),
                                                          http_headers=image))


def _gzip(src: Path, dest: Path) -> None:
    dest.write_bytes(gzip.compress(src.read_bytes(), mtime=0))


def build_mixed_inbox(inbox: Path) -> Expected:
    inbox.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "pages" / "council_budget.html", inbox / "council_budget.html")
    shutil.copy(FIXTURES / "pages" / "harbour_ferry.html", inbox / "harbour_ferry.htm")
    shutil.copy(FIXTURES / "pages" / "mairie_fr.html", inbox / "mairie_fr.html")
    (inbox / "gz").mkdir()
    _gzip(FIXTURES / "pages" / "rathaus_de.html", inbox / "gz" / "rathaus_de.html.gz")
    _gzip(FIXTURES / "plain" / "library_hours.txt", inbox / "gz" / "library_hours.txt.gz")
    (inbox / "feeds").mkdir()
    shutil.copy(FIXTURES / "records" / "newsplease.jsonl", inbox / "feeds" / "newsplease.jsonl")
    _gzip(FIXTURES / "records" / "trafilatura.jsonl", inbox / "feeds" / "trafilatura.jsonl.gz")
    shutil.copy(FIXTURES / "records" / "feed.json", inbox / "feeds" / "feed.json")
    shutil.copy(FIXTURES / "broken" / "truncated.json", inbox / "feeds" / "truncated.json")
    shutil.copy(FIXTURES / "broken" / "empty_page.html", inbox / "empty_page.html")
    pages = {url: (FIXTURES / "warc_pages" / name).read_bytes() for name, url in WARC_URLS.items()}
    (inbox / "crawl").mkdir()
    write_warc(inbox / "crawl" / "news.warc.gz", pages)
    html, text, record = "text/html", "text/plain", "application/json"
    return Expected(
        landed={
            "council_budget.html": html,
            "harbour_ferry.htm": html,
            "mairie_fr.html": html,
            "gz/rathaus_de.html.gz": html,
            "gz/library_hours.txt.gz": text,
            "feeds/newsplease.jsonl#line=1": record,
            "feeds/newsplease.jsonl#line=4": record,
            "feeds/trafilatura.jsonl.gz": record,
            "feeds/feed.json#offset=": record,  # two records, offsets checked by prefix
            "feeds/truncated.json#offset=": record,
            "crawl/news.warc.gz#offset=": html,
        },
        rejected={
            "feeds/newsplease.jsonl#line=2": "broken JSON",
            "feeds/newsplease.jsonl#line=3": "no article text",
            "feeds/truncated.json#offset=": "broken JSON",
            "empty_page.html": "no visible text",
        },
        skipped=5,  # warcinfo, two requests, the 404, the image
    )
