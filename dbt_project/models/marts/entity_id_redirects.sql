-- Every id an entity may have had before keys merged into it, and the id that
-- survives. Each entity id ever issued was md5(<node key>) of one of the node keys now
-- in the entity, so listing those md5s that differ from the surviving id is complete:
-- a stored reference to a retired id finds its entity here.

with

resolved_keys as (

    select * from {{ ref('int_entity_keys_resolved') }}

),

retired_ids as (

    -- a key may have been an entity of its own before the alias seed sent it elsewhere
    select
        md5(node_key) as retired_entity_id,
        entity_id
    from resolved_keys
    union
    select
        md5(entity_key) as retired_entity_id,
        entity_id
    from resolved_keys

),

final as (

    select
        retired_entity_id,
        entity_id
    from retired_ids
    where
        retired_entity_id != entity_id
        -- never redirect an id that is alive
        and retired_entity_id not in (select live.entity_id from resolved_keys as live)

)

select * from final
