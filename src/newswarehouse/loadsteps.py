"""The steps of one load, as plain functions: the DAG's tasks call these.

Every step is idempotent for a given load id: it can be retried, or the whole
load re-run, without doubling or losing anything. Arguments and return values
are JSON-friendly so they travel through Airflow XCom between workers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from newswarehouse.audit import LoadRecord, write_load_record
from newswarehouse.loading.land import land_inbox, queue_pending, utcnow
from newswarehouse.settings import Settings, load_settings
from newswarehouse.warehouse_schema import ensure_schema
from newswarehouse.workspace import Workspace, safe_load_id


class LoadRejected(RuntimeError):
    """The load failed its quality gates; the published warehouse is unchanged."""


def _say(msg: str) -> None:
    print(msg, flush=True)


def _took(started: float) -> str:
    """The ``in N s`` suffix of a step's last line (bench/throughput.py reads it)."""
    return f" in {time.monotonic() - started:.1f} s"


def _release_enrichment_workers() -> None:
    """After the map: free the in-process run's enrichment workers (~0.5 GB each) before DuckDB and dbt."""
    import sys

    batches = sys.modules.get("newswarehouse.enrichment.batches")
    if batches is not None:
        batches.shutdown_pools()


def _workspace(settings: Settings, load_id: str) -> Workspace:
    return Workspace(settings.warehouse, load_id)


def begin(run_id: str, settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or load_settings()
    started = time.monotonic()
    load_id = safe_load_id(run_id)
    ws = _workspace(settings, load_id)
    ws.begin()
    how = {"clone": " (cloned)", "copy": " (copied)"}.get(ws.copied_by() or "", "")
    source = settings.warehouse.name + how if settings.warehouse.exists() else "an empty warehouse"
    _say(f"[begin] load {load_id}: building from {source}{_took(started)}")
    return {"load_id": load_id, "started_at": utcnow().isoformat()}


def land(
    load_id: str,
    settings: Settings | None = None,
    progress: Callable[[str], None] = _say,
    reprocess_quarantined: bool | str = False,
    rescan_inbox: bool = False,
) -> dict[str, Any]:
    """Land the inbox and queue what to enrich; ``reprocess_quarantined`` (True, or a load id) re-queues
    the articles quarantined (by that load), for a re-check after a fix; ``rescan_inbox`` (or the setting)
    re-reads every inbox file, not only the new and changed ones."""
    settings = settings or load_settings()
    started = time.monotonic()
    ws = _workspace(settings, load_id)
    progress(f"[land] reading {settings.inbox}")
    with ws.connect() as con:
        if reprocess_quarantined:
            from newswarehouse.quality.gates import release_quarantined

            only = reprocess_quarantined if isinstance(reprocess_quarantined, str) else None
            released = release_quarantined(con, only)
            progress(f"[land] {released} quarantined article(s) released for a re-check")
        summary = land_inbox(con, settings.inbox, load_id, settings.max_file_bytes, progress,
                             rescan=rescan_inbox or settings.rescan_inbox)
        batches = queue_pending(con, ws.pending_dir, settings.enrich_batch_size)
    progress(
        f"[land] {summary.files_seen} files seen: {summary.articles_landed} landed, "
        f"{summary.files_already_known} already known, {summary.files_rejected} rejected; "
        f"{summary.files_read} file(s) read, {summary.files_unchanged} unchanged since an earlier load; "
        f"{len(batches)} batch(es) to enrich{_took(started)}"
    )
    return {"summary": summary.as_dict(), "batches": batches}


def enrich(batch_file: str, load_id: str, settings: Settings | None = None) -> dict[str, int]:
    # spaCy: imported only in the task that needs it
    from newswarehouse.enrichment.batches import enrich_batch

    settings = settings or load_settings()
    started = time.monotonic()
    ws = _workspace(settings, load_id)
    out = ws.enriched_dir / Path(batch_file).stem
    counts = enrich_batch(Path(batch_file), out, settings.spacy_model, settings.enrich_processes)
    _say(
        f"[enrich] {Path(batch_file).stem}: {counts['documents']} articles, {counts['sentences']} sentences, "
        f"{counts['mentions']} mentions, {counts['statements']} statements, {counts['errors']} errors{_took(started)}"
    )
    return counts


def check_articles(load_id: str, settings: Settings | None = None) -> dict[str, Any]:
    """Load enrichment output into the build database, then the article gates (before dbt).

    Articles that fail a quarantine-level check are quarantined here, so dbt never
    builds staging or marts rows from them.
    """
    from newswarehouse.enrichment.batches import load_enriched
    from newswarehouse.quality.gates import check_articles as run_article_gates

    _release_enrichment_workers()
    settings = settings or load_settings()
    started = time.monotonic()
    ws = _workspace(settings, load_id)
    with ws.connect() as con:
        enriched = load_enriched(con, ws.enriched_dir, load_id)
        gates_started = time.monotonic()
        result = run_article_gates(con, load_id, settings)
    if not result.checked:
        _say(f"[check_articles] nothing new to check{_took(started)}")
    else:
        status = "passed" if result.passed else "FAILED: " + ", ".join(result.failed_checks)
        _say(f"[check_articles] {result.checked} article(s) checked: {status}; "
             f"{result.quarantined} quarantined, {len(result.warnings)} warning(s) (gates {time.monotonic() - gates_started:.1f} s){_took(started)}")
    return {"articles_enriched": enriched, **result.as_dict()}


def build(load_id: str, settings: Settings | None = None, checked: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run dbt in the build database (after ``check_articles`` loaded and gated the batch)."""
    from newswarehouse.transform import run_dbt

    _release_enrichment_workers()
    settings = settings or load_settings()
    started = time.monotonic()
    ws = _workspace(settings, load_id)
    with ws.connect() as con:
        if checked is None:  # called on its own: load the enrichment output here
            from newswarehouse.enrichment.batches import load_enriched

            enriched = load_enriched(con, ws.enriched_dir, load_id)
        else:
            enriched = int(checked.get("articles_enriched", 0))
        marts_exist = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]
    if enriched == 0 and marts_exist:
        _say(f"[build] nothing new: dbt skipped{_took(started)}")
        return {"articles_enriched": 0, "dbt": "skipped"}
    _say(f"[build] {enriched} articles enriched; running dbt build")
    # Unit tests check the SQL, not the data: they run in the test suite and in
    # `dbt build` by hand, not in every load (~2 s of a 100-article load's dbt).
    run_dbt(["build", "--exclude-resource-type", "unit_test"], ws.build_db, settings.dbt_project_dir,
            ws.dir / "logs" / "dbt.log", progress=_say,
            target_dir=settings.home / "dbt_target")
    _say(f"[build] dbt build done{_took(started)}")
    return {"articles_enriched": enriched, "dbt": "built"}


def validate(
    load_id: str,
    settings: Settings | None = None,
    built: dict[str, Any] | None = None,
    checked: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The mart gates; the verdict combines them with the article gates of ``check_articles``."""
    settings = settings or load_settings()
    started = time.monotonic()
    checked = checked or {}
    if built is not None and built.get("dbt") == "skipped":
        # Nothing new was enriched and nothing was rebuilt: the published
        # warehouse already passed its gates, and importing GX alone costs ~10 s.
        _say(f"[validate] nothing new: quality gates skipped{_took(started)}")
        return {"failed_checks": [], "warnings": [], "quarantined": 0, "data_docs_path": None}
    from newswarehouse.quality.gates import check_marts
    from newswarehouse.quality.report import write_load_page

    ws = _workspace(settings, load_id)
    with ws.connect() as con:
        marts = check_marts(con, load_id, settings)
        quarantined = con.execute(
            "select q.article_id, a.source_uri, q.check_name, q.reason from audit.quarantined_articles q "
            "left join raw.articles a on a.article_id = q.article_id where q.load_id = ? order by 3, 2",
            [load_id],
        ).fetchall()
    failed = list(checked.get("failed_checks") or []) + marts.failed_checks
    problems = list(checked.get("problems") or []) + marts.problems
    warnings = list(checked.get("warnings") or []) + marts.warnings
    page = write_load_page(
        settings.data_docs_dir, load_id, "passed" if not failed else "rejected", failed, problems,
        list(checked.get("suites") or []) + marts.suites, marts.skipped, quarantined, warnings,
    )
    n_quarantined = len({row[0] for row in quarantined})
    status = "passed" if not failed else "FAILED: " + ", ".join(failed)
    _say(f"[validate] quality gates {status}; {n_quarantined} article(s) quarantined, {len(warnings)} warning(s); "
         f"report {page}{_took(started)}")
    return {"failed_checks": failed, "problems": problems, "warnings": warnings, "quarantined": n_quarantined,
            "data_docs_path": str(page)}


def publish(
    load_id: str,
    started_at: str,
    landing: dict[str, Any],
    built: dict[str, Any],
    validation: dict[str, Any],
    settings: Settings | None = None,
) -> dict[str, Any]:
    settings = settings or load_settings()
    started = time.monotonic()
    ws = _workspace(settings, load_id)
    summary = landing["summary"]
    record = LoadRecord(
        load_id=load_id,
        started_at=datetime.fromisoformat(started_at),
        status="published",
        files_seen=summary["files_seen"],
        articles_landed=summary["articles_landed"],
        files_rejected=summary["files_rejected"],
        files_already_known=summary["files_already_known"],
        articles_enriched=built.get("articles_enriched", 0),
        articles_quarantined=validation.get("quarantined", 0),
        data_docs_path=validation.get("data_docs_path"),
        rejections=summary["rejections"],
        warnings=list(validation.get("warnings") or []),
        landing_details={k: summary[k] for k in ("files_read", "files_unchanged", "records_skipped", "content_types",
                                                 "nlp_skipped") if k in summary},
    )
    failed = list(validation.get("failed_checks") or [])
    if failed:
        record.status = "rejected"
        record.failed_checks = failed
        problems = list(validation.get("problems") or failed)
        record.message = "quality gates failed: " + "; ".join(problems)
        record.finished_at = utcnow()
        _publish_audit_rows(ws, record, carry_raw=True)  # the build copy stays for inspection until the next load
        raise LoadRejected(
            f"load {load_id} rejected by quality checks: {', '.join(failed)}. Staging and marts are "
            "unchanged; the batch's raw rows are kept: the next load reprocesses its unquarantined articles, "
            "`newswarehouse reprocess --quarantined` re-checks the quarantined ones. "
            f"Details: {'; '.join(problems)[:1500]}. Report: {record.data_docs_path}"
        )
    record.finished_at = utcnow()
    with ws.connect() as con:
        write_load_record(con, record)
    ws.publish()
    ws.discard()
    _say(f"[publish] load {load_id} published to {settings.warehouse}{_took(started)}")
    from newswarehouse.docs_site import refresh_after_publish

    refresh_after_publish(settings, _say)
    return {"status": "published"}


def record_failure(load_id: str, started_at: str, message: str, settings: Settings | None = None) -> None:
    """Record a load that crashed (status 'failed'), unless its outcome is already on record."""
    settings = settings or load_settings()
    ws = _workspace(settings, load_id)
    if settings.warehouse.exists():
        with duckdb.connect(str(settings.warehouse), read_only=True) as con:
            try:
                known = con.execute("select count(*) from audit.load_runs where load_id = ?", [load_id]).fetchone()[0]
            except duckdb.CatalogException:
                known = 0
        if known:
            return
    record = LoadRecord(load_id=load_id, started_at=datetime.fromisoformat(started_at), status="failed",
                        finished_at=utcnow(), message=message[:2000])
    _publish_audit_rows(ws, record, carry_raw=False)
    ws.discard()


def _publish_audit_rows(ws: Workspace, record: LoadRecord, carry_raw: bool) -> None:
    """Publish only the audit row (and, for a rejected load, the batch's raw rows): staging and marts stay as they were."""
    side = ws.dir / "audit_only.duckdb"
    side.unlink(missing_ok=True)
    if ws.warehouse.exists():
        ws.copy_published(side)
    with duckdb.connect(str(side)) as con:
        ensure_schema(con)
        if carry_raw and ws.build_db.exists():
            con.execute("attach ? as build (read_only)", [str(ws.build_db)])
            con.execute("begin transaction")
            con.execute(
                "insert into raw.articles select * from build.raw.articles b "
                "where not exists (select 1 from raw.articles a where a.article_id = b.article_id)"
            )
            con.execute(
                "insert into raw.rejected_files select * from build.raw.rejected_files where load_id = ? "
                "and (source_uri, coalesce(content_sha256, '')) not in "
                "(select (source_uri, coalesce(content_sha256, '')) from raw.rejected_files)",
                [record.load_id],
            )
            # The files this load read: the next load must not read them again, their articles are carried above.
            con.execute("insert or replace into raw.inbox_files by name select * from build.raw.inbox_files where load_id = ?",
                        [record.load_id])
            # Replace, not append: publishing the same rejected load twice records its quarantine once.
            con.execute("delete from audit.quarantined_articles where load_id = ?", [record.load_id])
            con.execute("insert into audit.quarantined_articles select * from build.audit.quarantined_articles "
                        "where load_id = ?", [record.load_id])
            con.execute("commit")
            con.execute("detach build")
        write_load_record(con, record)
    ws.publish(side)


def describe_warehouse(path: Path) -> dict[str, int]:
    """Row counts of every table in the published warehouse (for the run summary).

    Tables only: counting a view runs it (at 1M articles the BI views took ~20 s).
    """
    counts: dict[str, int] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging', 'marts', 'audit') and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            counts[f"{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
    return counts


def quarantined_of(path: Path, load_id: str) -> list[tuple[str, str, str]]:
    """(source_uri, check, reason) of every article the load quarantined."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select coalesce(a.source_uri, q.article_id), q.check_name, q.reason from audit.quarantined_articles q "
            "left join raw.articles a on a.article_id = q.article_id where q.load_id = ? order by 1, 2",
            [load_id],
        ).fetchall()


def landing_report(path: Path, load_id: str) -> dict[str, Any]:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "select status, files_seen, articles_landed, files_already_known, files_rejected, failed_checks, "
            "landing_report, message, articles_quarantined, data_docs_path from audit.load_runs where load_id = ?",
            [load_id],
        ).fetchone()
    if row is None:
        return {}
    keys = ("status", "files_seen", "articles_landed", "files_already_known", "files_rejected", "failed_checks",
            "landing_report", "message", "articles_quarantined", "data_docs_path")
    report = dict(zip(keys, row))
    report["landing_report"] = json.loads(report["landing_report"] or "{}")
    return report
