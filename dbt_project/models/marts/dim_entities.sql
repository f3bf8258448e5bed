-- One row per real-world entity across all articles.
--
-- canonical_name: the alias seed's canonical name when one of the entity's keys is in
-- the seed; otherwise the most complete frequent form: among the in-article resolved
-- forms mentioned at least half as often as the most frequent one, the one with the
-- most words, then the most mentions, then the first landed, then alphabetical.
-- entity_type: the type most of its mentions carry (ties: the anchor's type).

with

-- not materialised: each aggregate below reads the columns it needs (at 1M articles,
-- materialising the 32M mentions took 7 of the model's 18 CPU seconds)
mentions as not materialized (

    select * from {{ ref('fct_entity_mentions') }}

),

resolved_keys as (

    select * from {{ ref('int_entity_keys_resolved') }}

),

anchors as (

    select distinct
        entity_id,
        anchor_type
    from resolved_keys

),

seed_names as (

    select
        entity_id,
        first(alias_canonical_name order by mention_count desc, alias_canonical_name asc) as seed_name
    from resolved_keys
    where alias_canonical_name is not null
    group by entity_id

),

forms as (

    select
        mentions.entity_id,
        mentions.resolved_text,
        count(*) as form_mentions,
        len(string_split({{ normalize_entity_key('mentions.resolved_text') }}, ' ')) as form_words,
        min(articles.landed_at) as form_first_landed_at
    from mentions
    inner join {{ ref('stg_articles') }} as articles
        on mentions.article_id = articles.article_id
    group by mentions.entity_id, mentions.resolved_text

),

complete_forms as (

    select
        entity_id,
        first(
            resolved_text
            order by form_words desc, form_mentions desc, form_first_landed_at asc, resolved_text asc
        ) as complete_name
    from (
        select
            *,
            max(form_mentions) over (partition by entity_id) as top_mentions
        from forms
    ) as ranked_forms
    where form_mentions * 2 >= top_mentions
    group by entity_id

),

type_counts as (

    select
        entity_id,
        mention_entity_type,
        count(*) as type_mentions
    from mentions
    group by entity_id, mention_entity_type

),

type_votes as (

    select
        type_counts.entity_id,
        first(
            type_counts.mention_entity_type
            order by
                type_counts.type_mentions desc,
                type_counts.mention_entity_type = anchors.anchor_type desc,
                type_counts.mention_entity_type
        ) as entity_type
    from type_counts
    inner join anchors
        on type_counts.entity_id = anchors.entity_id
    group by type_counts.entity_id

),

-- Each distinct count on its own: together in one aggregate DuckDB materialises the
-- mentions again to count each. Entities and articles are counted by 64-bit hashes of
-- their ids (article_key, macros/entity_pair_scope.sql), not their 64-character ids:
-- at 1M articles the 29M distinct (entity, article) pairs grouped by the ids took 6.2
-- CPU s (and spilled 2.3 GB), by the hashes 2.8.
entity_article_counts as (

    select
        entity_hash,
        count(*)::integer as article_count
    from (
        select distinct
            hash(entity_id) as entity_hash,
            {{ article_key('article_id') }} as article_key
        from mentions
    ) as entity_article_keys
    group by entity_hash

),

entity_articles as (

    select
        entity_ids.entity_id,
        entity_article_counts.article_count
    from (select distinct resolved_keys.entity_id from resolved_keys) as entity_ids
    inner join entity_article_counts
        on hash(entity_ids.entity_id) = entity_article_counts.entity_hash

),

entity_aliases as (

    select
        entity_id,
        list(surface_text order by surface_text) as aliases
    from (
        select distinct
            entity_id,
            surface_text
        from mentions
    ) as entity_surfaces
    group by entity_id

),

mention_stats as (

    select
        entity_id,
        count(*)::integer as mention_count,
        min(seen_date) as first_seen_date,
        max(seen_date) as last_seen_date
    from mentions
    group by entity_id

),

stats as (

    select
        mention_stats.entity_id,
        entity_aliases.aliases,
        entity_articles.article_count,
        mention_stats.mention_count,
        mention_stats.first_seen_date,
        mention_stats.last_seen_date
    from mention_stats
    inner join entity_articles
        on mention_stats.entity_id = entity_articles.entity_id
    inner join entity_aliases
        on mention_stats.entity_id = entity_aliases.entity_id

),

final as (

    select
        stats.entity_id,
        type_votes.entity_type,
        stats.aliases,
        stats.article_count,
        stats.mention_count,
        stats.first_seen_date,
        stats.last_seen_date,
        coalesce(seed_names.seed_name, complete_forms.complete_name) as canonical_name
    from stats
    inner join complete_forms
        on stats.entity_id = complete_forms.entity_id
    inner join type_votes
        on stats.entity_id = type_votes.entity_id
    left join seed_names
        on stats.entity_id = seed_names.entity_id

)

select * from final
