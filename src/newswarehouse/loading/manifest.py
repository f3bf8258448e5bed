"""The landing manifest (``raw.inbox_files``): which inbox files a load has read, and what reading gave.

A load lists the inbox with ``lstat`` only, puts the listing in DuckDB and
anti-joins it with the manifest: only new or changed files are read. An
unchanged file counts in the load report exactly as re-reading it would (its
articles as already known, its rejections and skipped records as recorded),
so the report's figures do not depend on what the manifest saved.

"Unchanged" = same path, byte size, mtime (ns) and inode as when it was read,
by an earlier load, and not modified within ``RACY_SECONDS`` of that read:
- inode: a file replaced by another (written beside it and renamed over it, as
  rsync and most writers do) is a new inode even when size and mtime match.
- ctime is stored nowhere on purpose: it changes on chmod, chown, a new hard
  link, a copy or restore of the inbox (every file, at once), and each would
  re-read the whole inbox for content that did not change. What it alone would
  catch, a rewrite in place to the same size with the mtime set back by hand,
  is what ``NEWSWH_RESCAN_INBOX`` / ``newswarehouse run --rescan-inbox`` is for.
- the racy window (as git's index): a file modified within a timestamp tick of
  being read may change again without its mtime moving; it is re-read next time.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from newswarehouse.loading.inbox import source_uris_of, walk_inbox

TABLE = "raw.inbox_files"
# Coarser than every filesystem's mtime granularity (FAT: 2 s; ext4/xfs: a kernel tick).
RACY_SECONDS = 2
# Listing rows per Arrow batch handed to DuckDB: the walk holds at most this many in Python.
LISTING_BATCH_ROWS = 100_000

_REJECTION = pa.struct([("source_uri", pa.string()), ("reason", pa.string())])
_SKIPPED = pa.struct([("reason", pa.string()), ("records", pa.int32())])
MANIFEST_SCHEMA = pa.schema([
    ("source_uri", pa.string()), ("byte_size", pa.int64()), ("mtime_ns", pa.int64()), ("inode", pa.uint64()),
    ("content_sha256", pa.string()), ("articles", pa.int32()), ("rejections", pa.list_(_REJECTION)),
    ("records_skipped", pa.list_(_SKIPPED)), ("load_id", pa.string()), ("read_at", pa.timestamp("us")),
])
_LISTING_SCHEMA = pa.schema([
    ("seq", pa.int64()), ("source_uri", pa.string()), ("fs_path", pa.binary()),
    ("byte_size", pa.int64()), ("mtime_ns", pa.int64()), ("inode", pa.uint64()),
])


@dataclass(frozen=True)
class ToRead:
    """A listed file that is new, changed, or not to be trusted: it is read, then recorded as listed here."""

    seq: int  # position in the walk: files are read, and rejections reported, in walk order
    source_uri: str
    path: str
    byte_size: int | None
    mtime_ns: int | None
    inode: int | None


@dataclass
class Unchanged:
    """What the files not re-read add to the load report (as recorded when they were read)."""

    files: int = 0
    articles: int = 0
    rejections: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, source_uri, reason)
    records_skipped: dict[str, int] = field(default_factory=dict)


def _listing_batches(inbox: os.PathLike[str]) -> Iterator[pa.RecordBatch]:
    cols: dict[str, list[Any]] = {name: [] for name in _LISTING_SCHEMA.names}
    seq = 0
    for folder in walk_inbox(inbox):  # type: ignore[arg-type]
        paths = [path for path, _info in folder]
        infos = [info for _path, info in folder]
        uris = source_uris_of(paths)
        cols["seq"].extend(range(seq, seq + len(paths)))
        seq += len(paths)
        cols["source_uri"].extend(uris)
        # Only a name that is not valid UTF-8 differs from its source_uri: keep its bytes to open it.
        cols["fs_path"].extend([None] * len(paths) if uris is paths else
                               [None if u == p else os.fsencode(p) for u, p in zip(uris, paths)])
        cols["byte_size"].extend([i.st_size if i is not None else None for i in infos])
        cols["mtime_ns"].extend([i.st_mtime_ns if i is not None else None for i in infos])
        cols["inode"].extend([i.st_ino if i is not None else None for i in infos])
        if len(cols["seq"]) >= LISTING_BATCH_ROWS:
            yield pa.RecordBatch.from_pydict(cols, schema=_LISTING_SCHEMA)
            cols = {name: [] for name in _LISTING_SCHEMA.names}
    yield pa.RecordBatch.from_pydict(cols, schema=_LISTING_SCHEMA)


def stage_listing(con: duckdb.DuckDBPyConnection, inbox: os.PathLike[str]) -> int:
    """List the inbox into the temp table ``_inbox_listing``; returns the number of entries."""
    con.execute(
        "create or replace temp table _inbox_listing (seq bigint, source_uri varchar, fs_path blob, "
        "byte_size bigint, mtime_ns bigint, inode ubigint)"
    )
    for batch in _listing_batches(inbox):
        con.register("_listing_batch", batch)
        try:
            con.execute("insert into _inbox_listing select * from _listing_batch")
        finally:
            con.unregister("_listing_batch")
    (n,) = con.execute("select count(*) from _inbox_listing").fetchone()
    return int(n)


def split_listing(con: duckdb.DuckDBPyConnection, load_id: str, rescan: bool) -> Unchanged:
    """Mark the unchanged entries of ``_inbox_listing`` (temp table ``_inbox_unchanged``); their figures.

    A file this load itself recorded is read again: that is a retry of this
    load's landing after a crash, and its articles count as landed, not known.
    """
    con.execute(
        f"""
        create or replace temp table _inbox_unchanged as
        select l.seq, m.source_uri, m.articles, m.rejections, m.records_skipped
        from _inbox_listing as l
        inner join {TABLE} as m on m.source_uri = l.source_uri
        where not ?
          and m.byte_size = l.byte_size and m.mtime_ns = l.mtime_ns and m.inode = l.inode
          and m.load_id <> ?
          and m.mtime_ns < epoch_us(m.read_at) * 1000 - {RACY_SECONDS} * 1000000000
        """,
        [rescan, load_id],
    )
    out = Unchanged()
    files, articles = con.execute("select count(*), coalesce(sum(articles), 0) from _inbox_unchanged").fetchone()
    out.files, out.articles = int(files), int(articles)
    out.rejections = [
        (seq, uri, reason) for seq, uri, reason in con.execute(
            "select seq, r.source_uri, r.reason from "
            "(select seq, unnest(rejections) as r from _inbox_unchanged where rejections is not null) order by seq"
        ).fetchall()
    ]
    out.records_skipped = dict(con.execute(
        "select s.reason, sum(s.records)::bigint from "
        "(select unnest(records_skipped) as s from _inbox_unchanged where records_skipped is not null) group by 1"
    ).fetchall())
    return out


def files_to_read(con: duckdb.DuckDBPyConnection, slice_rows: int = 10_000) -> Iterator[ToRead]:
    """The listed entries not unchanged, in walk order (fetched once, handed out a slice at a time)."""
    table = con.sql(
        "select seq, source_uri, fs_path, byte_size, mtime_ns, inode from _inbox_listing as l "
        "where not exists (select 1 from _inbox_unchanged as u where u.seq = l.seq) order by seq"
    ).to_arrow_table()
    for offset in range(0, table.num_rows, slice_rows):
        for row in table.slice(offset, slice_rows).to_pylist():
            raw = row.pop("fs_path")
            yield ToRead(path=os.fsdecode(raw) if raw is not None else row["source_uri"], **row)


def drop_listing(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("drop table if exists _inbox_unchanged")
    con.execute("drop table if exists _inbox_listing")


def still_as_listed(entry: ToRead) -> bool:
    """The file's lstat now is the one listed: what was read is what the manifest row will describe.

    A file that changed or vanished meanwhile gets no row, and the next load reads it again.
    """
    try:
        info = os.lstat(entry.path)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns, info.st_ino) == (entry.byte_size, entry.mtime_ns, entry.inode)


def file_sha256(path: str) -> str | None:
    """sha256 of a regular file's bytes as stored; None for anything else (never blocks on a pipe)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError:
            return None


def manifest_row(
    entry: ToRead, content_sha256: str | None, articles: int, rejections: list[tuple[str, str]],
    records_skipped: dict[str, int], load_id: str, read_at: datetime,
) -> dict[str, Any]:
    return {
        "source_uri": entry.source_uri, "byte_size": entry.byte_size, "mtime_ns": entry.mtime_ns,
        "inode": entry.inode, "content_sha256": content_sha256, "articles": articles,
        "rejections": [{"source_uri": u, "reason": r} for u, r in rejections] or None,
        "records_skipped": [{"reason": k, "records": n} for k, n in sorted(records_skipped.items())] or None,
        "load_id": load_id, "read_at": read_at,
    }


def record(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """Insert or replace these files' rows (inside the caller's chunk transaction)."""
    if not rows:
        return
    con.register("_manifest_chunk", pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA))
    try:
        con.execute(f"insert or replace into {TABLE} by name select * from _manifest_chunk")
    finally:
        con.unregister("_manifest_chunk")
