-- One row per (entity_type, entity_key) with the entity it belongs to.
--
-- Keys that resolve to the same node_key are one entity, whatever their type (spaCy's
-- type for an unfamiliar name varies between articles). Node keys are further joined
-- when they are near spellings of one another within a type: the same number of words
-- (at least two), all equal but one, and that one at least
-- var('entity_name_similarity') similar by Jaro-Winkler ("Sergei Shoigu" =
-- "Sergey Shoigu"; never "Kim Jong Un" = "Kim Jong Il", whose differing words are
-- too short and too different). A surname alone joins the one full name ending with it
-- when their articles co-mention an entity (surname_matches below). Near-spelling and
-- alias edges only ever join entities; the surname edge goes when a second full name
-- ending with that surname arrives, and the lone surname then leaves its entity.
--
-- entity_id: md5 of the entity's anchor, the member node key of two or more words landed
-- first (earliest raw.articles.landed_at, ties broken by the key); a one-word key
-- anchors only an entity without a longer name. So when a lone surname leaves, the
-- full name keeps its id and only the surname's mentions move (with the surname as
-- anchor, the full name got a new id and every article mentioning it was
-- rewritten). The type is not part of the id: one node key is one entity whatever
-- type spaCy gave it (anchor_type records the first).
-- A full rebuild gives the same ids; an article that adds an alias or a spelling leaves
-- them unchanged; when a new key joins two entities, the older anchor wins and the
-- younger id is listed in entity_id_redirects.
--
-- Incremental: the resolution itself is recomputed over every key (it is over
-- distinct names, not mentions), but only new or changed key rows are written, and
-- entity_assigned_by records the dbt invocation that gave a key its current
-- entity_id. int_articles_rebuilt reads it to rebuild only the mart rows of articles
-- whose entities moved (a merge, an alias seed edit), not every article. A written row
-- also keeps what it replaced (previous_entity_id, previous_node_key): the entities a
-- build joined or split, whose co-occurrence totals fct_entity_cooccurrence re-sums, and
-- the keys an alias edit moved to another node. The pre-hooks upgrade a table built
-- before change tracking: its keys get a NULL entity_assigned_by, count as moved once,
-- and that build rewrites every article.
{{
    config(
        materialized='incremental',
        unique_key=['entity_type', 'entity_key'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook=[
            "alter table if exists {{ this }} add column if not exists entity_assigned_by varchar",
            "alter table if exists {{ this }} add column if not exists written_by varchar",
            "alter table if exists {{ this }} add column if not exists previous_entity_id varchar",
            "alter table if exists {{ this }} add column if not exists previous_node_key varchar"
        ],
        post_hook="
            delete from {{ this }}
            where not exists (
                select 1
                from {{ ref('int_entity_keys_aliased') }} as mentioned_keys
                where
                    mentioned_keys.entity_type = {{ this }}.entity_type
                    and mentioned_keys.entity_key = {{ this }}.entity_key
            )"
    )
}}

with

keys as (

    select * from {{ ref('int_entity_keys_aliased') }}

),

nodes as (

    select
        node_key,
        min(first_landed_at) as first_landed_at,
        string_split(node_key, ' ') as words,
        -- the anchor order: names of two or more words first, then the first landed
        (len(string_split(node_key, ' ')) = 1, min(first_landed_at)) as anchor_rank
    from keys
    group by node_key

),

node_types as (

    select distinct
        node_key,
        entity_type
    from keys

),

-- Near spellings differ in exactly one word: one row per (node, word position) with
-- that word masked out. Two nodes are candidates only when they share the rest of the
-- name (same type, word count, position and context), so the comparisons grow with
-- the names that share a context, never with all pairs of names (at 10k articles:
-- ~1 s, where comparing every pair with an equal first or last word took minutes).
masked_words as (

    select
        nodes.node_key,
        node_types.entity_type,
        positions.word_position,
        nodes.words[positions.word_position] as word,
        len(nodes.words) as word_count,
        array_to_string(list_slice(nodes.words, 1, positions.word_position - 1), ' ')
        || ' * '
        || array_to_string(
            list_slice(nodes.words, positions.word_position + 1, len(nodes.words)), ' '
        ) as word_context
    from nodes
    inner join node_types
        on nodes.node_key = node_types.node_key
    cross join generate_series(1, len(nodes.words)) as positions (word_position)
    where
        len(nodes.words) >= 2
        and length(nodes.words[positions.word_position]) >= 4

),

near_spellings as (

    select distinct
        words_a.node_key as node_key_a,
        words_b.node_key as node_key_b
    from masked_words as words_a
    inner join masked_words as words_b
        on
            words_a.entity_type = words_b.entity_type
            and words_a.word_count = words_b.word_count
            and words_a.word_position = words_b.word_position
            and words_a.word_context = words_b.word_context
            and words_a.word < words_b.word
    where jaro_winkler_similarity(words_a.word, words_b.word) >= {{ var('entity_name_similarity') }}

),

-- A person named only by a surname ("Mr. Velikov": in-article resolution found no full
-- name) is the one person of the warehouse with that last word ("Anton Velikov") when
-- no other full name ends with it and the two are co-mentioned with one same entity
-- that is not a place or a nationality (too common to tell people apart). Only the
-- articles of these few candidate keys are read, never every mention.
person_nodes as (

    select distinct
        nodes.node_key,
        nodes.words
    from nodes
    inner join node_types
        on nodes.node_key = node_types.node_key
    where node_types.entity_type = 'PERSON'

),

full_names_by_surname as (

    select
        words[len(words)] as surname,
        min(node_key) as full_key
    from person_nodes
    where len(words) >= 2
    group by words[len(words)]
    having count(*) = 1

),

surname_candidates as (

    select
        person_nodes.node_key as surname_key,
        full_names_by_surname.full_key
    from person_nodes
    inner join full_names_by_surname
        on person_nodes.node_key = full_names_by_surname.surname
    where len(person_nodes.words) = 1

),

candidate_keys as (

    select surname_key as node_key from surname_candidates
    union
    select full_key from surname_candidates

),

-- every mention's name: inlined into the two reads below, each keeping only the rows
-- it needs (the names of every article, materialised, spilled at 1M articles)
named_mentions as not materialized (

    select
        mentions.article_id,
        keys.node_key,
        keys.entity_type
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join keys
        on
            mentions.entity_type = keys.entity_type
            and mentions.entity_key = keys.entity_key

),

-- the articles naming a candidate key; only their names are read below
candidate_articles as (

    select distinct
        named_mentions.article_id,
        named_mentions.node_key
    from named_mentions
    where named_mentions.node_key in (select candidate_keys.node_key from candidate_keys)

),

-- not distinct: co_mentions is, and at 1M articles making these 21M rows distinct
-- (19M remain) took 10 s of the model's 17
article_nodes as (

    select
        named_mentions.article_id,
        named_mentions.node_key,
        named_mentions.entity_type
    from named_mentions
    where named_mentions.article_id in (select candidate_articles.article_id from candidate_articles)

),

co_mentions as (

    select distinct
        candidate_articles.node_key as candidate_key,
        article_nodes.node_key as other_key
    from candidate_articles
    inner join article_nodes
        on candidate_articles.article_id = article_nodes.article_id
    where
        article_nodes.node_key != candidate_articles.node_key
        and article_nodes.entity_type not in ('GPE', 'NORP')

),

surname_matches as (

    select distinct
        surname_candidates.surname_key,
        surname_candidates.full_key
    from surname_candidates
    inner join co_mentions as surname_side
        on surname_candidates.surname_key = surname_side.candidate_key
    inner join co_mentions as full_side
        on
            surname_candidates.full_key = full_side.candidate_key
            and surname_side.other_key = full_side.other_key
    where surname_side.other_key not in (surname_candidates.surname_key, surname_candidates.full_key)

),

joined_pairs as (

    select
        node_key_a,
        node_key_b
    from near_spellings
    union
    select
        surname_key,
        full_key
    from surname_matches

),

edges as (

    select
        node_key_a as from_key,
        node_key_b as to_key
    from joined_pairs
    union
    select
        node_key_b,
        node_key_a
    from joined_pairs

),

-- Connected components (macros/connected_components.sql): each node's anchor is the
-- member of two or more words landed first (a one-word member only when there is no
-- other), ties broken by the key.
anchors as (

    {{ connected_components(nodes='nodes', edges='edges', node_key='node_key', rank='anchor_rank') }}

),

anchor_types as (

    select
        node_key as anchor_key,
        first(entity_type order by first_landed_at asc, mention_count desc, entity_type asc) as anchor_type
    from keys
    group by node_key

),

resolved as (

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

),

-- the keys as the last build left them (none on the first build)
previous as (

    {% if is_incremental() -%}
        select * from {{ this }}
    {%- else -%}
        select
            *,
            null::varchar as entity_assigned_by
        from resolved
        where false
    {%- endif %}

),

final as (

    select
        resolved.*,
        case
            when
                previous.entity_id = resolved.entity_id
                and previous.entity_assigned_by is not null
                then previous.entity_assigned_by
            else '{{ invocation_id }}'
        end as entity_assigned_by,
        '{{ invocation_id }}' as written_by,
        previous.entity_id as previous_entity_id,
        previous.node_key as previous_node_key
    from resolved
    left join previous
        on
            resolved.entity_type = previous.entity_type
            and resolved.entity_key = previous.entity_key
    where
        previous.entity_key is null
        or previous.entity_assigned_by is null
        or (
            resolved.entity_id,
            resolved.node_key,
            resolved.anchor_key,
            resolved.anchor_type,
            resolved.alias_canonical_name,
            resolved.resolved_by,
            resolved.first_landed_at,
            resolved.mention_count
        ) is distinct from (
            previous.entity_id,
            previous.node_key,
            previous.anchor_key,
            previous.anchor_type,
            previous.alias_canonical_name,
            previous.resolved_by,
            previous.first_landed_at,
            previous.mention_count
        )

)

select * from final
