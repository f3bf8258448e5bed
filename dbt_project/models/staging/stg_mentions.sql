-- Incremental on article_id: a load appends the rows of the articles new in this
-- build (int_articles_rebuilt); rows of articles it unpublished are deleted first.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_unpublished_articles() }}"
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}

with

mentions as (

    select * from {{ source('enriched', 'mentions') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}
    {{ where_article_new_in_this_build() }}

),

final as (

    select
        mentions.article_id,
        mentions.mention_index,
        mentions.sentence_index,
        mentions.char_start,
        mentions.char_end,
        mentions.surface_text,
        mentions.entity_type,
        mentions.resolved_text,
        mentions.title
    from mentions
    inner join articles
        on mentions.article_id = articles.article_id

)

select * from final
