-- The rows this build wrote to int_node_pairs_by_article are one per pair per article,
-- and no live row of an earlier build is left for those articles (they were retired).
-- Rows of earlier builds were checked by those builds, so this test reads only the
-- new rows and the article ids of the rest, not every pair of the warehouse (a
-- separate `dbt test` has no rows of its own and passes trivially). Each CTE reads
-- the model once: DuckDB materialises a CTE that is referenced twice, which here
-- would copy the whole table (53M rows at 100k articles).
with

written as (

    select
        article_id,
        node_hash_a,
        node_hash_b
    from {{ ref('int_node_pairs_by_article') }}
    where built_by = '{{ invocation_id }}'

),

rewritten_articles as (

    select distinct article_id
    from {{ ref('int_node_pairs_by_article') }}
    where built_by = '{{ invocation_id }}'

),

earlier_live_rows as (

    select article_id
    from {{ ref('int_node_pairs_by_article') }}
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
        null as node_hash_a,
        null as node_hash_b,
        'live row of an earlier build' as problem
    from earlier_live_rows
    inner join rewritten_articles
        on earlier_live_rows.article_id = rewritten_articles.article_id

),

final as (

    select * from repeated
    union all
    select * from left_live

)

select * from final
