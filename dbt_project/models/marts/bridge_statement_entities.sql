-- The entities a statement is about: every entity mentioned inside the statement's
-- characters, except the speaker. One row per (statement, entity).

with

statements as (

    select
        statement_id,
        article_id,
        char_start,
        char_end,
        speaker_entity_id
    from {{ ref('fct_statements') }}

),

entity_mentions as (

    select
        article_id,
        entity_id,
        char_start,
        char_end
    from {{ ref('fct_entity_mentions') }}

),

mentioned as (

    select
        statements.statement_id,
        entity_mentions.entity_id,
        count(*) as mention_count
    from statements
    inner join entity_mentions
        on
            statements.article_id = entity_mentions.article_id
            and statements.char_start <= entity_mentions.char_start
            and statements.char_end >= entity_mentions.char_end
    where entity_mentions.entity_id is distinct from statements.speaker_entity_id
    group by statements.statement_id, entity_mentions.entity_id

),

final as (

    select
        statement_id,
        entity_id,
        mention_count::integer as mention_count
    from mentioned

)

select * from final
