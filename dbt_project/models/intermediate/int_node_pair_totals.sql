-- One row per pair of names (node_hash_a < node_hash_b) with live rows in
-- int_node_pairs_by_article: in how many articles both appear, in how many of their
-- sentences, and when first and last. fct_entity_cooccurrence re-sums the pairs of the
-- entities a build moved (a split, a renamed key, a pair that lost an article) from
-- these totals: at 1M articles 700k rows, against the pair table's 479M.
--
-- Incremental per pair of names: a build adds the rows it wrote in the pair table (new
-- articles, and renamed rows again) and takes off the rows it retired there (articles
-- no longer published, renamed rows). A pair whose first or last date was a retired_rows
-- row's date, and that keeps rows, is counted again from its live rows, read from the
-- articles that mention both names. The post-hook deletes the pairs left with no row.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['node_hash_a', 'node_hash_b'],
        on_schema_change='fail',
        pre_hook="{{ delete_name_pair_totals_if_pairs_rebuilt() }}",
        post_hook="{{ delete_name_pairs_without_rows() }}"
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('int_entity_keys_resolved') }}
-- depends_on: {{ ref('int_entity_mentions_normalized') }}

{% set summed_anew = not is_incremental() or not pair_rows_of_earlier_builds() %}
{% set retired = not summed_anew and (this_build_renamed_keys() or this_build_unpublished_articles()) %}

with

-- the rows this build wrote (every live row when summed anew)
written as (

    {{ sum_pair_rows(
        "pair_rows.retired_at is null"
        ~ " and (" ~ summed_anew ~ " or pair_rows.built_by = '" ~ invocation_id ~ "')"
    ) }}

),

{% if summed_anew -%}

    final as (

        select
            node_hash_a,
            node_hash_b,
            article_count::integer as article_count,
            first_seen_date,
            last_seen_date,
            sentence_count::integer as sentence_count
        from written

    )

{%- else -%}

    -- the rows this build retired (it purged the earlier builds' retired rows first)
    retired_rows as (

        {{ sum_pair_rows("pair_rows.retired_at = " ~ this_build_started_at() if retired else "false") }}

    ),

    changed as (

        select
            coalesce(written.node_hash_a, retired_rows.node_hash_a) as node_hash_a,
            coalesce(written.node_hash_b, retired_rows.node_hash_b) as node_hash_b,
            coalesce(stored_totals.article_count, 0)
            + coalesce(written.article_count, 0)
            - coalesce(retired_rows.article_count, 0) as article_count,
            coalesce(stored_totals.sentence_count, 0)
            + coalesce(written.sentence_count, 0)
            - coalesce(retired_rows.sentence_count, 0) as sentence_count,
            least(
                case
                    when coalesce(stored_totals.first_seen_date < retired_rows.first_seen_date, true)
                        then stored_totals.first_seen_date
                end,
                written.first_seen_date
            ) as first_seen_date,
            greatest(
                case
                    when coalesce(stored_totals.last_seen_date > retired_rows.last_seen_date, true)
                        then stored_totals.last_seen_date
                end,
                written.last_seen_date
            ) as last_seen_date,
            -- a retired row held the first or the last date: the live rows tell the new one
            (
                retired_rows.first_seen_date <= stored_totals.first_seen_date
                or retired_rows.last_seen_date >= stored_totals.last_seen_date
            ) as is_recounted
        from written
        full outer join retired_rows
            on
                written.node_hash_a = retired_rows.node_hash_a
                and written.node_hash_b = retired_rows.node_hash_b
        left join {{ this }} as stored_totals
            on
                coalesce(written.node_hash_a, retired_rows.node_hash_a) = stored_totals.node_hash_a
                and coalesce(written.node_hash_b, retired_rows.node_hash_b) = stored_totals.node_hash_b

    ),

    recounted_pairs as materialized (

        select
            changed.node_hash_a,
            changed.node_hash_b
        from changed
        where changed.is_recounted and changed.article_count > 0

    ),

    -- the articles that mention both names of a recounted pair: only they have its rows
    recounted_names as materialized (

        {{ article_names_among(
            'select recounted_pairs.node_hash_a from recounted_pairs'
            ~ ' union select recounted_pairs.node_hash_b from recounted_pairs'
        ) }}

    ),

    recounted_articles as (

        select distinct names_a.article_id
        from recounted_names as names_a
        inner join recounted_names as names_b
            on
                names_a.article_id = names_b.article_id
                and names_a.node_hash < names_b.node_hash
        inner join recounted_pairs
            on
                names_a.node_hash = recounted_pairs.node_hash_a
                and names_b.node_hash = recounted_pairs.node_hash_b

    ),

    recounted as (

        {{ sum_pair_rows(
            'pair_rows.retired_at is null'
            ~ ' and pair_rows.article_id in (select recounted_articles.article_id from recounted_articles)'
            ~ ' and exists (select 1 from recounted_pairs where recounted_pairs.node_hash_a = pair_rows.node_hash_a'
            ~ ' and recounted_pairs.node_hash_b = pair_rows.node_hash_b)'
        ) }}

    ),

    final as (

        select
            changed.node_hash_a,
            changed.node_hash_b,
            coalesce(recounted.article_count, changed.article_count)::integer as article_count,
            coalesce(recounted.first_seen_date, changed.first_seen_date) as first_seen_date,
            coalesce(recounted.last_seen_date, changed.last_seen_date) as last_seen_date,
            coalesce(recounted.sentence_count, changed.sentence_count)::integer as sentence_count
        from changed
        left join recounted
            on
                changed.node_hash_a = recounted.node_hash_a
                and changed.node_hash_b = recounted.node_hash_b

    )

{%- endif %}

select * from final
