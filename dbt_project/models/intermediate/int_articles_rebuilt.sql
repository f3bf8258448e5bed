-- One row per published article: the dbt build that last (re)built its mart rows, and
-- why. The per-article marts (fct_entity_mentions, fct_statements,
-- bridge_statement_entities, dim_articles) are incremental: each build rewrites only
-- the rows of the articles this model marks with the build's invocation_id:
--   new       an article not built before;
--   duplicate an earlier article whose duplicate_of a new article changed.
-- A name that moves to another entity (a merge, a split, an alias edit) rewrites no
-- article: the marts' pre-hooks update the rows that name it in place
-- (macros/entity_moves.sql).
-- Rows of articles no longer published (quarantined since) are deleted first.
{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_unpublished_articles() }}"
    )
}}

with

articles as (

    select
        article_id,
        duplicate_of
    from {{ ref('stg_articles') }}

),

-- the articles as the last build left them (none on the first build)
built as (

    {% if is_incremental() -%}
        select * from {{ this }}
    {%- else -%}
        select
            article_id,
            duplicate_of
        from articles
        where false
    {%- endif %}

),

compared as (

    select
        articles.article_id,
        articles.duplicate_of,
        (built.article_id is null) as is_new,
        -- article ids are hex digests: '' stands for "no original"
        (coalesce(articles.duplicate_of, '') != coalesce(built.duplicate_of, '')) as duplicate_changed
    from articles
    left join built
        on articles.article_id = built.article_id

),

final as (

    select
        article_id,
        duplicate_of,
        case when is_new then 'new' else 'duplicate' end as rebuilt_because,
        '{{ invocation_id }}' as rebuilt_by,
        current_timestamp::timestamp as rebuilt_at
    from compared
    where is_new or duplicate_changed

)

select * from final
