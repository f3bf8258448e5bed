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
            offset = iterator.get_record_offset()
            if record.rec_type != "response":
                yield WarcSkip(offset, f"WARC {record.rec_type} record")
                continue
            http = record.http_headers
            if http is None:
                yield WarcSkip(offset, "WARC response without HTTP headers")
                continue
            status = http.get_statuscode() or ""
            if not status.startswith("2"):
                yield WarcSkip(offset, f"HTTP {status[:1] or '?'}xx response")
                continue
            content_type = http.get_header("Content-Type") or ""
            if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
                yield WarcSkip(offset, "not an HTML page")
                continue
            stream = record.content_stream()
            data = stream.read(max_record + 1)
            url = record.rec_headers.get_header("WARC-Target-URI")
            if len(data) > max_record:
                yield WarcPage(offset, url, None, None)
                continue  # warcio skips the rest of the record itself
            yield WarcPage(offset, url, data, content_type)
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
        yield WarcBroken(offset, f"WARC cannot be read past offset {offset}: {exc}")
