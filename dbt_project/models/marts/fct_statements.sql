-- One row per attributed statement: who said what, with the speaker resolved to an entity.
-- statement_id is derived from the article and the statement's place in it (and the
-- speaker as written, which tells coordinated speakers apart), never from load order,
-- so that it survives rebuilds and reloads.
--
-- Incremental per article: a build appends its new articles and rewrites those
-- int_articles_rebuilt marks and those whose cue_class no longer matches the
-- speech_verbs seed (the seed was edited). A speaker whose name moved to another
-- entity is updated in place (macros/entity_moves.sql).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ delete_rows_of_rebuilt_articles(extra_condition=article_quotes_lemmas(this, stale_cue_lemmas())) }}",
            "{{ move_speakers_of_moved_keys() }}"
        ]
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('int_statements_moved') }}
-- depends_on: {{ ref('stg_articles') }}

with

statements as (

    select * from {{ ref('stg_statements') }}
    {{ where_article_rebuilt_by_this_build(article_quotes_lemmas(ref('stg_statements'), stale_cue_lemmas())) }}

),

mentions as (

    select
        article_id,
        mention_index,
        char_start,
        char_end
    from {{ ref('stg_mentions') }}
    where article_id in (select statements.article_id from statements)

),

entity_mentions as (

    select
        article_id,
        entity_id,
        char_start,
        char_end
    from {{ ref('fct_entity_mentions') }}
    where article_id in (select statements.article_id from statements)

),

speech_verbs as (

    select
        cue_class,
        lower(lemma) as lemma
    from {{ ref('speech_verbs') }}

),

speaker_entities as (

    select
        mentions.article_id,
        mentions.mention_index,
        min(entity_mentions.entity_id) as entity_id
    from mentions
    inner join entity_mentions
        on
            mentions.article_id = entity_mentions.article_id
            and mentions.char_start = entity_mentions.char_start
            and mentions.char_end = entity_mentions.char_end
    group by mentions.article_id, mentions.mention_index

),

final as (

    select
        statements.article_id,
        statements.sentence_index,
        speaker_entities.entity_id as speaker_entity_id,
        statements.speaker_text,
        statements.speaker_role,
        statements.cue_verb,
        statements.statement_text,
        statements.is_direct_quote,
        statements.char_start,
        statements.char_end,
        statements.statement_index,
        statements.cue_lemma,
        speech_verbs.cue_class,
        statements.speaker_mention_index,
        {{ statement_id('statements') }} as statement_id
    from statements
    left join speaker_entities
        on
            statements.article_id = speaker_entities.article_id
            and statements.speaker_mention_index = speaker_entities.mention_index
    left join speech_verbs
        on lower(statements.cue_lemma) = speech_verbs.lemma

)

-- Body order within each article (a build appends whole articles): readers (and
-- scorers) that take rows as they come see a statement's speakers in the order the
-- text names them.
select * from final
order by article_id, statement_index
