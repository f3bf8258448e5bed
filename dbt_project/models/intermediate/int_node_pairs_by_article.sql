-- One row per pair of names mentioned in the same article (node_hash_a < node_hash_b):
-- the article's date and in how many of its sentences both appear. A name is a node key
-- of int_entity_keys_resolved (an entity has one or more); fct_entity_cooccurrence maps
-- the names to their entities and sums these rows per pair of entities.
--
-- Keyed by name rather than by entity so that entity resolution can move a name to
-- another entity (a merge, a lone surname leaving) without rewriting the articles that
-- mention it: an article's rows are written once, when it is new; when a build moves
-- one of its keys to another node (an alias seed edit, the qualifier rule), only its
-- rows that pair the key's node before or now are written again.
--
-- Incremental per article, with soft deletes: a build first purges the rows the previous
-- build retired, then retires (retired_at = when this build started) the rows of articles no longer
-- published and the renamed rows of renamed articles, and appends the rows of new
-- articles and the renamed rows again (built_by = this build). int_node_pair_totals adds
-- the rows a build built and takes off those it retired; live rows are those with
-- retired_at null.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "drop table if exists {{ api.Relation.create(database=this.database, schema=this.schema, identifier='int_entity_pairs_by_article') }}",
            "{{ purge_retired_rows() }}",
            "{{ retire_pairs_of_renamed_articles() }}"
        ]
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('stg_articles') }}

{% set renamed = is_incremental() and this_build_renamed_keys() %}

with

mentions as (

    select
        mentions.article_id,
        mentions.sentence_index,
        mentions.seen_date,
        {{ node_hash('resolved_keys.node_key') }} as node_hash
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
    {% if is_incremental() -%}
        where
            mentions.article_id in ({{ articles_new_in_this_build() }})
            {%- if renamed %}
                or mentions.article_id in ({{ articles_renamed_by_this_build() }})
            {%- endif %}
    {%- endif %}

),

name_pairs as (

    {{ entity_pairs_of_mentions('mentions', 'node_hash') }}

),

final as (

    select
        article_id,
        entity_id_a as node_hash_a,
        entity_id_b as node_hash_b,
        seen_date,
        sentence_count::integer as sentence_count,
        '{{ invocation_id }}' as built_by,
        null::timestamp as retired_at
    from name_pairs
    {% if renamed -%}
        -- a renamed article's pairs of two other names are live already
        where
            article_id in ({{ articles_new_in_this_build() }})
            or {{ pairs_a_renamed_node('entity_id_a', 'entity_id_b') }}
    {%- endif %}

)

-- An article's rows side by side: retiring them (the pre-hook's update) then touches a
-- few vectors of the table, not one per row (at 1M articles, the commit of 164k
-- scattered rows took 17 s), and each row group holds few article ids, which compress.
select * from final
order by article_id
