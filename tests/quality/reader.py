"""A BI-style reader, run as its own process: read-only connections to the published warehouse in a loop.

Alternates plain DuckDB (``read_only=True``) and SQLAlchemy with duckdb-engine
(as Superset connects), a fresh connection each time. Writes one JSON line per
observation (counts seen in one connection, or the error) to OUT. Stops when
STOP exists, or after --max-iterations (a bound, so it can never run on).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

QUERY = """
select (select count(*) from raw.articles) as raw_articles,
       (select count(*) from staging.stg_articles) as stg_articles,
       (select count(*) from marts.dim_articles) as dim_articles,
       (select count(*) from staging.stg_sentences) as stg_sentences,
       (select count(*) from audit.load_runs) as load_runs,
       (select count(*) from audit.load_runs where status = 'published') as published_loads
"""
KEYS = ("raw_articles", "stg_articles", "dim_articles", "stg_sentences", "load_runs", "published_loads")


def read_duckdb(path: Path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(QUERY).fetchone()


def read_sqlalchemy(path: Path) -> tuple:
    engine = create_engine(f"duckdb:///{path}", connect_args={"read_only": True}, poolclass=NullPool)
    try:
        with engine.connect() as con:
            return tuple(con.execute(text(QUERY)).fetchone())
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("stop", type=Path)
    parser.add_argument("--max-iterations", type=int, default=100_000)
    parser.add_argument("--pause", type=float, default=0.05)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(args.max_iterations):
            if args.stop.exists():
                break
            if not args.warehouse.exists():  # before the first publish
                time.sleep(args.pause)
                continue
            mode = "sqlalchemy" if i % 2 else "duckdb"
            try:
                row = (read_sqlalchemy if i % 2 else read_duckdb)(args.warehouse)
                record = {"mode": mode, **dict(zip(KEYS, row))}
            except Exception as exc:  # noqa: BLE001  (every error is a finding: record it, go on)
                record = {"mode": mode, "error": f"{type(exc).__name__}: {exc}"}
            out.write(json.dumps(record) + "\n")
            out.flush()
            time.sleep(args.pause)


if __name__ == "__main__":
    main()
