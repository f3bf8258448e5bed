with

mentions as (

    select * from {{ source('enriched', 'mentions') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}

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
