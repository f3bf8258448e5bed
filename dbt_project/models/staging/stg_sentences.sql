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

sentences as (

    select * from {{ source('enriched', 'sentences') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}
    {{ where_article_new_in_this_build() }}

),

final as (

    select
        sentences.article_id,
        sentences.sentence_index,
        sentences.char_start,
        sentences.char_end,
        sentences.text
    from sentences
    inner join articles
        on sentences.article_id = articles.article_id

)

select * from final
