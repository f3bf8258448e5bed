-- One row per published article: the dbt build that last (re)built its mart rows, and
-- why. The per-article marts (fct_entity_mentions, fct_statements,
-- bridge_statement_entities, dim_articles) are incremental: each build rewrites only
-- the rows of the articles this model marks with the build's invocation_id:
--   new       an article not built before;
--   entities  an article mentioning a key that this build moved to another entity
--             (int_entity_keys_resolved.entity_assigned_by: a merge, an alias edit);
--   duplicate an earlier article whose duplicate_of a new article changed.
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

reassigned_articles as (

    select distinct mentions.article_id
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
    where resolved_keys.entity_assigned_by = '{{ invocation_id }}'

),

compared as (

    select
        articles.article_id,
        articles.duplicate_of,
        (built.article_id is null) as is_new,
        -- article ids are hex digests: '' stands for "no original"
        (coalesce(articles.duplicate_of, '') != coalesce(built.duplicate_of, '')) as duplicate_changed,
        (reassigned_articles.article_id is not null) as entities_moved
    from articles
    left join built
        on articles.article_id = built.article_id
    left join reassigned_articles
        on articles.article_id = reassigned_articles.article_id

),

final as (

    select
        article_id,
        duplicate_of,
        case
            when is_new then 'new'
            when duplicate_changed then 'duplicate'
            else 'entities'
        end as rebuilt_because,
        '{{ invocation_id }}' as rebuilt_by,
        current_timestamp::timestamp as rebuilt_at
    from compared
    where is_new or duplicate_changed or entities_moved

)

select * from final
