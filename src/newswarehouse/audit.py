"""Recording what a load did in audit.load_runs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from newswarehouse.warehouse_schema import ensure_schema


@dataclass
class LoadRecord:
    load_id: str
    started_at: datetime
    status: str  # published | rejected | failed
    finished_at: datetime | None = None
    files_seen: int = 0
    articles_landed: int = 0
    files_rejected: int = 0
    failed_checks: list[str] = field(default_factory=list)
    files_already_known: int = 0
    articles_enriched: int = 0
    articles_quarantined: int = 0
    message: str | None = None
    data_docs_path: str | None = None
    rejections: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # failed warn-level quality checks (kept in landing_report)
    # More of the landing summary for the report: WARC records skipped, articles by content type,
    # articles whose entity/statement NLP is skipped (another language) with the reason.
    landing_details: dict[str, object] = field(default_factory=dict)


def write_load_record(con: duckdb.DuckDBPyConnection, rec: LoadRecord) -> None:
    """Insert or replace the load's row (a retried publish writes it again)."""
    ensure_schema(con)
    con.execute("delete from audit.load_runs where load_id = ?", [rec.load_id])
    con.execute(
        """
        insert into audit.load_runs (
            load_id, started_at, finished_at, status, files_seen, articles_landed, files_rejected,
            failed_checks, files_already_known, articles_enriched, articles_quarantined, message,
            data_docs_path, landing_report
        ) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            rec.load_id, rec.started_at, rec.finished_at, rec.status, rec.files_seen, rec.articles_landed,
            rec.files_rejected, rec.failed_checks, rec.files_already_known, rec.articles_enriched,
            rec.articles_quarantined, rec.message, rec.data_docs_path,
            json.dumps({"rejections": rec.rejections, "warnings": rec.warnings, **rec.landing_details}),
        ],
    )
