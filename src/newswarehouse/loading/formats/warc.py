"""WARC archives (CC-NEWS): every HTTP response holding an HTML page is one article.

warcio reads record by record from the open file (gzip members included), so
memory stays flat however large the archive. Other records are skipped, and
counted by the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class WarcPage:
    offset: int
    url: str | None
    data: bytes | None  # None: over the size limit
    charset_header: str | None


@dataclass(frozen=True)
class WarcSkip:
    offset: int
    reason: str


@dataclass(frozen=True)
class WarcBroken:
    offset: int
    reason: str


def read_warc(fh: BinaryIO, max_record: int) -> Iterator[WarcPage | WarcSkip | WarcBroken]:
    iterator = ArchiveIterator(fh, no_record_parse=False, arc2warc=True)
    offset = 0
    try:
        for record in iterator:
            skip = _skip_reason(record)
            data = record.content_stream().read(max_record + 1) if skip is None else None
            # A cut-off archive ends in a short record: its declared length was never reached.
            truncated = data is not None and len(data) <= max_record and getattr(record.raw_stream, "limit", 0) > 0
            # Known only once the record has been read to its end (warcio then skips the rest itself).
            offset = iterator.get_record_offset()
            if skip is not None:
                yield WarcSkip(offset, skip)
                continue
            assert data is not None
            if truncated:
                yield WarcBroken(offset, "WARC record is cut off before its declared length (truncated archive)")
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            content_type = record.http_headers.get_header("Content-Type")
            yield WarcPage(offset, url, data if len(data) <= max_record else None, content_type)
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
        yield WarcBroken(offset, f"WARC cannot be read past offset {offset}: {exc}")


def _skip_reason(record: ArcWarcRecord) -> str | None:
    if record.rec_type != "response":
        return f"WARC {record.rec_type} record"
    http = record.http_headers
    if http is None:
        return "WARC response without HTTP headers"
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return f"HTTP {status[:1] or '?'}xx response"
    content_type = http.get_header("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return "not an HTML page"
    return None
