"""A large warehouse without hours of NLP: replicate a real one's landed and enriched rows K times.

For the incremental benchmark only: what a 10k or 100k-article warehouse costs
a small load (copy, dbt, gates) does not depend on how its rows were enriched.
Replica r of an article gets text ``raw_text + "\\nref G.r"``, G the source's
article count (so a new article_id, the sha256 of that text, as landing computes it), the same
enrichment rows under that id, and its MinHash values and shingle hashes
XOR-ed with a per-replica constant (replicas are not near-duplicates of each
other, while near-duplicates within a replica stay so). The constant also
depends on the source's article count, so that replicating a replicated
warehouse again (1k -> 10k -> 100k -> 1M, each step ``--factor 10``) never
XORs a value back to an earlier one. Mentions keep their names, so the
number of distinct entities does not grow with K: entity resolution is
cheaper here than on a real corpus of the same size.

dbt then builds staging and marts for the replicas (incrementally), and with
``--inbox`` every article's text is written out, so a run over that inbox
finds all of them already known (the no-op run); the written files are put
in landing's manifest, as a first landing of that inbox would have left it.

    .venv/bin/python bench/replicate_warehouse.py --source wh1k.duckdb --factor 10 --out wh10k.duckdb --inbox inbox10k
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PROJECT_ROOT

from newswarehouse.filecopy import clone_or_copy


def replicate(source: Path, replicas: range, out: Path, memory_limit: str | None = None) -> int:
    """Add replicas ``replicas`` (1 = the first copy) of the source's articles to ``out``,
    which starts as a copy of the source."""
    with duckdb.connect(str(out)) as con:
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        # the source's articles: ``out`` may already hold replicas of an earlier batch
        con.execute(f"attach '{source}' as source_warehouse (read_only)")
        (generation,) = con.execute("select count(*) from source_warehouse.raw.articles").fetchone()
        con.execute(
            """
            create temp table replica_ids as
            select a.article_id as original_id, r.replica, r.replica::bigint * 1000003 + ? as salt,
                   ?::varchar || '.' || r.replica::varchar as tag,
                   sha256(a.raw_text || chr(10) || 'ref ' || tag) as article_id
            from source_warehouse.raw.articles a
            cross join range(?, ?) as r (replica)
            """,
            [generation, generation, replicas.start, replicas.stop],
        )
        con.execute("detach source_warehouse")
        con.execute("begin transaction")
        con.execute(
            """
            insert into raw.articles
            select m.article_id, a.source_uri || '#ref' || m.tag,
                   a.raw_text || chr(10) || 'ref ' || m.tag, a.byte_size, a.load_id,
                   a.landed_at + to_microseconds(m.replica::bigint), a.source_encoding,
                   a.content_type, a.url, a.language
            from raw.articles a inner join replica_ids m on m.original_id = a.article_id
            """
        )
        con.execute(
            """
            insert into enriched.documents by name
            select d.* replace (
                m.article_id as article_id,
                list_transform(d.minhash, lambda x: xor(x, hash(m.salt)::ubigint)) as minhash,
                list_transform(
                    d.shingle_hashes, lambda x: xor(x, (hash(m.salt) % 4294967296)::uinteger)
                ) as shingle_hashes
            )
            from enriched.documents d inner join replica_ids m on m.original_id = d.article_id
            """
        )
        for table in ("sentences", "mentions", "statements"):
            con.execute(
                f"""
                insert into enriched.{table} by name
                select t.* replace (m.article_id as article_id)
                from enriched.{table} t inner join replica_ids m on m.original_id = t.article_id
                """
            )
        if con.execute("select count(*) from duckdb_tables() where schema_name = 'staging' "
                       "and table_name = 'stg_articles'").fetchone()[0]:
            # A replica's staging row is its original's, duplicate_of pointing at the same
            # replica of the original's duplicate (replicas are near-duplicates of nothing
            # else): what stg_articles would compute, without its near-duplicate search over
            # (K-1)/K of the warehouse at once (at 1M: tens of GB of spill). dbt then builds
            # everything downstream, the near-duplicate index included, as a load would.
            con.execute(
                """
                insert into staging.stg_articles by name
                select s.* replace (
                    m.article_id as article_id, dm.article_id as duplicate_of,
                    a.source_uri as source_uri, a.landed_at as landed_at
                )
                from staging.stg_articles s
                inner join replica_ids m on m.original_id = s.article_id
                inner join raw.articles a on a.article_id = m.article_id
                left join replica_ids dm on dm.original_id = s.duplicate_of and dm.replica = m.replica
                """
            )
        con.execute("commit")
        (n,) = con.execute("select count(*) from raw.articles").fetchone()
    return int(n)


def write_inbox(warehouse: Path, inbox: Path) -> int:
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    n = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        reader = con.sql("select raw_text from raw.articles order by article_id").to_arrow_reader(1000)
        for batch in reader:
            for text in batch.column(0).to_pylist():
                folder = inbox / f"{n // 1000:04d}"
                folder.mkdir(exist_ok=True)
                (folder / f"{n:07d}.txt").write_bytes(text.encode("utf-8"))
                n += 1
    return n


def record_inbox(warehouse: Path, inbox: Path) -> int:
    """Put the written inbox in landing's manifest (``raw.inbox_files``) as a first landing would have.

    Its content hashes are left NULL (only size, mtime and inode decide "unchanged"):
    reading and hashing a million files once would take most of an hour here.
    """
    from newswarehouse.loading.manifest import TABLE, stage_listing
    from newswarehouse.warehouse_schema import ensure_schema

    time.sleep(3)  # past the manifest's racy window: a file younger than that is re-read
    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
        stage_listing(con, inbox)
        con.execute(
            f"""
            insert or replace into {TABLE} by name
            select source_uri, byte_size, mtime_ns, inode, null as content_sha256, 1 as articles,
                   'replicate_warehouse' as load_id, now()::timestamp as read_at
            from _inbox_listing
            """
        )
        (n,) = con.execute(f"select count(*) from {TABLE}").fetchone()
    return int(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, required=True, help="a published warehouse built by a real run")
    parser.add_argument("--factor", type=int, required=True, help="copies of each article (>= 1)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--inbox", type=Path, help="write every article's text here (for the no-op run)")
    parser.add_argument("--no-tests", action="store_true",
                        help="dbt run instead of dbt build: skip the data tests (hours at 1M; the next load tests)")
    parser.add_argument("--memory-limit", help="DuckDB memory limit for the replication and its dbt (e.g. 8GB)")
    parser.add_argument("--batch", type=int, default=0,
                        help="replicas per dbt build (default: all at once); at 1M, --batch 1 builds 100k "
                             "new articles at a time instead of 900k (whose pair table spilled 36 GB)")
    args = parser.parse_args(argv)

    from newswarehouse.transform import run_dbt

    if args.memory_limit:
        os.environ["NEWSWH_DBT_MEMORY_LIMIT"] = args.memory_limit
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    clone_or_copy(args.source.resolve(), out)
    dbt = ["run"] if args.no_tests else ["build", "--exclude-resource-type", "unit_test"]
    batch = args.batch or max(1, args.factor - 1)
    n = 0
    copied = built = 0.0
    for first in range(1, args.factor, batch):
        started = time.monotonic()
        n = replicate(args.source.resolve(), range(first, min(first + batch, args.factor)), out, args.memory_limit)
        copied += time.monotonic() - started
        started = time.monotonic()
        run_dbt(dbt, out, PROJECT_ROOT / "dbt_project", out.parent / "replicate_logs" / "dbt.log",
                progress=lambda line: print(line, flush=True))
        built += time.monotonic() - started
        print(f"replicas {first}..{min(first + batch, args.factor) - 1}: {n} articles, "
              f"copy {copied:.1f} s, dbt {built:.1f} s so far", flush=True)
    written = write_inbox(args.out.resolve(), args.inbox.resolve()) if args.inbox else 0
    if args.inbox:
        record_inbox(args.out.resolve(), args.inbox.resolve())
    print(f"articles={n} replicate_s={copied:.1f} dbt_s={built:.1f} inbox_files={written} "
          f"warehouse_mb={args.out.stat().st_size / 2**20:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
