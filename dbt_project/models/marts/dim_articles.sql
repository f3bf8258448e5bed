-- One row per published article with its entity and statement counts.
-- Incremental per article: a build appends its new articles and rewrites those
-- int_articles_rebuilt marks (their duplicate_of changed); the entity count of an
-- article with a name that moved to another entity is counted again in place.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ delete_rows_of_rebuilt_articles() }}",
            "{{ recount_entities_of_moved_keys() }}"
        ]
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('int_entity_mentions_moved') }}
-- depends_on: {{ ref('int_entity_mentions_normalized') }}
-- depends_on: {{ ref('int_entity_keys_resolved') }}

with

articles as (

    select * from {{ ref('stg_articles') }}
    {{ where_article_rebuilt_by_this_build() }}

),

entity_counts as (

    select
        article_id,
        count(distinct entity_id) as entity_count
    from {{ ref('fct_entity_mentions') }}
    where article_id in (select articles.article_id from articles)
    group by article_id

),

statement_counts as (

    select
        article_id,
        count(*) as statement_count
    from {{ ref('fct_statements') }}
    where article_id in (select articles.article_id from articles)
    group by article_id

),

final as (

    select
        articles.article_id,
        articles.title,
        articles.publisher,
        articles.author,
        articles.published_date,
        articles.word_count,
        articles.duplicate_of,
        articles.source_uri,
        articles.landed_at,
        articles.content_type,
        articles.url,
        articles.language,
        coalesce(entity_counts.entity_count, 0)::integer as entity_count,
        coalesce(statement_counts.statement_count, 0)::integer as statement_count
    from articles
    left join entity_counts
        on articles.article_id = entity_counts.article_id
    left join statement_counts
        on articles.article_id = statement_counts.article_id

)

select * from final
