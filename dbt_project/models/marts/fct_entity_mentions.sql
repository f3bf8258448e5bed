-- One row per entity mention of a published article, pointing at its entity.
-- A table, rebuilt each load: a new alias can move old mentions to an older entity.

with

mentions as (

    select * from {{ ref('int_entity_mentions_normalized') }}

),

resolved_keys as (

    select * from {{ ref('int_entity_keys_resolved') }}

),

final as (

    select
        mentions.mention_id,
        mentions.article_id,
        resolved_keys.entity_id,
        mentions.sentence_index::integer as sentence_index,
        mentions.surface_text,
        mentions.char_start::integer as char_start,
        mentions.char_end::integer as char_end,
        mentions.mention_index::integer as mention_index,
        mentions.entity_type as mention_entity_type,
        mentions.resolved_text,
        mentions.title,
        mentions.seen_date
    from mentions
    inner join resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key

)

select * from final
