-- The rows this build wrote to int_entity_pairs_by_article are one per pair per article,
-- and no live row of an earlier build is left for those articles (they were retired).
-- Rows of earlier builds were checked by those builds, so this test reads only the
-- new rows and the article ids of the rest, not every pair of the warehouse (a
-- separate `dbt test` has no rows of its own and passes trivially).
with

pairs as (

    select * from {{ ref('int_entity_pairs_by_article') }}

),

written as (

    select * from pairs
    where built_by = '{{ invocation_id }}'

),

rewritten_articles as (

    select distinct article_id from written

),

repeated as (

    select
        article_id,
        entity_id_a,
        entity_id_b,
        'pair written twice' as problem
    from written
    group by article_id, entity_id_a, entity_id_b
    having count(*) > 1

),

left_live as (

    select distinct
        earlier.article_id,
        null as entity_id_a,
        null as entity_id_b,
        'live row of an earlier build' as problem
    from pairs as earlier
    inner join rewritten_articles
        on earlier.article_id = rewritten_articles.article_id
    where
        earlier.built_by != '{{ invocation_id }}'
        and earlier.retired_by is null

),

final as (

    select * from repeated
    union all
    select * from left_live

)

select * from final
