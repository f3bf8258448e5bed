-- One row per mention whose name this build moved to another entity (a merge, a lone
-- surname leaving, an alias seed edit): the entity it left and the one it is in now.
-- The marts' pre-hooks (macros/entity_moves.sql) update their rows from it. Each of
-- them joined every mention to the keys again before: at 1M articles that is one pass
-- over 32M mentions per hook, for 1.1M moved mentions in a 1,000-article load.
-- A table rebuilt by every build; moved_by says which: a hook reads the rows of its own
-- build only, so a build that skipped this model moves nothing rather than replaying
-- an earlier build's moves.
{{ config(materialized='table') }}

with

mentions as (

    select
        mention_id,
        article_id,
        mention_index,
        char_start,
        char_end,
        entity_type,
        entity_key
    from {{ ref('int_entity_mentions_normalized') }}

),

moved_keys as (

    select
        resolved_keys.entity_type,
        resolved_keys.entity_key,
        resolved_keys.entity_id,
        resolved_keys.previous_entity_id
    from {{ ref('int_entity_keys_resolved') }} as resolved_keys
    where {{ key_changed_by_this_build('resolved_keys', 'entity_id') }}

),

final as (

    select
        mentions.mention_id,
        mentions.article_id,
        mentions.mention_index,
        mentions.char_start,
        mentions.char_end,
        moved_keys.entity_id,
        moved_keys.previous_entity_id,
        '{{ invocation_id }}' as moved_by
    from mentions
    inner join moved_keys
        on
            mentions.entity_type = moved_keys.entity_type
            and mentions.entity_key = moved_keys.entity_key

)

select * from final
