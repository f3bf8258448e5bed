{#- Co-occurrence is stored per article and per pair of *names* (node keys of
    int_entity_keys_resolved), not per pair of entities: int_node_pairs_by_article.
    A merge or a split changes which entity a name belongs to, not the rows of the
    articles that mention it, so a build rewrites no older article when entities
    move; fct_entity_cooccurrence re-sums the pairs of the entities that moved from
    those rows (reading them, not writing them). These macros are the rules the pair
    table, the mart and the mart's pre-hook share. -#}

{#- A name's row id in the pair table: a 64-bit hash of its node key (the table has
    hundreds of rows per article; an integer joins and compresses better than the
    name). -#}
{% macro node_hash(node_key) -%}
    hash({{ node_key }})
{%- endmacro %}

{#- Each name and the entity it belongs to now. -#}
{% macro node_entities() -%}
    select distinct
        {{ node_hash('resolved_keys.node_key') }} as node_hash,
        resolved_keys.entity_id
    from {{ ref('int_entity_keys_resolved') }} as resolved_keys
{%- endmacro %}

{#- The entities whose names changed in this build: the entity a known name left
    and the one it joined (a merge: the younger id, now gone, and the surviving one;
    a split: the entity that keeps its id and the one the leaving name forms). A new
    name is not a change: its mentions are all in new articles. -#}
{% macro entities_changed_by_this_build() -%}
    select moved_keys.entity_id
    from {{ ref('int_entity_keys_resolved') }} as moved_keys
    where
        moved_keys.written_by = '{{ invocation_id }}'
        and moved_keys.previous_entity_id != moved_keys.entity_id
    union
    select moved_keys.previous_entity_id
    from {{ ref('int_entity_keys_resolved') }} as moved_keys
    where
        moved_keys.written_by = '{{ invocation_id }}'
        and moved_keys.previous_entity_id != moved_keys.entity_id
{%- endmacro %}

{#- Articles whose pair rows name a node that one of their keys no longer maps to
    (an alias seed edit moved the key to another node): rebuilt like new ones. -#}
{% macro articles_renamed_by_this_build() -%}
    select distinct renamed_mentions.article_id
    from {{ ref('int_entity_mentions_normalized') }} as renamed_mentions
    inner join {{ ref('int_entity_keys_resolved') }} as renamed_keys
        on
            renamed_mentions.entity_type = renamed_keys.entity_type
            and renamed_mentions.entity_key = renamed_keys.entity_key
    where
        renamed_keys.written_by = '{{ invocation_id }}'
        and renamed_keys.previous_node_key != renamed_keys.node_key
{%- endmacro %}

{% macro articles_new_in_this_build() -%}
    select new_articles.article_id
    from {{ ref('int_articles_rebuilt') }} as new_articles
    where
        new_articles.rebuilt_by = '{{ invocation_id }}'
        and new_articles.rebuilt_because = 'new'
{%- endmacro %}

{% macro retire_pairs_of_renamed_articles() -%}
    {%- if is_incremental() -%}
        update {{ this }}
        set retired_by = '{{ invocation_id }}'
        where
            retired_by is null
            and (
                {{ article_not_published() }}
                or article_id in ({{ articles_renamed_by_this_build() }})
            )
    {%- endif -%}
{%- endmacro %}

{#- The entity pairs of the pair rows this build retired (articles no longer
    published, or renamed), under the current names: their totals lost an article
    and are re-summed. Two names of one entity in a retired article make no pair: the
    aggregate filter drops them (a filter comparing the two entities, written as a
    WHERE, is turned into a join condition between the two name lookups, which the
    planner then may join first: a cross product of every name with every other). -#}
{% macro pairs_that_lost_rows_in_this_build() -%}
    select
        least(entities_a.entity_id, entities_b.entity_id) as entity_id_a,
        greatest(entities_a.entity_id, entities_b.entity_id) as entity_id_b
    from {{ ref('int_node_pairs_by_article') }} as retired_rows
    inner join ({{ node_entities() }}) as entities_a
        on retired_rows.node_hash_a = entities_a.node_hash
    inner join ({{ node_entities() }}) as entities_b
        on retired_rows.node_hash_b = entities_b.node_hash
    where retired_rows.retired_by = '{{ invocation_id }}'
    group by
        least(entities_a.entity_id, entities_b.entity_id),
        greatest(entities_a.entity_id, entities_b.entity_id)
    having count(*) filter (where entities_a.entity_id != entities_b.entity_id) > 0
{%- endmacro %}

{#- fct_entity_cooccurrence's pre-hook: the stored pairs this build re-sums are
    deleted first (an entity of the pair changed names, or the pair lost a row), and
    so are pairs of an entity that no longer exists. When the pair table holds no
    row of an earlier build (it was just built in full, e.g. the first build after
    an upgrade), every stored total goes: all are summed anew. -#}
{% macro delete_pairs_to_resum() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where
            not exists (
                select 1
                from {{ ref('int_node_pairs_by_article') }} as earlier_rows
                where earlier_rows.built_by != '{{ invocation_id }}'
            )
            or stored.entity_id_a in ({{ entities_changed_by_this_build() }})
            or stored.entity_id_b in ({{ entities_changed_by_this_build() }})
            or stored.entity_id_a not in (select current_keys.entity_id from {{ ref('int_entity_keys_resolved') }} as current_keys)
            or stored.entity_id_b not in (select current_keys.entity_id from {{ ref('int_entity_keys_resolved') }} as current_keys)
            or exists (
                select 1
                from ({{ pairs_that_lost_rows_in_this_build() }}) as lost_pairs
                where
                    lost_pairs.entity_id_a = stored.entity_id_a
                    and lost_pairs.entity_id_b = stored.entity_id_b
            )
    {%- endif -%}
{%- endmacro %}
