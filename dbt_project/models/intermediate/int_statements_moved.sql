-- One row per statement that a name moved by this build (int_entity_mentions_moved) is
-- quoted in or is the speaker of: bridge_statement_entities builds their rows again,
-- and fct_statements updates the speaker of those whose speaker moved. Both hooks, and
-- the bridge's model, found them on their own before: at 1M articles a join of 20M
-- statements to the moved mentions each time, for 1.1M moved mentions.
-- A table rebuilt by every build; moved_by says which (as in int_entity_mentions_moved).
{{ config(materialized='table') }}

with

moved_spans as materialized (

    select distinct
        moved_mentions.article_id,
        moved_mentions.char_start,
        moved_mentions.char_end
    from {{ ref('int_entity_mentions_moved') }} as moved_mentions
    where moved_mentions.moved_by = '{{ invocation_id }}'

),

-- the mentions at the moved characters (the speaker of a statement is a mention index)
mentions_at_moved_spans as materialized (

    select
        mentions.article_id,
        mentions.mention_index,
        mentions.char_start,
        mentions.char_end
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join moved_spans
        on
            mentions.article_id = moved_spans.article_id
            and mentions.char_start = moved_spans.char_start
            and mentions.char_end = moved_spans.char_end

),

-- not materialised: each join below reads the columns it needs (at 1M articles 13M
-- statements of the articles with a moved mention, materialised whole, took half the time)
statements as not materialized (

    select
        article_id,
        statement_index,
        speaker_text,
        char_start,
        char_end,
        speaker_mention_index
    from {{ ref('stg_statements') }}
    where article_id in (select moved_spans.article_id from moved_spans)

),

quoting as (

    select distinct
        statements.article_id,
        statements.statement_index,
        statements.speaker_text
    from statements
    inner join moved_spans
        on
            statements.article_id = moved_spans.article_id
            and statements.char_start <= moved_spans.char_start
            and statements.char_end >= moved_spans.char_end

),

speaking as (

    select
        statements.article_id,
        statements.statement_index,
        statements.speaker_text,
        mentions_at_moved_spans.char_start as speaker_char_start,
        mentions_at_moved_spans.char_end as speaker_char_end
    from statements
    inner join mentions_at_moved_spans
        on
            statements.article_id = mentions_at_moved_spans.article_id
            and statements.speaker_mention_index = mentions_at_moved_spans.mention_index

),

touched as (

    select
        speaking.speaker_char_start,
        speaking.speaker_char_end,
        coalesce(speaking.article_id, quoting.article_id) as article_id,
        coalesce(speaking.statement_index, quoting.statement_index) as statement_index,
        coalesce(speaking.speaker_text, quoting.speaker_text) as speaker_text
    from speaking
    full outer join quoting
        on
            speaking.article_id = quoting.article_id
            and speaking.statement_index = quoting.statement_index
            and speaking.speaker_text is not distinct from quoting.speaker_text

),

final as (

    select
        {{ statement_id('touched') }} as statement_id,
        touched.article_id,
        touched.speaker_char_start,
        touched.speaker_char_end,
        '{{ invocation_id }}' as moved_by
    from touched

)

select * from final
