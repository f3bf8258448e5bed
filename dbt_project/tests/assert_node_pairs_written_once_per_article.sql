-- The rows this build wrote to int_node_pairs_by_article are one per pair per article,
-- and no live row of an earlier build is left for those pairs (it was retired: a new
-- article has no earlier rows; a renamed article keeps its pairs of two other names).
-- Rows of earlier builds were checked by those builds, so this test reads only the
-- new rows and the earlier rows of their articles (by rowid), not every pair of the
-- warehouse (a separate `dbt test` has no rows of its own and passes trivially).
{% set written_articles -%}
    select w.article_id from {{ ref('int_node_pairs_by_article') }} as w
    where w.built_by = '{{ invocation_id }}'
{%- endset %}

with

written as (

    select
        article_id,
        node_hash_a,
        node_hash_b
    from {{ ref('int_node_pairs_by_article') }}
    where built_by = '{{ invocation_id }}'

),

earlier_live_rows as (

    select
        article_id,
        node_hash_a,
        node_hash_b
    from {{ rows_by_key(ref('int_node_pairs_by_article'), 'article_id', written_articles) }} as rows_of_written_articles
    where
        built_by != '{{ invocation_id }}'
        and retired_by is null

),

repeated as (

    select
        article_id,
        node_hash_a,
        node_hash_b,
        'pair written twice' as problem
    from written
    group by article_id, node_hash_a, node_hash_b
    having count(*) > 1

),

left_live as (

    select distinct
        earlier_live_rows.article_id,
        earlier_live_rows.node_hash_a,
        earlier_live_rows.node_hash_b,
        'pair also live from an earlier build' as problem
    from earlier_live_rows
    inner join written
        on
            earlier_live_rows.article_id = written.article_id
            and earlier_live_rows.node_hash_a = written.node_hash_a
            and earlier_live_rows.node_hash_b = written.node_hash_b

),

final as (

    select * from repeated
    union all
    select * from left_live

)

select * from final
