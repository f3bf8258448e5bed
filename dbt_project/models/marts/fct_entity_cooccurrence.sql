-- One row per pair of entities mentioned in the same article (entity_id_a < entity_id_b):
-- in how many articles and sentences both appear, and when.
--
-- Incremental per pair: a build re-sums only the pairs it touched, those of the
-- int_entity_pairs_by_article rows it built or retired (new articles, articles whose
-- entities moved, articles no longer published). The pre-hook deletes those pairs; the
-- ones that still have an article are appended again with their new totals.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_pairs_touched_by_this_build() }}"
    )
}}

with

{% if is_incremental() -%}

    -- The model is read twice, each time by its own reference: DuckDB materialises a
    -- CTE referenced twice, which would copy the whole table (53M rows at 100k).
    touched_pairs as (

        select distinct
            article_pairs.entity_id_a,
            article_pairs.entity_id_b
        from {{ ref('int_entity_pairs_by_article') }} as article_pairs
        where {{ written_or_retired_by_this_build('article_pairs') }}

    ),

{%- endif %}

live_article_pairs as (

    select article_pairs.*
    from {{ ref('int_entity_pairs_by_article') }} as article_pairs
    {% if is_incremental() -%}
        inner join touched_pairs
            on
                article_pairs.entity_id_a = touched_pairs.entity_id_a
                and article_pairs.entity_id_b = touched_pairs.entity_id_b
    {%- endif %}
    where article_pairs.retired_by is null

),

final as (

    select
        entity_id_a,
        entity_id_b,
        count(*)::integer as article_count,
        min(seen_date) as first_seen_date,
        max(seen_date) as last_seen_date,
        sum(sentence_count)::integer as sentence_count
    from live_article_pairs
    group by entity_id_a, entity_id_b

)

select * from final
