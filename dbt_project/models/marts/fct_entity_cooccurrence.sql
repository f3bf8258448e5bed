-- One row per pair of entities mentioned in the same article (entity_id_a < entity_id_b):
-- in how many articles and sentences both appear, and when.
--
-- Summed from int_node_pairs_by_article, whose rows pair names, each name mapped to its
-- entity now. An article naming one entity twice over (two spellings, a surname and the
-- full name, not resolved in the article) has two name pairs for one entity pair: the
-- article counts once, and a sentence once; the difference is counted from its
-- mentions and taken off.
--
-- Incremental per pair: no build reads every row. A build writes
--   gained pairs: the pairs of its new articles, their counts added onto the stored
--     totals;
--   merged pairs: when names merge entities, the stored totals of the retired entity's
--     pairs are added onto the surviving entity's (an older article naming both
--     entities, now one, is counted again from its mentions so that it counts once);
--   re-summed pairs: those of an entity that split (a lone surname left it) or whose
--     key an alias edit renamed, and pairs that lost an article (no longer published),
--     summed again from the totals of their names (int_node_pair_totals, which the
--     build updated first): the pre-hook deletes them first.
-- delete+insert replaces the rows of the pairs computed here; the post-hook deletes the
-- pairs of retired entity ids.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['entity_id_a', 'entity_id_b'],
        on_schema_change='fail',
        pre_hook="{{ delete_pairs_to_resum() }}",
        post_hook="{{ delete_pairs_of_retired_entities() }}"
    )
}}

-- depends_on: {{ ref('int_entity_mentions_normalized') }}
-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('int_node_pair_totals') }}

with

node_entities as (

    {{ node_entities() }}

),

-- what this build changed (nothing to fold or re-sum on a full build: every pair is summed)
node_moves as (

    {{ node_moves() }}

),

resummed_entities as (

    {{ entities_resummed_by_this_build() }}

),

merged_away as (

    {{ entities_merged_away_by_this_build() }}

),

lost_pairs as (

    {{ pairs_that_lost_rows_in_this_build() }}

),

-- the names re-summed: those of re-summed entities (all their pairs), and the name
-- pairs of a pair that lost a row (that pair only: summing every pair of both its
-- entities would read most of the totals when common entities lost one)
resummed_nodes as (

    select node_entities.node_hash
    from node_entities
    where node_entities.entity_id in (select resummed_entities.entity_id from resummed_entities)

),

lost_node_pairs as (

    select
        least(nodes_a.node_hash, nodes_b.node_hash) as node_hash_a,
        greatest(nodes_a.node_hash, nodes_b.node_hash) as node_hash_b
    from lost_pairs
    inner join node_entities as nodes_a
        on lost_pairs.entity_id_a = nodes_a.entity_id
    inner join node_entities as nodes_b
        on lost_pairs.entity_id_b = nodes_b.entity_id

),

-- the live rows summed: all of them on a full build; else the rows this build wrote
-- (pairs re-summed are summed from int_node_pair_totals: at 1M articles the pair table
-- holds 479M rows, which no build may read). Not materialised.
scoped_rows as not materialized (

    select
        node_rows.article_id,
        node_rows.node_hash_a,
        node_rows.node_hash_b,
        node_rows.seen_date,
        node_rows.sentence_count,
        node_rows.built_by
    from {{ ref('int_node_pairs_by_article') }} as node_rows
    where
        node_rows.retired_at is null
        and (
            {{ not is_incremental() }}
            or node_rows.built_by = '{{ invocation_id }}'
        )

),

-- The names of entities with more than one name: only they pair with a name of their
-- own entity in an article (two spellings, a lone surname beside the full name).
shared_names as materialized (

    select
        node_entities.node_hash,
        -- grouped by below with the 64-bit article keys: an integer groups faster
        hash(node_entities.entity_id) as entity_hash
    from node_entities
    qualify count(*) over (partition by node_entities.entity_id) > 1

),

-- the names whose articles this build reads again: those of re-summed entities and of
-- pairs that lost a row
scope_names as (

    select resummed_nodes.node_hash from resummed_nodes
    union
    select lost_node_pairs.node_hash_a from lost_node_pairs
    union
    select lost_node_pairs.node_hash_b from lost_node_pairs

),

-- the articles whose rows this build sums (from their totals) or adds: those naming a
-- scope name, and the new ones
scope_articles as materialized (

    select {{ article_key('mentions.article_id') }} as article_key
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
    where
        {{ is_incremental() }}
        and {{ node_hash('resolved_keys.node_key') }} in (select scope_names.node_hash from scope_names)
    union
    {{ article_keys_of(articles_new_in_this_build()) }}

),

-- Each article in scope (every article on a full build) with the entities it names
-- twice over (two names or more: two spellings, a lone surname beside the full name),
-- found from the mentions of shared names: the pair table has a row for every two names
-- of an article, so its rows pairing two names of one entity could tell the same, but
-- at 1M articles it holds 479M rows against 32M mentions, and no build may read all of
-- them. Two names differ in their smallest and largest hash: no distinct list needed.
twice_named_entities as (

    select
        {{ article_key('mentions.article_id') }} as article_key,
        shared_names.entity_hash
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
    inner join shared_names
        on {{ node_hash('resolved_keys.node_key') }} = shared_names.node_hash
    where
        {{ not is_incremental() }}
        or {{ article_key('mentions.article_id') }} in (select scope_articles.article_key from scope_articles)
    group by {{ article_key('mentions.article_id') }}, shared_names.entity_hash
    having min(shared_names.node_hash) < max(shared_names.node_hash)

),

-- The articles naming an entity twice over whose rows are summed in this build (new,
-- or naming a scope name): their rows over-count the pairs of that entity, and are
-- corrected from their mentions below. A superset does no harm: the pairs of an
-- article out of scope are neither new nor re-summed, and are dropped when summed.
-- Only a new article's pairs are new: a renamed article's rebuilt rows pair a renamed
-- name, whose entity is re-summed.
doubly_named_articles as (

    select distinct
        twice_named_entities.article_key,
        {% if is_incremental() -%}
            twice_named_entities.article_key in ({{ article_keys_of(articles_new_in_this_build()) }})
        {%- else -%}
            true
        {%- endif %} as is_new
    from twice_named_entities

),

-- the scoped rows summed per pair of names first, then mapped to entities; incremental
-- builds add the totals of the re-summed pairs of names
name_pair_sums as (

    select
        scoped_rows.node_hash_a,
        scoped_rows.node_hash_b,
        scoped_rows.built_by = '{{ invocation_id }}' as is_built_now,
        {{ not is_incremental() }} as is_summed_for_resum,
        count(*) as article_count,
        min(scoped_rows.seen_date) as first_seen_date,
        max(scoped_rows.seen_date) as last_seen_date,
        sum(scoped_rows.sentence_count) as sentence_count
    from scoped_rows
    group by
        scoped_rows.node_hash_a,
        scoped_rows.node_hash_b,
        scoped_rows.built_by = '{{ invocation_id }}'
    {%- if is_incremental() %}
        -- the totals of the re-summed pairs of names: they count every live article, and
        -- the pairs of names of the articles naming an entity twice are taken off below
        union all
        select
            totals.node_hash_a,
            totals.node_hash_b,
            false as is_built_now,
            true as is_summed_for_resum,
            totals.article_count,
            totals.first_seen_date,
            totals.last_seen_date,
            totals.sentence_count
        from {{ ref('int_node_pair_totals') }} as totals
        where
            totals.node_hash_a in (select resummed_nodes.node_hash from resummed_nodes)
            or totals.node_hash_b in (select resummed_nodes.node_hash from resummed_nodes)
            or exists (
                select 1
                from lost_node_pairs
                where
                    lost_node_pairs.node_hash_a = totals.node_hash_a
                    and lost_node_pairs.node_hash_b = totals.node_hash_b
            )
    {%- endif %}

),

name_pair_rows as (

    select
        name_pairs.first_seen_date,
        name_pairs.last_seen_date,
        name_pairs.sentence_count,
        name_pairs.article_count,
        name_pairs.is_built_now,
        name_pairs.is_summed_for_resum,
        least(entities_a.entity_id, entities_b.entity_id) as entity_id_a,
        greatest(entities_a.entity_id, entities_b.entity_id) as entity_id_b
    from name_pair_sums as name_pairs
    inner join node_entities as entities_a
        on name_pairs.node_hash_a = entities_a.node_hash
    inner join node_entities as entities_b
        on name_pairs.node_hash_b = entities_b.node_hash

),

doubly_named_mentions as (

    {{ mentions_with_entities('doubly_named_articles', 'is_new') }}

),

-- Each doubly named article's names per entity, in the article and per sentence. The
-- rows of its names count a pair of entities once per pair of their names, and a
-- sentence once per pair of their names in it: the article counts once, and a
-- sentence once. Only pairs with an entity named twice over are off.
entity_names as (

    select
        article_key,
        is_new,
        entity_id,
        count(distinct node_hash) as name_count
    from doubly_named_mentions
    group by article_key, is_new, entity_id

),

sentence_entity_names as (

    select
        article_key,
        sentence_index,
        entity_id,
        count(distinct node_hash) as name_count
    from doubly_named_mentions
    group by article_key, sentence_index, entity_id

),

sentence_corrections as (

    select
        names_a.article_key,
        least(names_a.entity_id, names_b.entity_id) as entity_id_a,
        greatest(names_a.entity_id, names_b.entity_id) as entity_id_b,
        sum(1 - names_a.name_count * names_b.name_count) as sentence_count
    from sentence_entity_names as names_a
    inner join sentence_entity_names as names_b
        on
            names_a.article_key = names_b.article_key
            and names_a.sentence_index = names_b.sentence_index
            and names_a.entity_id != names_b.entity_id
            and (names_b.name_count = 1 or names_a.entity_id < names_b.entity_id)
    where names_a.name_count > 1
    group by
        names_a.article_key,
        least(names_a.entity_id, names_b.entity_id),
        greatest(names_a.entity_id, names_b.entity_id)

),

doubly_named_corrections as (

    select
        null::date as first_seen_date,
        null::date as last_seen_date,
        coalesce(sentence_corrections.sentence_count, 0) as sentence_count,
        1 - names_a.name_count * names_b.name_count as article_count,
        names_a.is_new as is_built_now,
        true as is_summed_for_resum,
        least(names_a.entity_id, names_b.entity_id) as entity_id_a,
        greatest(names_a.entity_id, names_b.entity_id) as entity_id_b
    from entity_names as names_a
    inner join entity_names as names_b
        on
            names_a.article_key = names_b.article_key
            and names_a.entity_id != names_b.entity_id
            and (names_b.name_count = 1 or names_a.entity_id < names_b.entity_id)
    left join sentence_corrections
        on
            names_a.article_key = sentence_corrections.article_key
            and least(names_a.entity_id, names_b.entity_id) = sentence_corrections.entity_id_a
            and greatest(names_a.entity_id, names_b.entity_id) = sentence_corrections.entity_id_b
    where names_a.name_count > 1

),

-- per entity pair: sums of rows of name pairs, and the corrections of the doubly named
-- articles
article_pairs as (

    select * from name_pair_rows
    union all
    select * from doubly_named_corrections

),

classified_pairs as (

    select
        article_pairs.*,
        (
            {{ not is_incremental() }}
            or {{ pair_is_resummed('article_pairs', 'resummed_entities', 'lost_pairs') }}
        ) as is_resummed
    from article_pairs

),

summed as (

    select
        entity_id_a,
        entity_id_b,
        is_resummed,
        sum(article_count) as article_count,
        min(first_seen_date) as first_seen_date,
        max(last_seen_date) as last_seen_date,
        sum(sentence_count) as sentence_count
    from classified_pairs
    -- a re-summed pair is summed from the totals; the others add what this build wrote
    -- (a re-summed entity's names also pair with names of other entities in older
    -- articles: those rows are already in the stored totals)
    where case when is_resummed then is_summed_for_resum else is_built_now end
    group by entity_id_a, entity_id_b, is_resummed
    -- two names of one entity, which the totals pair, are no pair of entities (a filter
    -- on the two entities, as a WHERE, would be pushed into the name lookups' join)
    having count(*) filter (where entity_id_a != entity_id_b) > 0

),

-- the stored totals (none on a full build)
stored_totals as not materialized (

    {% if is_incremental() -%}
        select * from {{ this }}
    {%- else -%}
        select
            null::varchar as entity_id_a,
            null::varchar as entity_id_b,
            null::integer as article_count,
            null::date as first_seen_date,
            null::date as last_seen_date,
            null::integer as sentence_count
        where false
    {%- endif %}

),

-- An older article naming two entities that merged into one was counted in the stored
-- totals of pairs of each: counted again from its mentions, before (per entity then)
-- and after (per entity now), the difference corrects the folded totals.
merged_name_pairs as (

    select
        moves_a.node_hash as node_hash_a,
        moves_b.node_hash as node_hash_b
    from node_moves as moves_a
    inner join node_moves as moves_b
        on
            moves_a.new_entity_id = moves_b.new_entity_id
            and moves_a.node_hash < moves_b.node_hash
    where moves_a.old_entity_id != moves_b.old_entity_id

),

-- the articles naming two names that this build merged, from their mentions
merged_name_articles as materialized (

    select
        {{ article_key('merged_names.article_id') }} as article_key,
        merged_names.node_hash
    from (
        {{ article_names_among(
            'select merged_name_pairs.node_hash_a from merged_name_pairs'
            ~ ' union select merged_name_pairs.node_hash_b from merged_name_pairs'
        ) }}
    ) as merged_names

),

overlap_articles as (

    select distinct names_a.article_key
    from merged_name_pairs
    inner join merged_name_articles as names_a
        on merged_name_pairs.node_hash_a = names_a.node_hash
    inner join merged_name_articles as names_b
        on
            names_a.article_key = names_b.article_key
            and merged_name_pairs.node_hash_b = names_b.node_hash
    {% if is_incremental() -%}
        -- an older article, and a name pair of it that this build did not write again
        where
            names_a.article_key not in ({{ article_keys_of(articles_new_in_this_build()) }})
            and not (
                names_a.article_key in ({{ article_keys_of(articles_renamed_by_this_build()) }})
                and {{ pairs_a_renamed_node('merged_name_pairs.node_hash_a', 'merged_name_pairs.node_hash_b') }}
            )
    {%- else -%}
        where false
    {%- endif %}

),

overlap_mentions as (

    {{ mentions_with_entities('overlap_articles') }}

),

overlap_pairs_now as (

    {{ entity_pairs_of_mentions('overlap_mentions', 'entity_id', article='article_key') }}

),

overlap_pairs_before as (

    {{ entity_pairs_of_mentions('overlap_mentions', 'old_entity_id', article='article_key') }}

),

-- Merges: the stored totals of a retired entity's pairs, and the pairs of an overlap
-- article as the stored totals counted them (taken off), mapped onto the surviving
-- entities.
pairs_before_merges as (

    select
        entity_id_a,
        entity_id_b,
        article_count,
        first_seen_date,
        last_seen_date,
        sentence_count,
        false as is_overlap_correction
    from stored_totals
    union all
    select
        entity_id_a,
        entity_id_b,
        -1 as article_count,
        null::date as first_seen_date,
        null::date as last_seen_date,
        -sentence_count as sentence_count,
        true as is_overlap_correction
    from overlap_pairs_before

),

merged_pairs as (

    select
        pairs_before_merges.article_count,
        pairs_before_merges.first_seen_date,
        pairs_before_merges.last_seen_date,
        pairs_before_merges.sentence_count,
        least(
            coalesce(merged_a.new_entity_id, pairs_before_merges.entity_id_a),
            coalesce(merged_b.new_entity_id, pairs_before_merges.entity_id_b)
        ) as entity_id_a,
        greatest(
            coalesce(merged_a.new_entity_id, pairs_before_merges.entity_id_a),
            coalesce(merged_b.new_entity_id, pairs_before_merges.entity_id_b)
        ) as entity_id_b
    from pairs_before_merges
    left join merged_away as merged_a
        on pairs_before_merges.entity_id_a = merged_a.old_entity_id
    left join merged_away as merged_b
        on pairs_before_merges.entity_id_b = merged_b.old_entity_id
    where
        pairs_before_merges.is_overlap_correction
        or merged_a.old_entity_id is not null
        or merged_b.old_entity_id is not null

),

-- what is added onto the stored totals of pairs not re-summed
additions as (

    select
        entity_id_a,
        entity_id_b,
        article_count,
        first_seen_date,
        last_seen_date,
        sentence_count
    from summed
    where not is_resummed
    union all
    select
        entity_id_a,
        entity_id_b,
        article_count,
        first_seen_date,
        last_seen_date,
        sentence_count
    from merged_pairs
    union all
    -- an overlap article's pairs as they are now
    select
        entity_id_a,
        entity_id_b,
        1 as article_count,
        null::date as first_seen_date,
        null::date as last_seen_date,
        sentence_count
    from overlap_pairs_now

),

added as (

    select
        additions.entity_id_a,
        additions.entity_id_b,
        sum(additions.article_count) as article_count,
        min(additions.first_seen_date) as first_seen_date,
        max(additions.last_seen_date) as last_seen_date,
        sum(additions.sentence_count) as sentence_count
    from additions
    where
        additions.entity_id_a != additions.entity_id_b
        and not {{ pair_is_resummed('additions', 'resummed_entities', 'lost_pairs') }}
    group by additions.entity_id_a, additions.entity_id_b

),

totals as (

    select
        added.entity_id_a,
        added.entity_id_b,
        (added.article_count + coalesce(stored_totals.article_count, 0))::integer as article_count,
        least(added.first_seen_date, stored_totals.first_seen_date) as first_seen_date,
        greatest(added.last_seen_date, stored_totals.last_seen_date) as last_seen_date,
        (added.sentence_count + coalesce(stored_totals.sentence_count, 0))::integer as sentence_count
    from added
    left join stored_totals
        on
            added.entity_id_a = stored_totals.entity_id_a
            and added.entity_id_b = stored_totals.entity_id_b
    union all
    select
        entity_id_a,
        entity_id_b,
        article_count::integer as article_count,
        first_seen_date,
        last_seen_date,
        sentence_count::integer as sentence_count
    from summed
    where is_resummed

),

final as (

    select
        entity_id_a,
        entity_id_b,
        article_count,
        first_seen_date,
        last_seen_date,
        sentence_count
    from totals

)

select * from final
