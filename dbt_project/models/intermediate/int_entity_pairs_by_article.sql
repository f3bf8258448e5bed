-- One row per pair of entities mentioned in the same article (entity_id_a < entity_id_b):
-- the article's date and in how many of its sentences both appear.
-- fct_entity_cooccurrence sums these rows per pair.
--
-- Incremental per article, with soft deletes, so that the mart re-sums only the pairs a
-- build touched instead of every pair. A build first purges the rows the previous build
-- retired, then retires (retired_by = this build) the rows of articles no longer
-- published and of the articles int_articles_rebuilt marks for this build (new ones,
-- and those whose entities moved), and appends those articles' pairs anew (built_by =
-- this build). The pairs of rows built or retired by a build are the pairs it touched;
-- live rows are those with retired_by null.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ purge_retired_rows() }}",
            "{{ retire_rows_of_rebuilt_articles() }}"
        ]
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('stg_articles') }}

with

mentions as (

    select
        mentions.article_id,
        mentions.sentence_index,
        mentions.seen_date,
        resolved_keys.entity_id
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
    {% if is_incremental() -%}
        where mentions.article_id in ({{ articles_rebuilt_by_this_build() }})
    {%- endif %}

),

entity_articles as (

    select distinct
        entity_id,
        article_id,
        seen_date
    from mentions

),

entity_sentences as (

    select distinct
        entity_id,
        article_id,
        sentence_index
    from mentions

),

article_pairs as (

    select
        entity_a.article_id,
        entity_a.entity_id as entity_id_a,
        entity_b.entity_id as entity_id_b,
        entity_a.seen_date
    from entity_articles as entity_a
    inner join entity_articles as entity_b
        on
            entity_a.article_id = entity_b.article_id
            and entity_a.entity_id < entity_b.entity_id

),

sentence_pairs as (

    select
        entity_a.article_id,
        entity_a.entity_id as entity_id_a,
        entity_b.entity_id as entity_id_b,
        count(*) as sentence_count
    from entity_sentences as entity_a
    inner join entity_sentences as entity_b
        on
            entity_a.article_id = entity_b.article_id
            and entity_a.sentence_index = entity_b.sentence_index
            and entity_a.entity_id < entity_b.entity_id
    group by entity_a.article_id, entity_a.entity_id, entity_b.entity_id

),

final as (

    select
        article_pairs.article_id,
        article_pairs.entity_id_a,
        article_pairs.entity_id_b,
        article_pairs.seen_date,
        coalesce(sentence_pairs.sentence_count, 0)::integer as sentence_count,
        '{{ invocation_id }}' as built_by,
        null::varchar as retired_by
    from article_pairs
    left join sentence_pairs
        on
            article_pairs.article_id = sentence_pairs.article_id
            and article_pairs.entity_id_a = sentence_pairs.entity_id_a
            and article_pairs.entity_id_b = sentence_pairs.entity_id_b

)

select * from final
