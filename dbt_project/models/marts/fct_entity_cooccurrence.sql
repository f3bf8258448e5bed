-- One row per pair of entities mentioned in the same article (entity_id_a < entity_id_b):
-- in how many articles and sentences both appear, and when.
--
-- Summed from int_node_pairs_by_article, whose rows pair names, each name mapped to its
-- entity now. An article naming one entity twice over (two spellings, a surname and the
-- full name, not resolved in the article) has two name pairs for one entity pair: the
-- article counts once, and its sentences are counted again from its mentions.
--
-- Incremental per pair. The pre-hook deletes the pairs this build re-sums; the model
-- then writes:
--   re-summed pairs: those of an entity that gained or lost a known name (a merge, a
--     split) and those that lost a row (an article no longer published), summed from
--     every live row of their names (read, not rewritten);
--   gained pairs: any other pair of this build's new rows, its new articles' counts
--     added onto its stored totals (the mart is read, not every row of the pair).
-- delete+insert then replaces the rows of the pairs computed here.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['entity_id_a', 'entity_id_b'],
        on_schema_change='fail',
        pre_hook="{{ delete_pairs_to_resum() }}"
    )
}}

-- depends_on: {{ ref('int_entity_mentions_normalized') }}

with

node_entities as (

    {{ node_entities() }}

),

-- what this build changed (nothing on a full build: every pair is summed)
changed_entities as (

    {{ entities_changed_by_this_build() }}

),

lost_pairs as (

    {{ pairs_that_lost_rows_in_this_build() }}

),

-- the names whose live rows are read: those of entities whose pairs are re-summed
resummed_nodes as (

    select node_entities.node_hash
    from node_entities
    where
        node_entities.entity_id in (select changed_entities.entity_id from changed_entities)
        or node_entities.entity_id in (select lost_pairs.entity_id_a from lost_pairs)
        or node_entities.entity_id in (select lost_pairs.entity_id_b from lost_pairs)

),

-- the live rows summed: all of them on a full build; else this build's new rows and the
-- rows of the re-summed entities' names. Not materialised although read twice: at 1M
-- articles it is hundreds of millions of rows.
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
        node_rows.retired_by is null
        and (
            {{ not is_incremental() }}
            or node_rows.built_by = '{{ invocation_id }}'
            or node_rows.node_hash_a in (select resummed_nodes.node_hash from resummed_nodes)
            or node_rows.node_hash_b in (select resummed_nodes.node_hash from resummed_nodes)
        )

),

-- Articles naming an entity twice over (two spellings, a lone surname beside the full
-- name): the only ones with a row pairing two names of one entity, as every two names of
-- an article have a row, whether or not that row is in scope. Their entity pairs are
-- counted from their mentions below, the other articles' straight from their name rows.
self_paired_articles as (

    select distinct node_rows.article_id
    from {{ ref('int_node_pairs_by_article') }} as node_rows
    inner join node_entities as entities_a
        on node_rows.node_hash_a = entities_a.node_hash
    inner join node_entities as entities_b
        on
            node_rows.node_hash_b = entities_b.node_hash
            and entities_a.entity_id = entities_b.entity_id
    where node_rows.retired_by is null

),

doubly_named_articles as (

    select
        scoped_rows.article_id,
        bool_or(scoped_rows.built_by = '{{ invocation_id }}') as is_new
    from scoped_rows
    where scoped_rows.article_id in (select self_paired_articles.article_id from self_paired_articles)
    group by scoped_rows.article_id

),

singly_named_rows as (

    select
        scoped_rows.seen_date,
        scoped_rows.sentence_count,
        scoped_rows.built_by,
        least(entities_a.entity_id, entities_b.entity_id) as entity_id_a,
        greatest(entities_a.entity_id, entities_b.entity_id) as entity_id_b
    from scoped_rows
    inner join node_entities as entities_a
        on scoped_rows.node_hash_a = entities_a.node_hash
    inner join node_entities as entities_b
        on scoped_rows.node_hash_b = entities_b.node_hash
    where scoped_rows.article_id not in (select doubly_named_articles.article_id from doubly_named_articles)

),

doubly_named_mentions as (

    select distinct
        mentions.article_id,
        mentions.sentence_index,
        mentions.seen_date,
        resolved_keys.entity_id,
        doubly_named_articles.is_new
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join doubly_named_articles
        on mentions.article_id = doubly_named_articles.article_id
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key

),

doubly_named_entities as (

    select distinct
        article_id,
        entity_id,
        seen_date,
        is_new
    from doubly_named_mentions

),

doubly_named_sentence_pairs as (

    select
        mentions_a.article_id,
        mentions_a.entity_id as entity_id_a,
        mentions_b.entity_id as entity_id_b,
        count(*) as sentence_count
    from doubly_named_mentions as mentions_a
    inner join doubly_named_mentions as mentions_b
        on
            mentions_a.article_id = mentions_b.article_id
            and mentions_a.sentence_index = mentions_b.sentence_index
            and mentions_a.entity_id < mentions_b.entity_id
    group by mentions_a.article_id, mentions_a.entity_id, mentions_b.entity_id

),

doubly_named_rows as (

    select
        entities_a.seen_date,
        coalesce(sentence_pairs.sentence_count, 0) as sentence_count,
        case when entities_a.is_new then '{{ invocation_id }}' end as built_by,
        entities_a.entity_id as entity_id_a,
        entities_b.entity_id as entity_id_b
    from doubly_named_entities as entities_a
    inner join doubly_named_entities as entities_b
        on
            entities_a.article_id = entities_b.article_id
            and entities_a.entity_id < entities_b.entity_id
    left join doubly_named_sentence_pairs as sentence_pairs
        on
            entities_a.article_id = sentence_pairs.article_id
            and entities_a.entity_id = sentence_pairs.entity_id_a
            and entities_b.entity_id = sentence_pairs.entity_id_b

),

-- one row per article and entity pair
article_pairs as (

    select * from singly_named_rows
    union all
    select * from doubly_named_rows

),

classified_pairs as (

    select
        article_pairs.*,
        (
            {{ not is_incremental() }}
            or article_pairs.entity_id_a in (select changed_entities.entity_id from changed_entities)
            or article_pairs.entity_id_b in (select changed_entities.entity_id from changed_entities)
            or exists (
                select 1
                from lost_pairs
                where
                    lost_pairs.entity_id_a = article_pairs.entity_id_a
                    and lost_pairs.entity_id_b = article_pairs.entity_id_b
            )
        ) as is_resummed
    from article_pairs

),

summed as (

    select
        entity_id_a,
        entity_id_b,
        is_resummed,
        count(*) as article_count,
        min(seen_date) as first_seen_date,
        max(seen_date) as last_seen_date,
        sum(sentence_count) as sentence_count
    from classified_pairs
    -- a re-summed entity's names also pair with names of other entities in older
    -- articles: those rows are already in the stored totals
    where is_resummed or built_by = '{{ invocation_id }}'
    group by entity_id_a, entity_id_b, is_resummed

),

totals as (

    select
        summed.entity_id_a,
        summed.entity_id_b,
        {% if is_incremental() -%}
            (summed.article_count + coalesce(stored_totals.article_count, 0))::integer as article_count,
            least(summed.first_seen_date, coalesce(stored_totals.first_seen_date, summed.first_seen_date))
                as first_seen_date,
            greatest(summed.last_seen_date, coalesce(stored_totals.last_seen_date, summed.last_seen_date))
                as last_seen_date,
            (summed.sentence_count + coalesce(stored_totals.sentence_count, 0))::integer as sentence_count
        {%- else -%}
            summed.article_count::integer as article_count,
            summed.first_seen_date,
            summed.last_seen_date,
            summed.sentence_count::integer as sentence_count
        {%- endif %}
    from summed
    {% if is_incremental() -%}
        -- a re-summed pair's stored row was deleted by the pre-hook: nothing to add onto
        left join {{ this }} as stored_totals
            on
                summed.entity_id_a = stored_totals.entity_id_a
                and summed.entity_id_b = stored_totals.entity_id_b
                and not summed.is_resummed
    {%- endif %}

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
