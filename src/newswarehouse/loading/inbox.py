"""Reading the inbox: every regular file, recursively, never modified.

A file holds one article (plain text, an HTML page) or many (JSON lines, a JSON
array, a WARC archive), any of them possibly gzip-compressed. Each article
becomes either a ``LandedFile`` (its content exactly as received, and its
article_id) or a ``RejectedFile`` (a readable reason); a WARC record that is not
a page is a ``SkippedRecord``, counted. Nothing is skipped without a record.
Multi-article files are streamed: memory stays flat however large they are.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newswarehouse.faults import pause_point
from newswarehouse.loading.decoding import Undecodable, decode
from newswarehouse.loading.formats.content import HTML, JSON, TEXT, describe
from newswarehouse.loading.formats.html import charset_of, decode_html
from newswarehouse.loading.formats.records import JsonProblem, read_json_records
from newswarehouse.loading.formats.sniff import (
    Container,
    container_of,
    first_gzip_member_ends_early,
    is_gzip,
    is_jsonl_name,
    strip_gzip_suffix,
)
from newswarehouse.loading.formats.warc import WarcBroken, WarcPage, WarcSkip, read_warc


@dataclass(frozen=True)
class LandedFile:
    source_uri: str
    article_id: str
    text: str
    byte_size: int
    encoding: str
    content_type: str = TEXT
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class SkippedRecord:
    """A record of a multi-article file that holds no article (a WARC request, an image)."""

    source_uri: str
    reason: str


@dataclass(frozen=True)
class RejectedFile:
    source_uri: str
    reason: str
    byte_size: int | None
    content_sha256: str | None
    # The system refused (gone, no permission, an I/O error), not the content: a later
    # read may succeed with the file unchanged, so landing does not record it as read.
    io_error: bool = False


def article_id_of(text: str) -> str:
    """sha256 hex of the UTF-8 bytes after newline normalisation (the contract's id)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_uris_of(paths: list[str]) -> list[str]:
    """``source_uri_of`` of each path; the list itself when every name is valid UTF-8 (one check, not one each)."""
    try:
        "\n".join(paths).encode("utf-8")
    except UnicodeEncodeError:
        return [source_uri_of(p) for p in paths]
    return paths


def source_uri_of(path: Path | str) -> str:
    """The path as storable text; the bytes of a name that is not valid UTF-8 become ``\\xNN`` escapes.

    Python hands such names over with lone surrogates, which no database column
    can store: left as they were, one oddly named file failed the whole load.
    """
    uri = str(path)
    try:
        uri.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(uri).decode("utf-8", "backslashreplace")
    return uri


def walk_inbox(inbox: Path) -> Iterator[list[tuple[str, os.stat_result | None]]]:
    """Every entry below ``inbox`` but directories, with its ``lstat`` (None if it vanished), a folder at a time.

    Order: per directory its other entries sorted by name, then its
    subdirectories, sorted, depth first (the order ``os.walk`` gave). Only real
    directories are entered: a symbolic link, to a directory or not, is listed as
    an entry, and reading it rejects it. One ``lstat`` per entry and no open: a
    landing that finds nothing new costs a directory listing, not a read of every
    file. A folder's entries come as one list: at a million files the per-entry
    Python overhead is most of a no-op landing.
    """
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist or is not a directory")
    stack = [str(inbox)]  # an explicit stack: a hostile inbox may nest deeper than Python's recursion limit
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # as os.walk: a directory that cannot be listed is passed over
        subdirs: list[str] = []
        listed: list[tuple[str, os.stat_result | None]] = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append(entry.path)
                else:
                    listed.append((entry.path, entry.stat(follow_symlinks=False)))
            except OSError:
                listed.append((entry.path, None))  # gone since the listing: reading it records why
        if listed:
            yield listed
        stack.extend(reversed(subdirs))


def scan_inbox(inbox: Path, max_file_bytes: int) -> Iterator[LandedFile | RejectedFile | SkippedRecord]:
    """Every entry below ``inbox`` in a stable (sorted) order, as landed or rejected (reads every file)."""
    for folder in walk_inbox(inbox):
        for path, _info in folder:
            for item in read_items(Path(path), max_file_bytes):
                yield item
                pause_point("land")


def read_one(path: Path, max_file_bytes: int) -> LandedFile | RejectedFile:
    """The first article of ``path`` (the only one for a single-article file)."""
    for item in read_items(path, max_file_bytes):
        if not isinstance(item, SkippedRecord):
            return item
    return RejectedFile(source_uri_of(path), "no article in this file (every record was skipped)", None, None)


def read_items(path: Path, max_file_bytes: int) -> Iterator[LandedFile | RejectedFile | SkippedRecord]:
    """Every article of one file, in file order; ``max_file_bytes`` bounds each article, not an archive."""
    uri = source_uri_of(path)
    try:
        info = os.lstat(path)
    except OSError as exc:
        yield RejectedFile(uri, f"cannot stat file: {exc.strerror or exc}", None, None, io_error=True)
        return
    if stat.S_ISLNK(info.st_mode):
        yield RejectedFile(uri, "symbolic link: not followed (it may point outside the inbox)", None, None)
        return
    if not stat.S_ISREG(info.st_mode):
        yield RejectedFile(uri, "not a regular file (device, socket or pipe)", None, None)
        return
    size = info.st_size
    try:
        # O_NOFOLLOW: the file may have been swapped for a link since lstat.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        yield RejectedFile(uri, f"cannot read file: {exc.strerror or exc}", size, None, io_error=True)
        return
    with os.fdopen(fd, "rb") as fh:
        yielded = 0
        try:
            for item in _read_open(fh, path.name, uri, size, max_file_bytes):
                yielded += 1
                yield item
            if not yielded:
                # An empty JSON file or array, a WARC with no record: on record, not silently gone.
                yield RejectedFile(uri, "no article in this file (empty, or no records)", size, None)
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            # A broken gzip stream is the content's fault; any other OSError the system's.
            yield RejectedFile(uri, f"cannot read file: {getattr(exc, 'strerror', None) or exc}", size, None,
                               io_error=isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile))
        except Exception as exc:  # noqa: BLE001 - one unreadable file is recorded, never the end of the load
            yield RejectedFile(uri, f"cannot read file past this point: {type(exc).__name__}: {exc}", size, None)


def _read_open(fh: BinaryIO, name: str, uri: str, size: int, max_bytes: int) -> Iterator[LandedFile | RejectedFile | SkippedRecord]:
    head = fh.read(512)
    fh.seek(0)
    stream: BinaryIO = fh
    compressed = is_gzip(head)
    if compressed:
        name = strip_gzip_suffix(name)
        stream = gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[assignment]
        head = stream.peek(512)[:512]  # type: ignore[attr-defined]
    container = container_of(name, head)
    if container is Container.WARC:
        fh.seek(0)
        # A record per gzip member (CC-NEWS): warcio reads the file itself, offsets as stored;
        # a WARC gzipped whole: read decompressed, offsets into the decompressed archive.
        whole = compressed and not first_gzip_member_ends_early(fh)
        yield from _warc_items(gzip.GzipFile(fileobj=fh, mode="rb") if whole else fh, uri, max_bytes)  # type: ignore[arg-type]
        return
    if container is Container.JSON:
        buffered = stream if compressed else fh
        for fragment, item in read_json_records(buffered, max_bytes, is_jsonl_name(name)):  # type: ignore[arg-type]
            item_uri = f"{uri}#{fragment}" if fragment else uri
            if isinstance(item, JsonProblem):
                digest = hashlib.sha256(item.data).hexdigest() if item.data is not None else None
                yield RejectedFile(item_uri, item.reason, len(item.data) if item.data else None, digest)
            else:
                yield _landed(item_uri, item, len(item.encode("utf-8")), "utf-8", expect=JSON)
        return
    if not compressed and size > max_bytes:
        yield RejectedFile(
            uri, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (NEWSWH_MAX_FILE_BYTES)", size, None
        )
        return
    data = stream.read(max_bytes + 1)
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > max_bytes:
        what = "decompressed content is" if compressed else "file grew"
        yield RejectedFile(uri, f"{what} past the {max_bytes:,}-byte limit (NEWSWH_MAX_FILE_BYTES)", size, digest)
        return
    yield _document(uri, data, size, digest)


def _document(uri: str, data: bytes, size: int, digest: str, charset: str | None = None,
              url: str | None = None) -> LandedFile | RejectedFile:
    if not data.strip():
        return RejectedFile(uri, "empty or whitespace-only file", size, digest)
    try:
        decoded = decode_html(data, charset) if b"<" in data[:4096] else decode(data)
    except Undecodable as exc:
        return RejectedFile(uri, str(exc), size, digest)
    if not decoded.text.strip():
        return RejectedFile(uri, "empty or whitespace-only file", size, digest)
    landed = _landed(uri, decoded.text, size, decoded.encoding, url=url)
    if isinstance(landed, RejectedFile):
        return RejectedFile(landed.source_uri, landed.reason, size, digest)
    return landed


def _landed(uri: str, text: str, size: int, encoding: str, url: str | None = None,
            expect: str | None = None) -> LandedFile | RejectedFile:
    """The article with its type, URL and language, or why it holds no article."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        described = describe(text)
    except Undecodable as exc:
        return RejectedFile(uri, str(exc), size, digest)
    except Exception as exc:  # noqa: BLE001 - one odd page or record is rejected with the reason, the rest lands
        return RejectedFile(uri, f"cannot be read: {type(exc).__name__}: {exc}", size, digest)
    if expect == JSON and described.content_type != JSON:
        return RejectedFile(uri, "JSON record is not an object", size, digest)
    if not described.text.strip():
        what = {JSON: "JSON record has no article text (no text field of json_fields.toml)",
                HTML: "HTML page has no visible text"}.get(described.content_type, "empty or whitespace-only file")
        return RejectedFile(uri, what, size, digest)
    return LandedFile(uri, article_id_of(text), text, size, encoding, described.content_type,
                      url or described.url, described.language)


def _warc_items(fh: BinaryIO, uri: str, max_bytes: int) -> Iterator[LandedFile | RejectedFile | SkippedRecord]:
    for item in read_warc(fh, max_bytes):
        item_uri = f"{uri}#offset={item.offset}"
        if isinstance(item, WarcSkip):
            yield SkippedRecord(item_uri, item.reason)
        elif isinstance(item, WarcBroken):
            yield RejectedFile(item_uri, item.reason, None, None)
        elif item.data is None:
            yield RejectedFile(item_uri, f"page is over the {max_bytes:,}-byte limit (NEWSWH_MAX_FILE_BYTES)", None, None)
        else:
            assert isinstance(item, WarcPage)
            yield _document(item_uri, item.data, len(item.data), hashlib.sha256(item.data).hexdigest(),
                            charset_of(item.charset_header), item.url)
