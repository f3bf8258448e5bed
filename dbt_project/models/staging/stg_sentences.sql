with

sentences as (

    select * from {{ source('enriched', 'sentences') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}

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
