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

statements as (

    select * from {{ source('enriched', 'statements') }}

),

articles as (

    select article_id from {{ ref('stg_articles') }}
    {{ where_article_new_in_this_build() }}

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
