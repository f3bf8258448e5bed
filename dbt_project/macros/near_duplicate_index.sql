{#- The near-duplicate index (stg_article_fingerprints) and its readers in
    stg_articles share these rules. -#}

{#- Pre-hook of the models keyed by article: remove the rows of articles that are
    no longer publishable (quarantined, or their enrichment failed). `key` is the
    column to match and `to_key` how an article_id becomes it. -#}
{% macro delete_rows_of_unpublishable_articles(key='article_id', to_key='') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            {{ key }} in (
                select {{ to_key }}(q.article_id) from {{ source('audit', 'quarantined_articles') }} as q
            )
            or {{ key }} in (
                select {{ to_key }}(d.article_id) from {{ source('enriched', 'documents') }} as d
                where d.enrichment_error is not null
            )
    {%- endif -%}
{%- endmacro %}

{#- The index's anchor rows sharing an anchor with the fingerprints in
    `fingerprints_cte`, without stock phrases: an anchor found in more than
    near_duplicate_anchor_max_articles articles ("did not immediately respond
    to", a standard disclaimer) is no evidence of copying, and is dropped before
    any pair join (a stock anchor in N articles makes N² pairs). -#}
{% macro non_stock_anchor_rows(fingerprints_cte) -%}
    select
        fingerprints.article_key,
        fingerprints.fingerprint,
        fingerprints.anchor_count
    from {{ ref('stg_article_fingerprints') }} as fingerprints
    where
        fingerprints.band is null
        and fingerprints.fingerprint in (
            select {{ fingerprints_cte }}.fingerprint
            from {{ fingerprints_cte }}
            where {{ fingerprints_cte }}.band is null
        )
    qualify count(*) over (partition by fingerprints.fingerprint) <= {{ var('near_duplicate_anchor_max_articles') }}
{%- endmacro %}

{#- Candidate pairs (article_key, earlier_article_key) of the articles whose index
    rows are `fingerprints_cte`: any article sharing a MinHash band with one of them,
    or enough non-stock anchors (`anchor_matches_cte`, from non_stock_anchor_rows of
    the same articles; macro anchor_candidate). Every candidate is checked exactly
    by stg_articles. -#}
{% macro candidate_pairs_of(fingerprints_cte, anchor_matches_cte) -%}
    select
        later.article_key,
        earlier.article_key as earlier_article_key
    from {{ fingerprints_cte }} as later
    inner join {{ ref('stg_article_fingerprints') }} as earlier
        on
            later.band = earlier.band
            and later.fingerprint = earlier.fingerprint
            and later.article_key != earlier.article_key
    union
    select
        later.article_key,
        earlier.article_key as earlier_article_key
    from {{ anchor_matches_cte }} as later
    inner join {{ anchor_matches_cte }} as earlier
        on
            later.fingerprint = earlier.fingerprint
            and later.article_key != earlier.article_key
    where
        later.article_key in (select {{ fingerprints_cte }}.article_key from {{ fingerprints_cte }})
    group by later.article_key, earlier.article_key, later.anchor_count, earlier.anchor_count
    having {{ anchor_candidate('later', 'earlier') }}
{%- endmacro %}
