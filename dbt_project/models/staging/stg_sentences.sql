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

sentences as (

    select * from {{ source('enriched', 'sentences') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}
    {% if is_incremental() %}
        where article_id not in (select built_rows.article_id from {{ this }} as built_rows)
    {% endif %}

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
