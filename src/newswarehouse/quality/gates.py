"""Quality gates run on the build database before publishing.

Three levels, set per expectation by ``meta.level`` in the suites (see ``levels.py``):

* ``warn`` — reported on the load's page and in the run summary; nothing else
  (missing titles, authors or dates, the share of the batch quarantined: what
  real scraped pages are like).
* ``quarantine`` — the rows that fail are quarantined: recorded in
  ``audit.quarantined_articles`` with the failed check, kept in ``raw``,
  excluded from staging and the marts (stg_articles skips them); the load goes on.
  These run on the batch *before* dbt builds anything from it.
* ``reject`` — a systemic failure (the parser or NLP failing across the batch,
  a referential or uniqueness rule of the marts, ids not as the pipeline makes
  them) rejects the whole load: it is recorded, and nothing of it but raw and
  audit rows is published (``loadsteps.publish``).

Great Expectations is imported only when a gate actually validates something.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from newswarehouse.loading.land import utcnow
from newswarehouse.quality.levels import QUARANTINE, WARN
from newswarehouse.settings import Settings, load_gate_thresholds

QUARANTINE_SAMPLE = 200  # reasons kept per check and load; the rest are counted


@dataclass
class GateResult:
    failed_checks: list[str] = field(default_factory=list)
    quarantined: int = 0
    checked: int = 0
    data_docs_path: str | None = None
    problems: list[str] = field(default_factory=list)  # one readable line per failed reject-level check
    warnings: list[str] = field(default_factory=list)  # one readable line per failed warn-level check
    suites: list[dict[str, Any]] = field(default_factory=list)  # per validation: suite, rows, success, page
    skipped: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failed_checks

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Share checks (fill rates, shares quarantined or failed) say nothing on a
# handful of articles: one chrome page in a batch of three is not a broken source.
_SHARES_OFF = {"min_title_fill": 0.0, "min_author_fill": 0.0, "min_date_fill": 0.0, "min_body_fill": 0.0,
               "max_quarantine_share": 1.0, "max_failure_share": 1.0}


def _parameters(settings: Settings, batch: int, result: GateResult) -> dict[str, float]:
    parameters = {**load_gate_thresholds(), "max_file_bytes": float(settings.max_file_bytes)}
    if batch < parameters["min_batch_for_shares"]:
        parameters.update(_SHARES_OFF)
        result.skipped.append(
            f"share checks (title/author/date/body fill, shares quarantined and failed) not enforced: batch of {batch} < "
            f"NEWSWH_GATE_MIN_BATCH_FOR_SHARES={parameters['min_batch_for_shares']:g}"
        )
    return parameters


def _batch_size(con: duckdb.DuckDBPyConnection, load_id: str) -> int:
    (batch,) = con.execute(
        "select count(*) from enriched.documents where enriched_by_load_id = ?", [load_id]
    ).fetchone()
    return int(batch)


def _validate(frames: dict, settings: Settings, load_id: str, parameters: dict[str, float]):
    from newswarehouse.quality.gx_runner import (
        validate_frames,  # ~10 s import: only here
    )

    return validate_frames(frames, parameters, load_id, settings.gx_results_dir, settings.data_docs_dir)


def _suite_rows(outcomes) -> list[dict[str, Any]]:
    return [
        {"suite": o.suite, "rows": o.rows, "success": o.success, "evaluated": o.evaluated, "page": o.docs_page,
         "failures": [f.describe() for f in o.failures], "checks": o.checks}
        for o in outcomes
    ]


def check_articles(con: duckdb.DuckDBPyConnection, load_id: str, settings: Settings) -> GateResult:
    """Article gates on the load's batch (raw and staging suites); quarantines the articles that fail."""
    from newswarehouse.quality.frames import article_frames

    batch = _batch_size(con, load_id)
    result = GateResult(checked=batch)
    if not batch:
        return result
    parameters = _parameters(settings, batch, result)
    outcomes = _validate(article_frames(con, load_id), settings, load_id, parameters)
    result.suites = _suite_rows(outcomes)
    rows: dict[tuple[str, str], str] = {}
    for outcome in outcomes:
        for failure in outcome.failures:
            if failure.level == QUARANTINE and failure.ids:
                for article_id, value in zip(failure.ids, failure.values):
                    rows.setdefault((article_id, failure.name), _reason(failure, value, parameters))
            else:  # a quarantine check that names no rows could not run: the gate itself broke
                _note(result, failure)
    _record_quarantine(con, load_id, rows)
    (result.quarantined,) = con.execute(
        "select count(distinct article_id) from audit.quarantined_articles where load_id = ?", [load_id]
    ).fetchone()
    return result


def check_marts(con: duckdb.DuckDBPyConnection, load_id: str, settings: Settings) -> GateResult:
    """Mart gates: referential integrity, unique ids, and the load's volume (incl. the share quarantined)."""
    from newswarehouse.quality.frames import mart_frames

    batch = _batch_size(con, load_id)
    result = GateResult(checked=batch)
    parameters = _parameters(settings, batch, result)
    frames, skipped = mart_frames(con, load_id, parameters["volume_min_words"])
    outcomes = _validate(frames, settings, load_id, parameters)
    result.suites = _suite_rows(outcomes)
    result.skipped += skipped
    for outcome in outcomes:
        for failure in outcome.failures:
            _note(result, failure)
    return result


def _note(result: GateResult, failure) -> None:
    """A failed warn-level check is a warning; anything else left unhandled rejects the load."""
    if failure.level == WARN:
        result.warnings.append(failure.describe())
    else:
        result.failed_checks.append(failure.name)
        result.problems.append(failure.describe())


def _reason(failure, value: Any, parameters: dict[str, float]) -> str:
    bounds = {
        "min_body_words": parameters["min_body_words"],
        "max_body_words": parameters["max_body_words"],
    } if failure.check == "body_words_in_range" else {}
    detail = ", ".join(f"{k}={v:g}" for k, v in bounds.items())
    return f"{failure.column}={value!r} failed {failure.expectation}" + (f" ({detail})" if detail else "")


def _record_quarantine(con: duckdb.DuckDBPyConnection, load_id: str, rows: dict[tuple[str, str], str]) -> None:
    """Replace this load's gate quarantine rows (a retried task writes the same rows again)."""
    now = utcnow()
    con.execute("begin transaction")
    try:
        con.execute(
            "delete from audit.quarantined_articles where load_id = ? and check_name != 'enrichment_error'",
            [load_id],
        )
        if rows:
            con.executemany(
                "insert into audit.quarantined_articles values (?, ?, ?, ?, ?)",
                [(article_id, load_id, check, reason, now) for (article_id, check), reason in rows.items()],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def release_quarantined(con: duckdb.DuckDBPyConnection, load_id: str | None = None) -> int:
    """Forget quarantine records (of one earlier load, or all) so the next queue re-checks those articles.

    Their enrichment output is dropped too: a quarantined article is re-enriched
    by the (fixed) pipeline, not merely re-validated. Returns the articles released.
    """
    where = "where load_id = ?" if load_id else ""
    params = [load_id] if load_id else []
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace temp table _released as select distinct article_id "
                    f"from audit.quarantined_articles {where}", params)
        for table in ("documents", "sentences", "mentions", "statements"):
            con.execute(f"delete from enriched.{table} where article_id in (select article_id from _released)")
        con.execute("delete from audit.quarantined_articles where article_id in (select article_id from _released)")
        (count,) = con.execute("select count(*) from _released").fetchone()
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return int(count)
