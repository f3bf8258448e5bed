{#- Per-article models (one row set per article, computed from that article
    alone) are incremental on article_id. These two macros are their shared
    rules: a load appends only articles not built yet, and first removes the
    rows of articles that are no longer published (quarantined since). -#}

{% macro delete_rows_of_unpublished_articles() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ article_not_published() }}
    {%- endif -%}
{%- endmacro %}

{% macro article_not_published() -%}
    article_id not in (select a.article_id from {{ ref('stg_articles') }} as a)
{%- endmacro %}

{% macro where_article_not_built_yet() -%}
    {%- if is_incremental() -%}
        where article_id not in (select built_rows.article_id from {{ this }} as built_rows)
    {%- endif -%}
{%- endmacro %}

{#- The per-article marts (fct_entity_mentions, fct_statements, dim_articles) also
    rebuild the articles int_articles_rebuilt marks for this build (their entities
    moved, or their duplicate_of changed): their rows are deleted first, and
    where_article_not_built_yet then appends them again with the new
    ids. `extra_condition` lets a model add its own reasons. -#}

{% macro articles_rebuilt_by_this_build() -%}
    select rebuilt.article_id
    from {{ ref('int_articles_rebuilt') }} as rebuilt
    where rebuilt.rebuilt_by = '{{ invocation_id }}'
{%- endmacro %}

{% macro delete_rows_of_rebuilt_articles(extra_condition=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            {{ article_not_published() }}
            or article_id in ({{ articles_rebuilt_by_this_build() }})
            {%- if extra_condition %}
                or {{ extra_condition }}
            {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- fct_statements: articles with a statement whose stored cue_class differs from
    what the speech_verbs seed now says (an analyst edited the seed). -#}

{% macro stale_cue_classes() -%}
    article_id in (
        select stored.article_id
        from {{ this }} as stored
        left join {{ ref('speech_verbs') }} as verbs
            on lower(stored.cue_lemma) = lower(verbs.lemma)
        where stored.cue_class is distinct from verbs.cue_class
    )
{%- endmacro %}

{#- int_node_pairs_by_article keeps the rows a build replaces until the next build
    (soft delete): fct_entity_cooccurrence reads the pairs of rows retired by this
    build to know which pair totals lost an article. -#}

{% macro purge_retired_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where retired_by is not null
    {%- endif -%}
{%- endmacro %}
