-- BI view: where an entity is mentioned. One row per mention with its entity, the
-- sentence it stands in and the article (title, outlet, date, source) around it, so a
-- dashboard table needs no joins and an "over time" chart has one date column.
{{ config(materialized='view') }}

with

mentions as (

    select
        mention_id,
        article_id,
        entity_id,
        sentence_index,
        surface_text
    from {{ ref('fct_entity_mentions') }}

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
        source_uri,
        coalesce(published_date, landed_at::date) as article_date
    from {{ ref('dim_articles') }}

),

sentences as (

    select
        article_id,
        sentence_index,
        text as sentence_text
    from {{ ref('stg_sentences') }}

),

final as (

    select
        mentions.mention_id,
        mentions.entity_id,
        entities.canonical_name,
        entities.entity_type,
        mentions.surface_text,
        mentions.article_id,
        articles.title,
        articles.publisher,
        articles.article_date,
        articles.source_uri,
        mentions.sentence_index,
        sentences.sentence_text
    from mentions
    inner join entities
        on mentions.entity_id = entities.entity_id
    inner join articles
        on mentions.article_id = articles.article_id
    left join sentences
        on
            mentions.article_id = sentences.article_id
            and mentions.sentence_index = sentences.sentence_index

)

select * from final
