"""DDL of the tables Python writes: raw (landing), enriched (NLP output), audit.

dbt owns staging and marts; these schemas are its sources. Every statement is
idempotent (CREATE ... IF NOT EXISTS) so any task may call ``ensure_schema``.
"""

from __future__ import annotations

import duckdb

DDL = """
create schema if not exists raw;
create schema if not exists enriched;
create schema if not exists audit;

create table if not exists raw.articles (
    article_id varchar primary key,
    source_uri varchar not null,
    raw_text varchar not null,
    byte_size bigint not null,
    load_id varchar not null,
    landed_at timestamp not null,
    source_encoding varchar,
    content_type varchar,
    url varchar,
    language varchar
);

-- Warehouses created before structured inputs landed: the same columns, added in place.
alter table raw.articles add column if not exists content_type varchar;
alter table raw.articles add column if not exists url varchar;
alter table raw.articles add column if not exists language varchar;

create table if not exists raw.rejected_files (
    source_uri varchar not null,
    reason varchar not null,
    load_id varchar not null,
    rejected_at timestamp not null,
    byte_size bigint,
    content_sha256 varchar
);

-- The landing manifest: one row per inbox file a load has read (not per article), so the
-- next load reads only new or changed files (loading/manifest.py says what "unchanged" means).
-- byte_size, mtime_ns and inode are the file's lstat when it was listed; articles,
-- rejections and records_skipped are what reading it gave, so an unchanged file counts in
-- the load report as re-reading it would. Written in the same transaction as the file's
-- raw.articles and raw.rejected_files rows.
create table if not exists raw.inbox_files (
    source_uri varchar primary key,
    byte_size bigint,
    mtime_ns bigint,
    inode ubigint,
    content_sha256 varchar,
    articles integer not null,
    rejections struct(source_uri varchar, reason varchar)[],
    records_skipped struct(reason varchar, records integer)[],
    load_id varchar not null,
    read_at timestamp not null
);

create table if not exists enriched.documents (
    article_id varchar primary key,
    title varchar,
    publisher varchar,
    author varchar,
    published_date date,
    body_text varchar not null,
    removed_line_count integer not null,
    minhash ubigint[],
    shingle_hashes uinteger[],
    enrichment_error varchar,
    enriched_by_load_id varchar not null,
    enriched_at timestamp not null
);

-- Added after the first release: a warehouse enriched before it gets the column
-- with NULLs, and those articles are only compared by MinHash.
alter table enriched.documents add column if not exists shingle_hashes uinteger[];

create table if not exists enriched.sentences (
    article_id varchar not null,
    sentence_index integer not null,
    char_start integer not null,
    char_end integer not null,
    text varchar not null
);

create table if not exists enriched.mentions (
    article_id varchar not null,
    mention_index integer not null,
    sentence_index integer not null,
    char_start integer not null,
    char_end integer not null,
    surface_text varchar not null,
    entity_type varchar not null,
    resolved_text varchar not null,
    title varchar
);

create table if not exists enriched.statements (
    article_id varchar not null,
    statement_index integer not null,
    sentence_index integer not null,
    char_start integer not null,
    char_end integer not null,
    statement_text varchar not null,
    is_direct_quote boolean not null,
    cue_verb varchar,
    cue_lemma varchar,
    speaker_text varchar,
    speaker_role varchar,
    speaker_mention_index integer
);

create table if not exists audit.load_runs (
    load_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    files_seen integer not null default 0,
    articles_landed integer not null default 0,
    files_rejected integer not null default 0,
    failed_checks varchar[] not null default [],
    files_already_known integer not null default 0,
    articles_enriched integer not null default 0,
    articles_quarantined integer not null default 0,
    message varchar,
    data_docs_path varchar,
    landing_report json
);

create table if not exists audit.quarantined_articles (
    article_id varchar not null,
    load_id varchar not null,
    check_name varchar not null,
    reason varchar not null,
    quarantined_at timestamp not null
);
"""

ENRICHED_TABLES = ("documents", "sentences", "mentions", "statements")


# Columns that dbt passes through from raw.articles into these incremental models.
# Their on_schema_change is 'fail', so a warehouse built before the columns
# existed gets them here (null for its older rows) instead of failing its next build.
_LANDING_PASSTHROUGH = ("content_type", "url", "language")
_MODELS_WITH_PASSTHROUGH = (("staging", "stg_articles"), ("marts", "dim_articles"))


# int_node_pairs_by_article marked a retired row with the retiring build's invocation_id
# (retired_by, a string); it now keeps when that build started (retired_at, a timestamp:
# DuckDB commits the update 2.6x faster). The retired rows are purged by the next build
# anyway, so an older warehouse drops them with the column.
_PAIR_TABLE = ("intermediate", "int_node_pairs_by_article")


def _retire_pairs_by_timestamp(con: duckdb.DuckDBPyConnection) -> None:
    schema, table = _PAIR_TABLE
    present = _columns(con, schema, table)
    if "retired_by" not in present:
        return
    con.execute(f"delete from {schema}.{table} where retired_by is not null")
    con.execute(f"alter table {schema}.{table} drop column retired_by")
    con.execute(f"alter table {schema}.{table} add column retired_at timestamp")


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?", [schema, table]
    ).fetchall()
    return {c for (c,) in rows}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    # Every article landed before content types existed was plain text: say so once, when the column arrives.
    upgrading = [(s, t) for s, t in (("raw", "articles"), *_MODELS_WITH_PASSTHROUGH)
                 if (cols := _columns(con, s, t)) and "content_type" not in cols]
    con.execute(DDL)
    for schema, table in _MODELS_WITH_PASSTHROUGH:
        present = _columns(con, schema, table)
        for column in _LANDING_PASSTHROUGH:
            if present and column not in present:
                con.execute(f"alter table {schema}.{table} add column {column} varchar")
    for schema, table in upgrading:
        con.execute(f"update {schema}.{table} set content_type = 'text/plain' where content_type is null")
    _retire_pairs_by_timestamp(con)
