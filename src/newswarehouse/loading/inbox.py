"""Reading the inbox: every regular file, recursively, never modified.

Each file becomes either a ``LandedFile`` (text and its article_id) or a
``RejectedFile`` (a readable reason). Nothing is skipped without a record.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newswarehouse.faults import pause_point
from newswarehouse.loading.decoding import Undecodable, decode


@dataclass(frozen=True)
class LandedFile:
    source_uri: str
    article_id: str
    text: str
    byte_size: int
    encoding: str


@dataclass(frozen=True)
class RejectedFile:
    source_uri: str
    reason: str
    byte_size: int | None
    content_sha256: str | None


def article_id_of(text: str) -> str:
    """sha256 hex of the UTF-8 bytes after newline normalisation (the contract's id)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_uri_of(path: Path) -> str:
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


def _looks_like_markup(text: str) -> str | None:
    head = text.lstrip()[:512].lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text):
        return "an HTML page, not article text: convert it to text before it reaches the inbox"
    if head.startswith(("{", "[")) and text.rstrip().endswith(("}", "]")):
        return "JSON data, not article text: extract the article text before it reaches the inbox"
    return None


def scan_inbox(inbox: Path, max_file_bytes: int) -> Iterator[LandedFile | RejectedFile]:
    """Every entry below ``inbox`` in a stable (sorted) order, as landed or rejected."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox {inbox} does not exist or is not a directory")
    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames.sort()
        here = Path(dirpath)
        # A symlinked directory is listed in dirnames but never walked: record it.
        for name in sorted(dirnames):
            path = here / name
            if path.is_symlink():
                yield RejectedFile(source_uri_of(path), "symbolic link: not followed (it may point outside the inbox)", None, None)
        for name in sorted(filenames):
            yield read_one(here / name, max_file_bytes)
            pause_point("land")


def read_one(path: Path, max_file_bytes: int) -> LandedFile | RejectedFile:
    uri = source_uri_of(path)
    try:
        info = os.lstat(path)
    except OSError as exc:
        return RejectedFile(uri, f"cannot stat file: {exc.strerror or exc}", None, None)
    if stat.S_ISLNK(info.st_mode):
        return RejectedFile(uri, "symbolic link: not followed (it may point outside the inbox)", None, None)
    if not stat.S_ISREG(info.st_mode):
        return RejectedFile(uri, "not a regular file (device, socket or pipe)", None, None)
    size = info.st_size
    if size > max_file_bytes:
        return RejectedFile(
            uri, f"file is {size:,} bytes, over the {max_file_bytes:,}-byte limit (NEWSWH_MAX_FILE_BYTES)", size, None
        )
    try:
        # O_NOFOLLOW: the file may have been swapped for a link since lstat.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_file_bytes + 1)
    except OSError as exc:
        return RejectedFile(uri, f"cannot read file: {exc.strerror or exc}", size, None)
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > max_file_bytes:
        return RejectedFile(uri, f"file grew past the {max_file_bytes:,}-byte limit while being read", len(data), digest)
    if not data.strip():
        return RejectedFile(uri, "empty or whitespace-only file", size, digest)
    try:
        decoded = decode(data)
    except Undecodable as exc:
        return RejectedFile(uri, str(exc), size, digest)
    if not decoded.text.strip():
        return RejectedFile(uri, "empty or whitespace-only file", size, digest)
    markup = _looks_like_markup(decoded.text)
    if markup:
        return RejectedFile(uri, markup, size, digest)
    return LandedFile(uri, article_id_of(decoded.text), decoded.text, size, decoded.encoding)
