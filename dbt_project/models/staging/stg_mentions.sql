-- Incremental on article_id: a load appends the rows of its new articles only;
-- rows of articles no longer in stg_articles (quarantined later) are deleted first.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{% if is_incremental() %}
            delete from {{ this }}
            where article_id not in (select a.article_id from {{ ref('stg_articles') }} as a)
            {% endif %}"
        ]
    )
}}

with

mentions as (

    select * from {{ source('enriched', 'mentions') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}
    {% if is_incremental() %}
        where article_id not in (select built_rows.article_id from {{ this }} as built_rows)
    {% endif %}

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
