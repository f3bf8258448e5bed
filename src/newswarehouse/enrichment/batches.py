"""Enrichment as a map step over parquet batches, and loading its output.

A batch task reads only its own input file and writes only its own output
folder (atomically, via a temporary folder and a rename), so mapped tasks can
run on any worker, in any order, and be retried freely. Loading the outputs
into DuckDB is a separate, single-writer step.
"""

from __future__ import annotations

import atexit
import multiprocessing
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from newswarehouse.enrichment.pipeline import enrich_documents
from newswarehouse.enrichment.records import EnrichedDocument
from newswarehouse.warehouse_schema import ENRICHED_TABLES

_SCHEMAS = {
    "documents": pa.schema(
        [
            ("article_id", pa.string()),
            ("title", pa.string()),
            ("publisher", pa.string()),
            ("author", pa.string()),
            ("published_date", pa.date32()),
            ("body_text", pa.string()),
            ("removed_line_count", pa.int32()),
            ("minhash", pa.list_(pa.uint64())),
            ("shingle_hashes", pa.list_(pa.uint32())),
            ("enrichment_error", pa.string()),
        ]
    ),
    "sentences": pa.schema(
        [("article_id", pa.string()), ("sentence_index", pa.int32()), ("char_start", pa.int32()),
         ("char_end", pa.int32()), ("text", pa.string())]
    ),
    "mentions": pa.schema(
        [("article_id", pa.string()), ("mention_index", pa.int32()), ("sentence_index", pa.int32()),
         ("char_start", pa.int32()), ("char_end", pa.int32()), ("surface_text", pa.string()),
         ("entity_type", pa.string()), ("resolved_text", pa.string()), ("title", pa.string())]
    ),
    "statements": pa.schema(
        [("article_id", pa.string()), ("statement_index", pa.int32()), ("sentence_index", pa.int32()),
         ("char_start", pa.int32()), ("char_end", pa.int32()), ("statement_text", pa.string()),
         ("is_direct_quote", pa.bool_()), ("cue_verb", pa.string()), ("cue_lemma", pa.string()),
         ("speaker_text", pa.string()), ("speaker_role", pa.string()), ("speaker_mention_index", pa.int32())]
    ),
}


def _rows(docs: Iterable[EnrichedDocument]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in ENRICHED_TABLES}
    for doc in docs:
        p = doc.parsed
        rows["documents"].append(
            {
                "article_id": doc.article_id,
                "title": p.title,
                "publisher": p.publisher,
                "author": p.author,
                "published_date": p.published_date,
                "body_text": p.body_text,
                "removed_line_count": len(p.removed_lines),
                "minhash": list(doc.minhash),
                "shingle_hashes": list(doc.shingle_hashes),
                "enrichment_error": doc.error,
            }
        )
        if doc.error:
            continue  # a failed document contributes no partial annotations
        for table, records in (("sentences", doc.sentences), ("mentions", doc.mentions), ("statements", doc.statements)):
            rows[table].extend({"article_id": doc.article_id, **asdict(r)} for r in records)
    return rows


# One pool of enrichment processes per (model, size), kept for the life of the
# process: the in-process CLI run maps every batch through it, so each worker
# loads the spaCy model once, not once per batch.
_POOLS: dict[tuple[str, int], ProcessPoolExecutor] = {}


def _warm(model: str) -> None:
    _die_with_parent()
    from newswarehouse.enrichment.nlp import load_pipeline

    load_pipeline(model)


def _die_with_parent() -> None:
    """Linux: a worker gets SIGTERM when its parent dies (a killed task leaves no orphans)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _enrich_chunk(args: tuple[str, list[tuple[str, str]]]) -> list[EnrichedDocument]:
    model, items = args
    return list(enrich_documents(items, model))


def _pool(model: str, processes: int) -> ProcessPoolExecutor:
    key = (model, processes)
    if key not in _POOLS:
        # spawn, not fork: the parent may be an Airflow task runner with threads
        # and open database connections that a forked child must not inherit.
        _POOLS[key] = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("spawn"), initializer=_warm, initargs=(model,)
        )
    return _POOLS[key]


def shutdown_pools(wait: bool = True) -> None:
    """Stop the enrichment worker processes (each holds a spaCy model) once the map is over."""
    for pool in _POOLS.values():
        pool.shutdown(wait=wait, cancel_futures=True)
    _POOLS.clear()


atexit.register(shutdown_pools, wait=False)


def _enrich_parallel(items: list[tuple[str, str]], model: str, processes: int) -> Iterator[EnrichedDocument]:
    """``enrich_documents`` over ``processes`` worker processes, in input order."""
    if processes <= 1 or len(items) < 2:
        yield from enrich_documents(items, model)
        return
    # A few contiguous chunks per process: spaCy still batches within a chunk,
    # and an uneven chunk at the end of the batch costs little idle time.
    size = max(1, -(-len(items) // (processes * 4)))
    chunks = [(model, items[i : i + size]) for i in range(0, len(items), size)]
    try:
        results = list(_pool(model, processes).map(_enrich_chunk, chunks))
    except BrokenProcessPool:
        # A worker died (killed for memory, or its parent thread ended): the
        # batch is stateless, so run it once more on a fresh pool.
        _POOLS.pop((model, processes), None)
        results = list(_pool(model, processes).map(_enrich_chunk, chunks))
    for docs in results:
        yield from docs


def enrich_batch(batch_file: Path, out_dir: Path, model: str, processes: int = 1) -> dict[str, int]:
    """Enrich one pending batch into ``out_dir`` (replaced atomically). Returns row counts.

    ``processes`` > 1 spreads the batch's documents over that many worker
    processes (NEWSWH_ENRICH_PROCESSES); the output is the same in any case.
    """
    table = pq.read_table(batch_file, columns=["article_id", "raw_text"])
    items = list(zip(table.column("article_id").to_pylist(), table.column("raw_text").to_pylist()))
    rows = _rows(_enrich_parallel(items, model, processes))
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, schema in _SCHEMAS.items():
        pq.write_table(pa.Table.from_pylist(rows[name], schema=schema), tmp / f"{name}.parquet")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    counts = {name: len(r) for name, r in rows.items()}
    counts["errors"] = sum(1 for r in rows["documents"] if r["enrichment_error"])
    return counts


def load_enriched(con: duckdb.DuckDBPyConnection, enriched_dir: Path, load_id: str) -> int:
    """Insert every batch output under ``enriched_dir`` into enriched.*; idempotent per article."""
    batches = sorted(p for p in enriched_dir.glob("batch_*") if p.is_dir() and not p.name.endswith(".tmp"))
    if not batches:
        return 0
    con.execute("begin transaction")
    try:
        for name in ENRICHED_TABLES:
            files = [str(b / f"{name}.parquet") for b in batches]
            con.execute(f"create or replace temp table _new_{name} as select * from read_parquet(?)", [files])
            # Delete-then-insert keyed by article: a retried load replaces, never doubles.
            con.execute(f"delete from enriched.{name} where article_id in (select article_id from _new_documents)")
        con.execute(
            """
            insert into enriched.documents by name
            select *, ? as enriched_by_load_id, now()::timestamp as enriched_at from _new_documents
            """,
            [load_id],
        )
        for name in ("sentences", "mentions", "statements"):
            con.execute(f"insert into enriched.{name} by name select * from _new_{name}")
        (count,) = con.execute("select count(*) from _new_documents").fetchone()
        con.execute(
            """
            delete from audit.quarantined_articles
            where check_name = 'enrichment_error' and article_id in (select article_id from _new_documents)
            """
        )
        con.execute(
            """
            insert into audit.quarantined_articles
            select article_id, ?, 'enrichment_error', enrichment_error, now()::timestamp
            from _new_documents where enrichment_error is not null
            """,
            [load_id],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return int(count)
