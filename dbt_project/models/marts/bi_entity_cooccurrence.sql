-- BI view: "who appears with X". fct_entity_cooccurrence stores each pair once
-- (entity_id_a < entity_id_b); here each pair appears in both directions with both
-- names, so a dashboard filters one column (canonical_name) and reads the other.
{{ config(materialized='view') }}

with

pairs as (

    select
        entity_id_a,
        entity_id_b,
        article_count,
        sentence_count,
        first_seen_date,
        last_seen_date
    from {{ ref('fct_entity_cooccurrence') }}

),

entities as (

    select
        entity_id,
        canonical_name,
        entity_type
    from {{ ref('dim_entities') }}

),

both_directions as (

    select
        entity_id_a as entity_id,
        entity_id_b as other_entity_id,
        article_count,
        sentence_count,
        first_seen_date,
        last_seen_date
    from pairs
    union all
    select
        entity_id_b as entity_id,
        entity_id_a as other_entity_id,
        article_count,
        sentence_count,
        first_seen_date,
        last_seen_date
    from pairs

),

final as (

    select
        both_directions.entity_id,
        entity.canonical_name,
        entity.entity_type,
        both_directions.other_entity_id,
        other.canonical_name as other_canonical_name,
        other.entity_type as other_entity_type,
        both_directions.article_count,
        both_directions.sentence_count,
        both_directions.first_seen_date,
        both_directions.last_seen_date
    from both_directions
    inner join entities as entity
        on both_directions.entity_id = entity.entity_id
    inner join entities as other
        on both_directions.other_entity_id = other.entity_id

)

select * from final
