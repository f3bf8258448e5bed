"""Land the inbox into raw.* of the build database and queue the new articles.

Only new and changed files are read: the inbox is listed with lstat and
anti-joined in DuckDB with the manifest of files read before (raw.inbox_files,
see manifest.py); an unchanged file counts in the summary as reading it would.

Idempotent: an article already in raw.articles (by content hash) is counted as
known, a rejection already on record for the same file and content is not
recorded twice, and re-running the task for the same load changes nothing.

Memory-flat: rows are committed chunk by chunk, so a multi-gigabyte WARC never
sits in DuckDB's transaction memory. Landing works in the load's private build
database, so a crash leaves no partial state anywhere readers look; a retried
landing of the same load counts the rows it had committed as landed again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from newswarehouse.faults import pause_point
from newswarehouse.loading import manifest
from newswarehouse.loading.inbox import (
    LandedFile,
    RejectedFile,
    SkippedRecord,
    read_items,
)
from newswarehouse.loading.language import ENGLISH


@dataclass
class LandingSummary:
    files_seen: int = 0
    articles_landed: int = 0
    files_already_known: int = 0
    files_rejected: int = 0
    # Files opened by this landing, and files listed but not read (unchanged since an earlier load: raw.inbox_files).
    files_read: int = 0
    files_unchanged: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)  # (source_uri, reason)
    # Records of multi-article files that hold no article (WARC requests, images), by reason.
    records_skipped: dict[str, int] = field(default_factory=dict)
    content_types: dict[str, int] = field(default_factory=dict)  # landed articles by type
    # Landed articles whose entities and statements are not extracted: (source_uri, reason).
    nlp_skipped: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "files_seen": self.files_seen,
            "articles_landed": self.articles_landed,
            "files_already_known": self.files_already_known,
            "files_rejected": self.files_rejected,
            "files_read": self.files_read,
            "files_unchanged": self.files_unchanged,
            "rejections": [list(r) for r in self.rejections],
            "records_skipped": dict(sorted(self.records_skipped.items())),
            "content_types": dict(sorted(self.content_types.items())),
            "nlp_skipped": [list(r) for r in self.nlp_skipped],
        }


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# Landed rows are written in chunks of this many: memory stays flat however
# large the inbox, and one Arrow insert per chunk is far cheaper than a
# parameterised INSERT per row.
LANDING_CHUNK_ROWS = 500
# ... or of this many bytes of content, whichever comes first (HTML pages are large).
LANDING_CHUNK_BYTES = 32 * 2**20
# DuckDB's memory limit while landing: written blocks are evicted instead of
# cached up to its default (80% of RAM), so a large WARC lands in flat memory.
LANDING_MEMORY_LIMIT = "256MB"

_ARTICLE_COLUMNS = (
    "article_id", "source_uri", "raw_text", "byte_size", "load_id", "landed_at", "source_encoding",
    "content_type", "url", "language",
)


_REJECTION_COLUMNS = ("source_uri", "reason", "load_id", "rejected_at", "byte_size", "content_sha256")
_REJECTION_SCHEMA = pa.schema([
    ("source_uri", pa.string()), ("reason", pa.string()), ("load_id", pa.string()), ("rejected_at", pa.timestamp("us")),
    ("byte_size", pa.int64()), ("content_sha256", pa.string()),
])


def _insert_articles(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    chunk = pa.Table.from_pylist([dict(zip(_ARTICLE_COLUMNS, r)) for r in rows])
    con.register("_landing_chunk", chunk)
    try:
        con.execute("insert into raw.articles by name select * from _landing_chunk")
    finally:
        con.unregister("_landing_chunk")


def _lookup_landed_by(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, str]:
    """article_id -> the load that landed it, for these ids only (the table may hold millions)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return dict(con.execute(f"select article_id, load_id from raw.articles where article_id in ({marks})", ids).fetchall())


class _Chunk:
    """What one transaction commits: landed articles, rejections, and the manifest rows of the files they came from."""

    def __init__(self) -> None:
        self.items: list[LandedFile] = []
        self.bytes = 0
        self.rejected_rows: list[tuple] = []
        self.manifest_rows: list[dict] = []

    def full(self) -> bool:
        return (len(self.items) >= LANDING_CHUNK_ROWS or self.bytes >= LANDING_CHUNK_BYTES
                or len(self.manifest_rows) + len(self.rejected_rows) >= LANDING_CHUNK_ROWS)


def land_inbox(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    load_id: str,
    max_file_bytes: int,
    progress: Callable[[str], None] = lambda _msg: None,
    rescan: bool = False,
) -> LandingSummary:
    """Land the new and changed files of ``inbox``; ``rescan`` re-reads every file (ignores the manifest)."""
    summary = LandingSummary()
    now = utcnow()  # before the listing: the manifest's racy window is measured from here
    (memory_limit,) = con.execute("select current_setting('memory_limit')").fetchone()
    con.execute(f"set memory_limit = '{LANDING_MEMORY_LIMIT}'")
    try:
        started = time.monotonic()
        listed = manifest.stage_listing(con, inbox)
        listed_s = time.monotonic() - started
        unchanged = manifest.split_listing(con, load_id, rescan)
        progress(f"  {listed:,} files listed in {listed_s:.1f} s, {unchanged.files:,} unchanged since an earlier "
                 f"load (not read; compared in {time.monotonic() - started - listed_s:.1f} s)")
        rejections = _read_changed(con, load_id, max_file_bytes, progress, summary, now)
    finally:
        manifest.drop_listing(con)
        con.execute(f"set memory_limit = '{memory_limit}'")
    # The unchanged files count as re-reading them would: articles known, rejections and skips as recorded.
    summary.files_unchanged = unchanged.files
    summary.files_seen += unchanged.articles + len(unchanged.rejections)
    summary.files_already_known += unchanged.articles
    summary.files_rejected += len(unchanged.rejections)
    summary.rejections = [(uri, reason) for _seq, uri, reason in sorted(rejections + unchanged.rejections,
                                                                          key=lambda r: r[0])]
    for reason, n in unchanged.records_skipped.items():
        summary.records_skipped[reason] = summary.records_skipped.get(reason, 0) + n
    return summary


def _read_changed(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    max_file_bytes: int,
    progress: Callable[[str], None],
    summary: LandingSummary,
    now: datetime,
) -> list[tuple[int, str, str]]:
    """Read the files of ``manifest.files_to_read`` into raw.*; returns their rejections as (seq, uri, reason)."""
    landed_now: set[str] = set()  # landed by this landing: a second copy in the inbox is already known
    rejections: list[tuple[int, str, str]] = []
    chunk = _Chunk()

    def flush() -> None:
        nonlocal chunk
        # this load's own rows (committed before a crash and a retry of this task) count as landed, not as known
        landed_by = _lookup_landed_by(con, sorted({i.article_id for i in chunk.items} - landed_now))
        rows: list[tuple] = []
        for item in chunk.items:
            by = landed_by.get(item.article_id)
            if item.article_id in landed_now or (by is not None and by != load_id):
                summary.files_already_known += 1
                continue
            landed_now.add(item.article_id)
            if by is None:
                rows.append((item.article_id, item.source_uri, item.text, item.byte_size, load_id, now, item.encoding,
                             item.content_type, item.url, item.language))
            summary.articles_landed += 1
            summary.content_types[item.content_type] = summary.content_types.get(item.content_type, 0) + 1
            if item.language not in (None, ENGLISH):
                summary.nlp_skipped.append(
                    (item.source_uri, (f"language '{item.language}': entities and statements are extracted from "
                                      "English only (body and sentences are staged)"))
                )
        # One transaction: a file's manifest row never outlives a crash that lost its articles.
        con.execute("begin transaction")
        try:
            if rows:
                _insert_articles(con, rows)
            if chunk.rejected_rows:
                _insert_rejections(con, chunk.rejected_rows)
            manifest.record(con, chunk.manifest_rows)
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        chunk = _Chunk()

    for entry in manifest.files_to_read(con):
        content_sha256 = manifest.file_sha256(entry.path)
        articles = 0
        file_rejections: list[tuple[str, str]] = []
        file_skipped: dict[str, int] = {}
        io_error = False
        for item in read_items(Path(entry.path), max_file_bytes):
            pause_point("land")
            if isinstance(item, SkippedRecord):
                summary.records_skipped[item.reason] = summary.records_skipped.get(item.reason, 0) + 1
                file_skipped[item.reason] = file_skipped.get(item.reason, 0) + 1
                continue
            summary.files_seen += 1
            if summary.files_seen % 500 == 0:
                progress(f"  read {summary.files_seen:,} files")
            if isinstance(item, RejectedFile):
                summary.files_rejected += 1
                rejections.append((entry.seq, item.source_uri, item.reason))
                file_rejections.append((item.source_uri, item.reason))
                io_error = io_error or item.io_error
                chunk.rejected_rows.append(
                    (item.source_uri, item.reason, load_id, now, item.byte_size, item.content_sha256)
                )
            else:
                assert isinstance(item, LandedFile)
                articles += 1
                chunk.items.append(item)
                chunk.bytes += len(item.text)
            if chunk.full():
                flush()
        summary.files_read += 1
        # Not recorded, so read again next time: a file the system would not let us read (permissions
        # fixed by chmod leave its mtime as it was), or one that changed or vanished since the listing.
        if not io_error and manifest.still_as_listed(entry):
            # After the file's last article: its row commits with them (a multi-record file may span chunks).
            chunk.manifest_rows.append(manifest.manifest_row(
                entry, content_sha256, articles, file_rejections, file_skipped, load_id, now))
            if chunk.full():
                flush()
    flush()
    return rejections


def _insert_rejections(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Record rejections not already on record for the same input and content (a re-read file is not re-recorded)."""
    firsts: dict[tuple, tuple] = {}
    for r in rows:  # the same input and content twice in one chunk: recorded once
        firsts.setdefault((r[0], r[5]), r)
    chunk = pa.Table.from_pylist([dict(zip(_REJECTION_COLUMNS, r)) for r in firsts.values()], schema=_REJECTION_SCHEMA)
    con.register("_rejection_chunk", chunk)
    try:
        con.execute(
            "insert into raw.rejected_files by name select * from _rejection_chunk as c where not exists "
            "(select 1 from raw.rejected_files as r where r.source_uri = c.source_uri "
            "and r.content_sha256 is not distinct from c.content_sha256)"
        )
    finally:
        con.unregister("_rejection_chunk")


def queue_pending(con: duckdb.DuckDBPyConnection, pending_dir: Path, batch_size: int) -> list[str]:
    """Write every raw article not yet enriched (nor quarantined) as parquet batches.

    This includes articles of earlier *rejected* loads: they stayed in raw, and
    a fixed pipeline picks them up here. Returns the batch file paths.
    """
    pending_dir.mkdir(parents=True, exist_ok=True)
    # Ids first, texts by rowid after: an anti-join that carries raw_text reads every
    # article's text to find the few new ones (at 1M articles: 9.3 s against 0.2 s).
    # (A temp table: it goes with the connection; dropping it under the open reader fails.)
    con.execute(
        """
        create or replace temp table _pending as
        select a.rowid as pending_rowid
        from raw.articles as a
        where not exists (select 1 from enriched.documents as d where d.article_id = a.article_id)
          and not exists (select 1 from audit.quarantined_articles as q where q.article_id = a.article_id)
        """
    )
    if not con.execute("select count(*) from _pending").fetchall()[0][0]:
        return []
    reader = con.sql(
        """
        select a.article_id, a.raw_text
        from raw.articles as a
        where a.rowid in (select pending_rowid from _pending)
        order by a.landed_at, a.article_id
        """
    ).to_arrow_reader(batch_size)
    paths: list[str] = []
    for batch in reader:
        if batch.num_rows == 0:
            continue
        path = pending_dir / f"batch_{len(paths):05d}.parquet"
        pq.write_table(pa.Table.from_batches([batch]), path)
        paths.append(str(path))
    return paths
