with

statements as (

    select * from {{ source('enriched', 'statements') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}

),

final as (

    select
        statements.article_id,
        statements.statement_index,
        statements.sentence_index,
        statements.char_start,
        statements.char_end,
        statements.statement_text,
        statements.is_direct_quote,
        statements.cue_verb,
        statements.cue_lemma,
        statements.speaker_text,
        statements.speaker_role,
        statements.speaker_mention_index
    from statements
    inner join articles
        on statements.article_id = articles.article_id

)

select * from final
