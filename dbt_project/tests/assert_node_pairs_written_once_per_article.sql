-- int_node_pairs_by_article has one live row per pair of names per article.
--
-- A load checks the rows it wrote: no pair written twice by this build (rows of earlier
-- builds were checked by those builds; a separate `dbt test` has written nothing and
-- passes, unless var test_build names the build to check). Whether an earlier live row
-- was left beside a pair this build wrote again (a renamed article's pair that the
-- retiring update missed) is checked by the full run (test_scope 'all',
-- `make dbt-test-all`) over every live row: finding the earlier rows of this build's
-- articles reads the article ids of the whole table, 13.7 s at 1M articles (479M rows),
-- a tenth of the build, where this build's rows are found by their build id in the last
-- row groups.
{% if var('test_scope', 'build') == 'all' -%}

    select
        article_id,
        node_hash_a,
        node_hash_b,
        'pair live twice' as problem
    from {{ ref('int_node_pairs_by_article') }}
    where retired_at is null
    group by article_id, node_hash_a, node_hash_b
    having count(*) > 1

{%- else -%}

    select
        article_id,
        node_hash_a,
        node_hash_b,
        'pair written twice' as problem
    from {{ ref('int_node_pairs_by_article') }}
    where built_by = '{{ var("test_build", invocation_id) }}'
    group by article_id, node_hash_a, node_hash_b
    having count(*) > 1

{%- endif %}
