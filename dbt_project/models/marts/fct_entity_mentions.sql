-- One row per entity mention of a published article, pointing at its entity.
-- Incremental per article: a build appends its new articles and rewrites the
-- articles int_articles_rebuilt marks (their duplicate_of changed). When a merge, a
-- split or an alias edit moves a name to another entity, the pre-hook updates the
-- entity_id of that name's mentions in place (macros/entity_moves.sql).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ delete_rows_of_rebuilt_articles() }}",
            "{{ move_mentions_of_moved_keys() }}"
        ]
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('int_entity_mentions_moved') }}
-- depends_on: {{ ref('stg_articles') }}

with

mentions as (

    select * from {{ ref('int_entity_mentions_normalized') }}
    {{ where_article_rebuilt_by_this_build() }}

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
