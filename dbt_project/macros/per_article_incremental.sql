{#- Per-article models (one row set per article, computed from that article
    alone) are incremental on article_id. These macros are their shared rules. A
    build's work list is int_articles_rebuilt (one row per article, built right
    after stg_articles): the articles new in this build, the earlier ones whose
    duplicate_of changed, and those this build unpublished (quarantined since).
    Models select their input by that short list instead of anti-joining their
    source with their own table (at 1M articles: 32M mention rows read twice, a
    hash table of every built row, to keep 1,000 articles' rows). A build that
    failed is discarded whole by write-audit-publish, so the list and the tables
    never disagree; `dbt build --full-refresh` rebuilds a warehouse built by hand
    after a failed run. -#}

{#- The articles int_articles_rebuilt marks with this build's invocation_id for one
    of `reasons` (new, duplicate, unpublished). -#}
{% macro articles_rebuilt_by_this_build(reasons=['new', 'duplicate', 'unpublished']) -%}
    select rebuilt.article_id
    from {{ ref('int_articles_rebuilt') }} as rebuilt
    where
        rebuilt.rebuilt_by = '{{ invocation_id }}'
        and rebuilt.rebuilt_because in ('{{ reasons | join("', '") }}')
{%- endmacro %}

{% macro articles_new_in_this_build() -%}
    {{ articles_rebuilt_by_this_build(['new']) }}
{%- endmacro %}

{% macro articles_unpublished_by_this_build() -%}
    {{ articles_rebuilt_by_this_build(['unpublished']) }}
{%- endmacro %}

{#- Whether `relation` is a unit test's input (a CTE named __dbt__cte__...): a unit
    test cannot run a query against it ahead of the model. -#}
{% macro is_unit_test_input(relation) -%}
    {%- do return('__dbt__cte__' in (relation | string)) -%}
{%- endmacro %}

{#- Whether `query` returns a row, asked once at run time, so that a statement probing
    a table of tens of millions of rows for an empty list is not run at all. True when
    it cannot be asked (at parse time, or when `relation`, the table it reads, is a
    unit test's input): the statement is then kept. -#}
{% macro query_has_rows(query, relation) -%}
    {%- if not execute or is_unit_test_input(relation) -%}
        {%- do return(true) -%}
    {%- endif -%}
    {%- do return(run_query('select exists (' ~ query ~ ')').columns[0].values()[0]) -%}
{%- endmacro %}

{% macro this_build_rebuilt_articles(reasons) -%}
    {%- do return(query_has_rows(articles_rebuilt_by_this_build(reasons), ref('int_articles_rebuilt'))) -%}
{%- endmacro %}

{% macro this_build_unpublished_articles() -%}
    {%- do return(this_build_rebuilt_articles(['unpublished'])) -%}
{%- endmacro %}

{#- Pre-hook of the per-article staging models: remove the rows of the articles this
    build unpublished. -#}
{% macro delete_rows_of_unpublished_articles() -%}
    {%- if is_incremental() and this_build_unpublished_articles() -%}
        delete from {{ this }}
        where article_id in ({{ articles_unpublished_by_this_build() }})
    {%- endif -%}
{%- endmacro %}

{#- The staging models append the rows of the articles new in this build. -#}
{% macro where_article_new_in_this_build() -%}
    {%- if is_incremental() -%}
        where article_id in ({{ articles_new_in_this_build() }})
    {%- endif -%}
{%- endmacro %}

{#- The per-article marts (fct_entity_mentions, fct_statements, dim_articles) also
    rewrite the earlier articles whose duplicate_of changed: delete_rows_of_rebuilt_articles
    removes their rows (and those of unpublished articles) first, and
    where_article_rebuilt_by_this_build appends new and rewritten articles.
    `extra_condition` lets a model add its own reasons. -#}
{% macro where_article_rebuilt_by_this_build(extra_condition=none) -%}
    {%- if is_incremental() -%}
        where article_id in ({{ articles_rebuilt_by_this_build(['new', 'duplicate']) }})
        {%- if extra_condition %} or {{ extra_condition }}{% endif %}
    {%- endif -%}
{%- endmacro %}

{% macro delete_rows_of_rebuilt_articles(extra_condition=none) -%}
    {%- if is_incremental() and (extra_condition or this_build_rebuilt_articles(['duplicate', 'unpublished'])) -%}
        delete from {{ this }}
        where
            article_id in ({{ articles_rebuilt_by_this_build(['duplicate', 'unpublished']) }})
            {%- if extra_condition %}
                or {{ extra_condition }}
            {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- fct_statements: the cue lemmas whose stored cue_class differs from what the
    speech_verbs seed now says (an analyst edited the seed), lower-cased, asked once
    at run time (the distinct lemma/class pairs of the table against the seed). The
    articles quoting them are rewritten. -#}

{% macro stale_cue_lemmas() -%}
    {%- if not execute or not is_incremental() or is_unit_test_input(ref('speech_verbs')) -%}
        {%- do return([]) -%}
    {%- endif -%}
    {%- set query -%}
        select distinct lower(stored.cue_lemma)
        from (select distinct cue_lemma, cue_class from {{ this }}) as stored
        left join {{ ref('speech_verbs') }} as verbs
            on lower(stored.cue_lemma) = lower(verbs.lemma)
        where
            stored.cue_lemma is not null
            and stored.cue_class is distinct from verbs.cue_class
    {%- endset -%}
    {%- do return(run_query(query).columns[0].values() | list) -%}
{%- endmacro %}

{#- Rows of `relation` whose article quotes one of `lemmas` (none: no condition). -#}
{% macro article_quotes_lemmas(relation, lemmas) -%}
    {%- if lemmas -%}
        article_id in (
            select quoting.article_id from {{ relation }} as quoting
            where lower(quoting.cue_lemma) in (
                {%- for lemma in lemmas %}'{{ lemma | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
            )
        )
    {%- endif -%}
{%- endmacro %}

{#- int_node_pairs_by_article keeps the rows a build replaces until the next build
    (soft delete): int_node_pair_totals takes the rows retired by this build off its
    totals, and fct_entity_cooccurrence reads the pairs of an unpublished article's
    retired rows to know which pair totals lost an article. -#}

{% macro purge_retired_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where retired_at is not null
    {%- endif -%}
{%- endmacro %}

{#- The rows of `relation` whose `key` is in `keys` (a query), as a subquery. Written
    as a self-join on rowid so that DuckDB skips the other rows when it reads wide
    columns (body text, signatures, shingles): a plain join on the key reads those
    columns for every row of the table (1M articles' bodies to check 1,000), while a
    rowid filter prunes row groups and fetches only the matching rows. -#}
{% macro rows_by_key(relation, key, keys) -%}
    {#- a unit test's inputs are CTEs, which have no rowid -#}
    {%- if is_unit_test_input(relation) -%}
        (select * from {{ relation }} where {{ key }} in ({{ keys }}))
    {%- else -%}
        (
            select * from {{ relation }}
            where rowid in (
                select keyed.rowid from {{ relation }} as keyed
                where keyed.{{ key }} in ({{ keys }})
            )
        )
    {%- endif -%}
{%- endmacro %}
