"""The DataFrames the suites validate, read from the load's build database.

One frame per suite (``expectations/<layer>/<table>.json``). "The batch" is
every article this load enriched (``enriched.documents.enriched_by_load_id``):
the articles it landed plus earlier ones it reprocesses. Frames hold the
batch's rows, not whole tables, so a gate costs the same on day 1,000 as on
day 1; the mart frames add any broken row (referential or uniqueness rule, found
by SQL) among the rows this load's build wrote, so a broken rebuild of old rows
is caught too, and a new id is looked up in the whole id column.
Columns are small derived values (counts, flags), never whole texts, which
keeps the frames and the Data Docs pages small.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from newswarehouse.enrichment.records import NLP_LIMIT_ERROR

# suite -> (frame SQL with $load_id (and $volume_min_words), id column)
ARTICLE_FRAMES: dict[str, tuple[str, str]] = {
    "raw.articles": (
        """
        select a.article_id, a.byte_size,
               length(regexp_replace(a.raw_text, '\\s+', '', 'g')) as nonblank_chars
        from raw.articles as a
        inner join enriched.documents as d on d.article_id = a.article_id
        where d.enriched_by_load_id = $load_id
        order by a.article_id
        """,
        "article_id",
    ),
    # What staging will hold for the batch, checked *before* dbt so that a
    # quarantined article never reaches staging or the marts. word_count is
    # computed as in stg_articles.
    "staging.stg_articles": (
        """
        with batch as (
            select * from enriched.documents
            where enriched_by_load_id = $load_id and enrichment_error is null
        ),
        sentence_checks as (
            select s.article_id,
                   count(*) as sentence_count,
                   count(*) filter (
                       where s.char_start < 0 or s.char_end < s.char_start
                          or s.char_end > length(b.body_text)
                          or substring(b.body_text, s.char_start + 1, s.char_end - s.char_start) != s.text
                   ) as sentences_outside_body
            from enriched.sentences as s
            inner join batch as b on b.article_id = s.article_id
            group by s.article_id
        )
        select b.article_id, b.title, b.author, b.published_date,
               len(regexp_extract_all(b.body_text, '\\S+'))::integer as word_count,
               coalesce(c.sentence_count, 0) as sentence_count,
               coalesce(c.sentences_outside_body, 0) as sentences_outside_body
        from batch as b
        left join sentence_checks as c on c.article_id = b.article_id
        order by b.article_id
        """,
        "article_id",
    ),
}

# The batch articles that should be in the marts: enriched by this load, not quarantined.
_PUBLISHABLE = """
    select d.article_id from enriched.documents as d
    where d.enriched_by_load_id = $load_id
      and not exists (select 1 from audit.quarantined_articles as q where q.article_id = d.article_id)
"""

# The articles whose fact rows this load's dbt build wrote or had to delete: the batch
# (quarantined ones included: their rows must be gone), and every earlier article the
# build rewrote (int_articles_rebuilt marks them with the build's invocation_id; the
# gates run right after that build, so it is the latest one there). Fact rows of
# other articles were checked by the load that wrote them; `newswarehouse test-all`
# re-checks every row. A fact frame is its batch rows plus any broken row among these.
_REBUILT = "intermediate.int_articles_rebuilt"
_WRITTEN_BY_THE_BUILD = f"""
    select d.article_id from enriched.documents as d where d.enriched_by_load_id = $load_id
    union
    select r.article_id from {_REBUILT} as r
    where r.rebuilt_by = (select arg_max(latest.rebuilt_by, latest.rebuilt_at) from {_REBUILT} as latest)
"""


def _written_rows_with_id_counts(table: str, id_column: str, columns: str) -> str:
    """CTEs ``rows_written`` (the table's rows of the articles the build wrote) and ``id_rows``
    (how many rows of the whole table carry each of their ids): the fact frames' common part."""
    return f"""
        rows_written as (
            select {id_column}, article_id, {columns}
            from {table}
            where article_id in (select article_id from written)
        ),
        id_rows as (
            select w.{id_column}, count(*) as id_rows
            from {table} as t
            inner join (select distinct {id_column} from rows_written) as w on w.{id_column} = t.{id_column}
            group by w.{id_column}
        )"""


MART_FRAMES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # suite -> (SQL, id column, tables it needs)
    "marts.dim_articles": (
        f"""
        with publishable as ({_PUBLISHABLE}),
        id_rows as (select article_id, count(*) as id_rows from marts.dim_articles group by article_id),
        quarantined as (select distinct article_id from audit.quarantined_articles),
        checked as (
            select article_id from publishable
            union select article_id from id_rows where id_rows > 1
            union select i.article_id from id_rows as i inner join quarantined as q on q.article_id = i.article_id
        )
        select c.article_id,
               i.article_id is not null as in_dim_articles,
               i.id_rows,
               q.article_id is not null as quarantined
        from checked as c
        left join id_rows as i on i.article_id = c.article_id
        left join quarantined as q on q.article_id = c.article_id
        order by c.article_id
        """,
        "article_id",
        ("marts.dim_articles",),
    ),
    "marts.fct_entity_mentions": (
        f"""
        with publishable as ({_PUBLISHABLE}),
        written as ({_WRITTEN_BY_THE_BUILD}),
        {_written_rows_with_id_counts("marts.fct_entity_mentions", "mention_id", "entity_id")},
        checked as (
            select r.mention_id, r.article_id, r.entity_id,
                   exists (select 1 from marts.dim_entities as e where e.entity_id = r.entity_id) as entity_exists,
                   exists (select 1 from marts.dim_articles as a where a.article_id = r.article_id) as article_exists,
                   i.id_rows
            from rows_written as r
            inner join id_rows as i on i.mention_id = r.mention_id
        )
        select * from checked
        where article_id in (select article_id from publishable)
           or not entity_exists or not article_exists or id_rows > 1
        order by mention_id
        """,
        "mention_id",
        ("marts.fct_entity_mentions", "marts.dim_entities", "marts.dim_articles", _REBUILT),
    ),
    "marts.fct_statements": (
        f"""
        with publishable as ({_PUBLISHABLE}),
        written as ({_WRITTEN_BY_THE_BUILD}),
        {_written_rows_with_id_counts("marts.fct_statements", "statement_id", "speaker_entity_id")},
        checked as (
            select r.statement_id, r.article_id, r.speaker_entity_id,
                   exists (select 1 from marts.dim_articles as a where a.article_id = r.article_id) as article_exists,
                   case when r.speaker_entity_id is not null then exists (
                       select 1 from marts.dim_entities as e where e.entity_id = r.speaker_entity_id
                   ) end as speaker_exists,
                   i.id_rows
            from rows_written as r
            inner join id_rows as i on i.statement_id = r.statement_id
        )
        select * from checked
        where article_id in (select article_id from publishable)
           or not article_exists or speaker_exists = false or id_rows > 1
        order by statement_id
        """,
        "statement_id",
        ("marts.fct_statements", "marts.dim_entities", "marts.dim_articles", _REBUILT),
    ),
    "marts.dim_entities": (
        f"""
        with publishable as ({_PUBLISHABLE}),
        id_rows as (select entity_id, count(*) as id_rows from marts.dim_entities group by entity_id),
        touched as (
            select entity_id from marts.fct_entity_mentions
            where article_id in (select article_id from publishable)
        )
        select e.entity_id, i.id_rows, e.canonical_name, e.entity_type
        from marts.dim_entities as e
        inner join id_rows as i on i.entity_id = e.entity_id
        where e.entity_id in (select entity_id from touched) or i.id_rows > 1
        order by e.entity_id
        """,
        "entity_id",
        ("marts.dim_entities", "marts.fct_entity_mentions"),
    ),
}


# Quarantine reasons that say the pipeline failed on an article (not that the input is junk):
# many of them in one batch is a systemic failure (marts.load_volume.failure_share).
PIPELINE_FAILURE_CHECKS = ("enrichment_error", "staging.stg_articles.sentence_offsets_inside_body")
# ...except the enrichment "error" of a body longer than the NLP accepts: that is what the input is.
INPUT_ERROR_PATTERN = f"%{NLP_LIMIT_ERROR}%"
_PIPELINE_FAILURES = ", ".join(f"'{check}'" for check in PIPELINE_FAILURE_CHECKS)


def _volume_sql(mentions: str, statements: str) -> str:
    return f"""
    with batch as (select article_id from enriched.documents where enriched_by_load_id = $load_id),
    quarantined as (
        select count(distinct q.article_id) as n,
               count(distinct q.article_id) filter (
                   where q.check_name in ({_PIPELINE_FAILURES}) and q.reason not like '{INPUT_ERROR_PATTERN}'
               ) as failed
        from audit.quarantined_articles as q
        where q.load_id = $load_id and q.article_id in (select article_id from batch)
    ),
    published as (
        select article_id, word_count from staging.stg_articles
        where article_id in (select article_id from batch)
    ),
    words as (select coalesce(sum(word_count), 0) as n from published),
    mentions as (select count(*) as n from {mentions} where article_id in (select article_id from published)),
    statements as (select count(*) as n from {statements} where article_id in (select article_id from published))
    select $load_id as load_id,
           (select count(*) from batch) as articles,
           quarantined.n as quarantined,
           quarantined.n / greatest((select count(*) from batch), 1) as quarantined_share,
           quarantined.failed as failed,
           quarantined.failed / greatest((select count(*) from batch), 1) as failed_share,
           words.n as body_words,
           mentions.n as mentions,
           statements.n as statements,
           case when words.n >= $volume_min_words then round(1000.0 * mentions.n / words.n, 2) end
               as mentions_per_1k_words,
           case when words.n >= $volume_min_words then round(1000.0 * statements.n / words.n, 2) end
               as statements_per_1k_words
    from quarantined, words, mentions, statements
    """


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    return con.execute(sql, used).df()


# Up to this many batch ids are pushed into the scan of raw.articles as a list of values
# (DuckDB's default stops at 50 and falls back to a range and a Bloom filter), so the
# scan reads the texts of the batch only: at 1M articles, with a cold cache, the
# raw.articles frame of 1,000 articles took 2.9 s, and 0.2 s with the list.
BATCH_FILTER_VALUES = 5000


def article_frames(con: duckdb.DuckDBPyConnection, load_id: str) -> dict[str, tuple[pd.DataFrame, str]]:
    con.execute(f"set dynamic_or_filter_threshold = {BATCH_FILTER_VALUES}")
    try:
        return {suite: (_frame(con, sql, {"load_id": load_id}), id_col) for suite, (sql, id_col) in ARTICLE_FRAMES.items()}
    finally:
        con.execute("reset dynamic_or_filter_threshold")


def mart_frames(
    con: duckdb.DuckDBPyConnection, load_id: str, volume_min_words: float
) -> tuple[dict[str, tuple[pd.DataFrame, str]], list[str]]:
    """Frames of the mart suites whose tables exist, and the names of the suites skipped."""
    tables = existing_tables(con)
    params = {"load_id": load_id, "volume_min_words": volume_min_words}
    frames: dict[str, tuple[pd.DataFrame, str]] = {}
    skipped: list[str] = []
    for suite, (sql, id_col, needs) in MART_FRAMES.items():
        if all(t in tables for t in needs):
            frames[suite] = (_frame(con, sql, params), id_col)
        else:
            skipped.append(f"{suite} (no {', '.join(t for t in needs if t not in tables)} yet)")
    # Volume from the marts when they exist, else from staging (the marts' input).
    mentions = "marts.fct_entity_mentions" if "marts.fct_entity_mentions" in tables else "staging.stg_mentions"
    statements = "marts.fct_statements" if "marts.fct_statements" in tables else "staging.stg_statements"
    frames["marts.load_volume"] = (_frame(con, _volume_sql(mentions, statements), params), "load_id")
    return frames, skipped
