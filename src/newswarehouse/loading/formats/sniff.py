"""Which reader a file needs, from its name and its first bytes (the content wins)."""

from __future__ import annotations

import re
import zlib
from enum import Enum
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"


class Container(Enum):
    DOCUMENT = "document"  # one article: plain text or an HTML page (or one JSON object)
    JSON = "json"  # JSON lines, a JSON array, or a single (pretty-printed) object
    WARC = "warc"


# An object with a key, or an array of objects: prose that opens with "{" or "[" ("[Updated] ...") never does.
_JSON_START = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*(?:\{\s*"|\[\s*(?:\{|\]))')
_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".jsonlines")
_WARC_SUFFIXES = (".warc", ".arc")
_GZIP_SUFFIXES = (".gz", ".gzip")


def strip_gzip_suffix(name: str) -> str:
    lower = name.lower()
    for suffix in _GZIP_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def is_gzip(head: bytes) -> bool:
    return head.startswith(GZIP_MAGIC)


def container_of(name: str, head: bytes) -> Container:
    """``head``: the first bytes after any gzip layer; ``name`` without its .gz suffix."""
    if head.startswith(b"WARC/"):
        return Container.WARC
    lower = name.lower()
    if lower.endswith(_WARC_SUFFIXES):
        return Container.WARC
    if lower.endswith(_JSON_SUFFIXES) or _JSON_START.match(head):
        return Container.JSON
    return Container.DOCUMENT


def first_gzip_member_ends_early(fh: BinaryIO, limit: int = 64 * 2**20) -> bool:
    """True when the file's first gzip member ends before the file does (a record-per-member WARC).

    warcio reads such a file itself, and its offsets are those of the file as
    stored (what a CC index points at); a WARC gzipped whole is one member and
    must be read through a decompressing stream instead. Reads at most the first
    member (bounded by ``limit`` decompressed bytes), then rewinds.
    """
    start = fh.tell()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    produced = 0
    try:
        while not inflater.eof and produced <= limit:
            chunk = fh.read(1 << 16)
            if not chunk:
                return False
            produced += len(inflater.decompress(chunk, limit))
            while inflater.unconsumed_tail and not inflater.eof and produced <= limit:
                produced += len(inflater.decompress(inflater.unconsumed_tail, limit))
        return inflater.eof and bool(inflater.unused_data or fh.read(1))
    except zlib.error:
        return False
    finally:
        fh.seek(start)


def is_jsonl_name(name: str) -> bool:
    return name.lower().endswith((".jsonl", ".ndjson", ".jsonlines"))
