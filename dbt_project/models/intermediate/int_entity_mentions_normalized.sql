-- One row per mention with its comparison key and dates. Per-article and stateless,
-- so incremental like stg_mentions: a load appends the rows of its new articles;
-- rows of articles no longer in stg_articles (quarantined later) are deleted first.
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

    select * from {{ ref('stg_mentions') }}
    {{ where_article_new_in_this_build() }}

),

articles as (

    select
        article_id,
        published_date,
        landed_at
    from {{ ref('stg_articles') }}

),

final as (

    select
        md5(mentions.article_id || ':' || mentions.mention_index::varchar) as mention_id,
        mentions.article_id,
        mentions.mention_index,
        mentions.sentence_index,
        mentions.char_start,
        mentions.char_end,
        mentions.surface_text,
        mentions.entity_type,
        mentions.resolved_text,
        mentions.title,
        -- a name made only of punctuation keeps its lower-cased text as key: nothing is dropped
        coalesce(
            nullif({{ normalize_entity_key('mentions.resolved_text') }}, ''),
            lower(trim(mentions.resolved_text))
        ) as entity_key,
        articles.landed_at,
        coalesce(articles.published_date, articles.landed_at::date) as seen_date
    from mentions
    inner join articles
        on mentions.article_id = articles.article_id

)

select * from final
