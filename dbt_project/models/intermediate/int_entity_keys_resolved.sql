-- One row per (entity_type, entity_key) with the entity it belongs to.
--
-- Keys that resolve to the same node_key are one entity, whatever their type (spaCy's
-- type for an unfamiliar name varies between articles). Node keys are further joined
-- when they are near spellings of one another within a type: the same number of words
-- (at least two), all equal but one, and that one at least
-- var('entity_name_similarity') similar by Jaro-Winkler ("Sergei Shoigu" =
-- "Sergey Shoigu"; never "Kim Jong Un" = "Kim Jong Il", whose differing words are
-- too short and too different). Edges only ever join entities, so an entity never
-- splits when articles are added.
--
-- entity_id: md5 of the entity's anchor, the member node key landed first (earliest
-- raw.articles.landed_at, ties broken by the key). The type is not part of the id: one
-- node key is one entity whatever type spaCy gave it (anchor_type records the first).
-- A full rebuild gives the same ids; an article that adds an alias or a spelling leaves
-- them unchanged; when a new key joins two entities, the older anchor wins and the
-- younger id is listed in entity_id_redirects.

with recursive

keys as (

    select * from {{ ref('int_entity_keys_aliased') }}

),

nodes as (

    select
        node_key,
        min(first_landed_at) as first_landed_at,
        string_split(node_key, ' ') as words
    from keys
    group by node_key

),

node_types as (

    select distinct
        node_key,
        entity_type
    from keys

),

-- pairs worth comparing: same type, same word count, first or last word equal
candidate_pairs as (

    select distinct
        nodes_a.node_key as node_key_a,
        nodes_b.node_key as node_key_b,
        nodes_a.words as words_a,
        nodes_b.words as words_b
    from nodes as nodes_a
    inner join nodes as nodes_b
        on
            nodes_a.node_key < nodes_b.node_key
            and len(nodes_a.words) = len(nodes_b.words)
            and (nodes_a.words[1] = nodes_b.words[1] or nodes_a.words[-1] = nodes_b.words[-1])
    inner join node_types as types_a
        on nodes_a.node_key = types_a.node_key
    inner join node_types as types_b
        on
            nodes_b.node_key = types_b.node_key
            and types_a.entity_type = types_b.entity_type
    where len(nodes_a.words) >= 2

),

word_pairs as (

    select
        candidate_pairs.node_key_a,
        candidate_pairs.node_key_b,
        candidate_pairs.words_a[positions.word_position] as word_a,
        candidate_pairs.words_b[positions.word_position] as word_b
    from candidate_pairs
    cross join generate_series(1, len(candidate_pairs.words_a)) as positions (word_position)

),

near_spellings as (

    select
        node_key_a,
        node_key_b
    from word_pairs
    group by node_key_a, node_key_b
    having
        count(*) filter (where word_a != word_b) = 1
        and min(least(length(word_a), length(word_b))) filter (where word_a != word_b) >= 4
        and max(jaro_winkler_similarity(word_a, word_b)) filter (where word_a != word_b)
        >= {{ var('entity_name_similarity') }}

),

edges as (

    select
        node_key_a as from_key,
        node_key_b as to_key
    from near_spellings
    union
    select
        node_key_b,
        node_key_a
    from near_spellings

),

reachable (node_key, member_key) as (

    select
        node_key,
        node_key as member_key
    from nodes
    union
    select
        reachable.node_key,
        edges.to_key
    from reachable
    inner join edges
        on reachable.member_key = edges.from_key

),

anchors as (

    select
        reachable.node_key,
        first(reachable.member_key order by nodes.first_landed_at, reachable.member_key) as anchor_key
    from reachable
    inner join nodes
        on reachable.member_key = nodes.node_key
    group by reachable.node_key

),

anchor_types as (

    select
        node_key as anchor_key,
        first(entity_type order by first_landed_at asc, mention_count desc, entity_type asc) as anchor_type
    from keys
    group by node_key

),

final as (

    select
        keys.entity_type,
        keys.entity_key,
        keys.node_key,
        anchors.anchor_key,
        anchor_types.anchor_type,
        keys.alias_canonical_name,
        keys.resolved_by,
        keys.first_landed_at,
        keys.mention_count,
        md5(anchors.anchor_key) as entity_id
    from keys
    inner join anchors
        on keys.node_key = anchors.node_key
    inner join anchor_types
        on anchors.anchor_key = anchor_types.anchor_key

)

select * from final
