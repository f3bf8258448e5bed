"""Land the inbox into raw.* of the build database and queue the new articles.

Idempotent: an article already in raw.articles (by content hash) is counted as
known, a rejection already on record for the same file and content is not
recorded twice, and re-running the task for the same load changes nothing.

Memory-flat: rows are committed chunk by chunk, so a multi-gigabyte WARC never
sits in DuckDB's transaction memory. Landing works in the load's private build
database, so a crash leaves no partial state anywhere readers look; a retried
landing of the same load counts the rows it had committed as landed again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from newswarehouse.loading.inbox import (
    LandedFile,
    RejectedFile,
    SkippedRecord,
    scan_inbox,
)
from newswarehouse.loading.language import ENGLISH


@dataclass
class LandingSummary:
    files_seen: int = 0
    articles_landed: int = 0
    files_already_known: int = 0
    files_rejected: int = 0
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


def _insert_articles(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    chunk = pa.Table.from_pylist([dict(zip(_ARTICLE_COLUMNS, r)) for r in rows])
    con.register("_landing_chunk", chunk)
    try:
        con.execute("insert into raw.articles by name select * from _landing_chunk")
    finally:
        con.unregister("_landing_chunk")


def land_inbox(
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    load_id: str,
    max_file_bytes: int,
    progress: Callable[[str], None] = lambda _msg: None,
) -> LandingSummary:
    summary = LandingSummary()
    # article_id -> the load that landed it: this load's own rows (committed before
    # a crash and a retry of this task) count as landed, not as known.
    known = dict(con.execute("select article_id, load_id from raw.articles").fetchall())
    landed_now: set[str] = set()
    recorded_rejections = {
        (uri, sha) for uri, sha in con.execute("select source_uri, content_sha256 from raw.rejected_files").fetchall()
    }
    landed_rows: list[tuple] = []
    landed_bytes = 0
    rejected_rows: list[tuple] = []
    now = utcnow()
    (memory_limit,) = con.execute("select current_setting('memory_limit')").fetchone()
    con.execute(f"set memory_limit = '{LANDING_MEMORY_LIMIT}'")

    def flush() -> None:
        nonlocal landed_bytes
        con.execute("begin transaction")
        try:
            if landed_rows:
                _insert_articles(con, landed_rows)
            if rejected_rows:
                con.executemany("insert into raw.rejected_files values (?, ?, ?, ?, ?, ?)", rejected_rows)
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        landed_rows.clear()
        rejected_rows.clear()
        landed_bytes = 0

    try:
        for item in scan_inbox(inbox, max_file_bytes):
            if isinstance(item, SkippedRecord):
                summary.records_skipped[item.reason] = summary.records_skipped.get(item.reason, 0) + 1
                continue
            summary.files_seen += 1
            if summary.files_seen % 500 == 0:
                progress(f"  read {summary.files_seen:,} files")
            if isinstance(item, RejectedFile):
                summary.files_rejected += 1
                summary.rejections.append((item.source_uri, item.reason))
                if (item.source_uri, item.content_sha256) not in recorded_rejections:
                    recorded_rejections.add((item.source_uri, item.content_sha256))
                    rejected_rows.append(
                        (item.source_uri, item.reason, load_id, now, item.byte_size, item.content_sha256)
                    )
                continue
            assert isinstance(item, LandedFile)
            landed_by = known.get(item.article_id)
            if item.article_id in landed_now or (landed_by is not None and landed_by != load_id):
                summary.files_already_known += 1
                continue
            landed_now.add(item.article_id)
            if landed_by is None:
                landed_rows.append(
                    (item.article_id, item.source_uri, item.text, item.byte_size, load_id, now, item.encoding,
                     item.content_type, item.url, item.language)
                )
                landed_bytes += len(item.text)
            summary.articles_landed += 1
            summary.content_types[item.content_type] = summary.content_types.get(item.content_type, 0) + 1
            if item.language not in (None, ENGLISH):
                summary.nlp_skipped.append(
                    (item.source_uri, (f"language '{item.language}': entities and statements are extracted from "
                                      "English only (body and sentences are staged)"))
                )
            if len(landed_rows) >= LANDING_CHUNK_ROWS or landed_bytes >= LANDING_CHUNK_BYTES:
                flush()
        flush()
    finally:
        con.execute(f"set memory_limit = '{memory_limit}'")
    return summary


def queue_pending(con: duckdb.DuckDBPyConnection, pending_dir: Path, batch_size: int) -> list[str]:
    """Write every raw article not yet enriched (nor quarantined) as parquet batches.

    This includes articles of earlier *rejected* loads: they stayed in raw, and
    a fixed pipeline picks them up here. Returns the batch file paths.
    """
    pending_dir.mkdir(parents=True, exist_ok=True)
    reader = con.sql(
        """
        select a.article_id, a.raw_text
        from raw.articles as a
        where not exists (select 1 from enriched.documents as d where d.article_id = a.article_id)
          and not exists (select 1 from audit.quarantined_articles as q where q.article_id = a.article_id)
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
