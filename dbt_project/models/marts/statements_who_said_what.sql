-- Analyst view: who said what about whom, when, in which outlet.
-- One row per (statement, entity the statement is about); a statement about no
-- named entity appears once with an empty target.
{{ config(materialized='view') }}

with

statements as (

    select * from {{ ref('fct_statements') }}

),

targets as (

    select * from {{ ref('bridge_statement_entities') }}

),

entities as (

    select
        entity_id,
        canonical_name,
        entity_type
    from {{ ref('dim_entities') }}

),

articles as (

    select
        article_id,
        title,
        publisher,
        published_date,
        landed_at
    from {{ ref('dim_articles') }}

),

joined as (

    select
        statements.*,
        articles.publisher,
        articles.title,
        targets.entity_id as target_entity_id,
        target_entities.canonical_name as target_name,
        target_entities.entity_type as target_type,
        coalesce(articles.published_date, articles.landed_at::date) as article_date,
        coalesce(speakers.canonical_name, statements.speaker_text) as speaker
    from statements
    inner join articles
        on statements.article_id = articles.article_id
    left join entities as speakers
        on statements.speaker_entity_id = speakers.entity_id
    left join targets
        on statements.statement_id = targets.statement_id
    left join entities as target_entities
        on targets.entity_id = target_entities.entity_id

),

final as (

    select
        statement_id,
        article_id,
        article_date,
        publisher,
        title,
        speaker,
        speaker_entity_id,
        speaker_text,
        speaker_role,
        cue_verb,
        cue_class,
        target_entity_id,
        target_name,
        target_type,
        is_direct_quote,
        statement_text
    from joined

)

select * from final
