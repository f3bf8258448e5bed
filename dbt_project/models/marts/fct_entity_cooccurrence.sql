-- One row per pair of entities mentioned in the same article (entity_id_a < entity_id_b):
-- in how many articles and sentences both appear, and when.
--
-- Incremental per pair, on the int_entity_pairs_by_article rows this build built or
-- retired (new articles, articles whose entities moved, articles no longer published):
--   a pair that only gained rows (no row of it retired) gets the new rows' counts
--     added onto its stored totals: the mart is read, not every row of the pair;
--   a pair that lost a row (counts and dates cannot be taken back) is deleted by the
--     pre-hook and re-summed from its live rows; gone if it has none left.
-- delete+insert then replaces the rows of the pairs computed here.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['entity_id_a', 'entity_id_b'],
        on_schema_change='fail',
        pre_hook="{{ delete_pairs_that_lost_rows_in_this_build() }}"
    )
}}

with

{% if is_incremental() -%}

    -- Read once (DuckDB materialises a CTE referenced twice: this one is small).
    touched_rows as (

        select
            article_pairs.entity_id_a,
            article_pairs.entity_id_b,
            article_pairs.seen_date,
            article_pairs.sentence_count,
            article_pairs.retired_by
        from {{ ref('int_entity_pairs_by_article') }} as article_pairs
        where {{ written_or_retired_by_this_build('article_pairs') }}

    ),

    lost_pairs as (

        select distinct
            touched_rows.entity_id_a,
            touched_rows.entity_id_b
        from touched_rows
        where touched_rows.retired_by is not null

    ),

    gained as (

        select
            touched_rows.entity_id_a,
            touched_rows.entity_id_b,
            count(*) as article_count,
            min(touched_rows.seen_date) as first_seen_date,
            max(touched_rows.seen_date) as last_seen_date,
            sum(touched_rows.sentence_count) as sentence_count
        from touched_rows
        left join lost_pairs
            on
                touched_rows.entity_id_a = lost_pairs.entity_id_a
                and touched_rows.entity_id_b = lost_pairs.entity_id_b
        where
            touched_rows.retired_by is null
            and lost_pairs.entity_id_a is null
        group by touched_rows.entity_id_a, touched_rows.entity_id_b

    ),

    gained_totals as (

        select
            gained.entity_id_a,
            gained.entity_id_b,
            (gained.article_count + coalesce(stored_totals.article_count, 0))::integer as article_count,
            least(gained.first_seen_date, coalesce(stored_totals.first_seen_date, gained.first_seen_date))
                as first_seen_date,
            greatest(gained.last_seen_date, coalesce(stored_totals.last_seen_date, gained.last_seen_date))
                as last_seen_date,
            (gained.sentence_count + coalesce(stored_totals.sentence_count, 0))::integer as sentence_count
        from gained
        left join {{ this }} as stored_totals
            on
                gained.entity_id_a = stored_totals.entity_id_a
                and gained.entity_id_b = stored_totals.entity_id_b

    ),

{%- endif %}

live_article_pairs as (

    select article_pairs.*
    from {{ ref('int_entity_pairs_by_article') }} as article_pairs
    {% if is_incremental() -%}
        inner join lost_pairs
            on
                article_pairs.entity_id_a = lost_pairs.entity_id_a
                and article_pairs.entity_id_b = lost_pairs.entity_id_b
    {%- endif %}
    where article_pairs.retired_by is null

),

resummed as (

    select
        entity_id_a,
        entity_id_b,
        count(*)::integer as article_count,
        min(seen_date) as first_seen_date,
        max(seen_date) as last_seen_date,
        sum(sentence_count)::integer as sentence_count
    from live_article_pairs
    group by entity_id_a, entity_id_b

),

final as (

    select * from resummed
    {% if is_incremental() -%}
        union all
        select * from gained_totals
    {%- endif %}

)

select * from final
