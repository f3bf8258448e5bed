-- The near-duplicate index of stg_articles, persisted: per publishable article,
-- its 8 MinHash band hashes and its shingle anchors (the body's word 5-shingle
-- hashes divisible by 4). A load adds the rows of its new articles only, so
-- finding a new article's candidates is an index join against this table instead
-- of re-deriving every article's bands and anchors on every build (at 1M
-- articles: ~150M anchors, tens of GB of spill). Rows of articles quarantined
-- or failed since are deleted first. article_key = hash(article_id): a
-- 64-bit key keeps the table about a third of the size it would have with
-- the 64-character id (a collision among 1M articles: ~3e-8).
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_unpublishable_articles('article_key', 'hash') }}"
    )
}}

-- ids whose rows are read by rowid (macro rows_by_key)
{% set new_ids = 'select n.article_id from new_article_ids as n' %}

with

documents as (

    select * from {{ source('enriched', 'documents') }}

),

raw_articles as (

    select * from {{ source('raw', 'articles') }}

),

quarantined as (

    select distinct article_id from {{ source('audit', 'quarantined_articles') }}

),

-- the publishable articles this build has not indexed yet (the same rule as
-- stg_articles' eligible), found by id before their signatures and shingles are read
new_article_ids as (

    select documents.article_id
    from documents
    inner join raw_articles
        on documents.article_id = raw_articles.article_id
    where
        documents.enrichment_error is null
        and documents.article_id not in (select quarantined.article_id from quarantined)
        {% if is_incremental() -%}
            and hash(documents.article_id) not in (
                -- one row per indexed article (the index has ~150 per article): every
                -- article with a signature has a band 0, and one without has no rows
                select built.article_key from {{ this }} as built
                where built.band = 0
            )
        {%- endif %}

),

new_documents as (

    select
        documents.minhash,
        documents.shingle_hashes,
        hash(documents.article_id) as article_key
    from {{ rows_by_key(source('enriched', 'documents'), 'article_id', new_ids) }} as documents

),

-- MinHash + LSH: 8 bands of 8 signature values; two articles sharing any band
-- are candidates.
bands as (

    select
        new_documents.article_key,
        signature_bands.band::utinyint as band,
        hash(
            list_slice(new_documents.minhash, signature_bands.band * 8 + 1, signature_bands.band * 8 + 8)
        ) as fingerprint,
        null::integer as anchor_count
    from new_documents
    cross join range(8) as signature_bands (band)
    where len(new_documents.minhash) = 64

),

-- Anchors are a sample chosen by value, so a shingle two texts share is an
-- anchor in both. Only texts with enough shingles to be compared by
-- containment get anchors.
article_anchors as (

    select
        new_documents.article_key,
        list_filter(new_documents.shingle_hashes, lambda h: h % 4 = 0) as anchors  -- noqa: RF03
    from new_documents
    where len(new_documents.shingle_hashes) >= {{ var('near_duplicate_min_shingles') }}

),

anchors as (

    select
        article_anchors.article_key,
        null::utinyint as band,
        unnest(article_anchors.anchors)::ubigint as fingerprint,
        len(article_anchors.anchors)::integer as anchor_count
    from article_anchors

),

final as (

    select * from bands
    union all
    select * from anchors

)

select * from final
