-- One row per published article: the dbt build that last (re)built its mart rows, and
-- why. The per-article models are incremental: each build writes only the rows of the
-- articles this model marks with the build's invocation_id (macros/per_article_incremental.sql):
--   new         an article not built before;
--   duplicate   an earlier article whose duplicate_of a new article changed;
--   unpublished an article this build no longer publishes (quarantined since): its
--               rows are deleted everywhere, and so is this row, by the next build.
-- A name that moves to another entity (a merge, a split, an alias edit) rewrites no
-- article: the marts' pre-hooks update the rows that name it in place
-- (macros/entity_moves.sql).
{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where rebuilt_because = 'unpublished'{% endif %}"
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

-- articles the last build published and this one does not
unpublished as (

    select
        built.article_id,
        built.duplicate_of
    from built
    where built.article_id not in (select articles.article_id from articles)

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

    union all

    select
        article_id,
        duplicate_of,
        'unpublished' as rebuilt_because,
        '{{ invocation_id }}' as rebuilt_by,
        current_timestamp::timestamp as rebuilt_at
    from unpublished

)

select * from final
