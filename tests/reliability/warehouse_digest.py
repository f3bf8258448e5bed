"""A checksum of a published warehouse over its deterministic columns, and a read-only poller.

Two loads of the same inbox must give the same digest however they got there
(a clean run, or crashes and reruns). Left out: audit tables other than
quarantined_articles (they log the runs themselves) and the columns that name a
load, a dbt build or a moment (load ids, dbt invocation ids, timestamps). Ids (article_id, entity_id, statement_id, ...) are kept: they must
match.

Run as a script, it polls a warehouse read-only the way a BI tool would and
writes every distinct state it saw (its digest, or "absent", or the error) to a
JSON file when the stop file appears (``OUT_JSON`` minus suffix + ``.ready`` marks it started):

    python warehouse_digest.py WAREHOUSE STOP_FILE OUT_JSON
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "enriched", "staging", "intermediate", "marts", "audit")
AUDIT_TABLES = {"quarantined_articles"}  # per-article outcomes; the rest of audit logs the runs themselves
# dbt invocation ids of the build that last wrote a row (incremental bookkeeping);
# timestamps such as int_node_pairs_by_article.retired_at are volatile by type
BUILD_COLUMNS = {"entity_assigned_by", "written_by", "rebuilt_by", "built_by"}


def _volatile(column: str, dtype: str) -> bool:
    return dtype.startswith("TIMESTAMP") or column.endswith("load_id") or column in BUILD_COLUMNS


def table_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``schema.table`` -> sha256 over its rows (order-independent), deterministic columns only."""
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column, dtype in con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema in ? order by table_schema, table_name, "
        "ordinal_position",
        [list(SCHEMAS)],
    ).fetchall():
        if (schema != "audit" or table in AUDIT_TABLES) and not _volatile(column, dtype):
            columns.setdefault((schema, table), []).append(column)
    digests: dict[str, str] = {}
    for (schema, table), cols in sorted(columns.items()):
        select = ", ".join(f'"{c}"' for c in cols)
        rows = con.execute(f'select {select} from "{schema}"."{table}"').fetchall()
        lines = sorted(repr(r) for r in rows)
        digests[f"{schema}.{table}"] = f"{len(lines)}:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    return digests


def warehouse_digests(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return table_digests(con)


def overall(digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]


def poll(warehouse: Path, stop_file: Path, out: Path) -> None:
    seen: Counter[str] = Counter()
    states: dict[str, dict[str, str]] = {}
    out.with_suffix(".ready").touch()
    while not stop_file.exists():
        if not warehouse.exists():
            seen["absent"] += 1
        else:
            try:
                digests = warehouse_digests(warehouse)
            except Exception as exc:  # noqa: BLE001 - what a reader would have hit
                if not warehouse.exists():
                    seen["absent"] += 1  # renamed away between the check and the open: still whole
                else:
                    seen[f"error: {type(exc).__name__}: {exc}"] += 1
            else:
                key = overall(digests)
                states[key] = digests
                seen[key] += 1
        time.sleep(0.05)
    out.write_text(json.dumps({"seen": dict(seen), "states": states}, indent=1))


if __name__ == "__main__":
    poll(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
