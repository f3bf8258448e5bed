-- Incremental on article_id: a load rebuilds only its new articles, plus the
-- earlier ones whose duplicate_of a new article can change (it shares a MinHash
-- band or enough shingle anchors with them: articles of a rejected load may land
-- earlier and arrive later). Candidates come from the persisted index
-- stg_article_fingerprints (built first). Rows whose article is now quarantined or failed
-- are deleted first.
{{
    config(
        materialized='incremental',
        unique_key='article_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_unpublishable_articles() }}"
    )
}}

-- ids whose rows are read by rowid (macro rows_by_key)
{% set later_ids = 'select c.article_id from candidate_pairs as c' %}
{% set earlier_ids = 'select c.earlier_article_id from candidate_pairs as c' %}
{% set affected_ids = 'select a.article_id from affected as a' %}

-- documents and raw_articles are read several times: inlined, each read takes only
-- the columns and rows it needs. Materialised (DuckDB's default for a CTE read more
-- than once), every build copied every article's text, signature and shingles into
-- memory (at 1M articles several GB: spilled, 50 s of a 1,000-article load).
with

documents as not materialized (

    select * from {{ source('enriched', 'documents') }}

),

raw_articles as not materialized (

    select * from {{ source('raw', 'articles') }}

),

quarantined as (

    select distinct article_id from {{ source('audit', 'quarantined_articles') }}

),

-- Every publishable article, with its ordering keys only: signatures and
-- shingles are read for candidate pairs alone (at 1M articles they are ~3 GB).
eligible as (

    select
        documents.article_id,
        documents.published_date,
        raw_articles.source_uri,
        raw_articles.landed_at
    from documents
    inner join raw_articles
        on documents.article_id = raw_articles.article_id
    where
        documents.enrichment_error is null
        and documents.article_id not in (select quarantined.article_id from quarantined)

),

-- Near-duplicate detection. Candidates come from stg_article_fingerprints,
-- the persisted index of every publishable article's MinHash bands (8 bands of
-- 8 signature values: two articles sharing a band are candidates; the share of
-- equal values estimates their Jaccard similarity over word 5-shingles) and
-- shingle anchors (for containment: a copy trimmed or cut short on another
-- site shares few MinHash bands with its original, but about a quarter of its
-- contained shingles as anchors). A build joins only the fingerprints of the
-- articles it (re)checks against the index, never all articles against all. The
-- index is read in place (no CTE: DuckDB would materialise a CTE read several
-- times, i.e. copy the whole index into memory on every build).
eligible_keys as (

    select
        eligible.article_id,
        hash(eligible.article_id) as article_key
    from eligible

),

new_articles as (

    select eligible.article_id
    from eligible
    {% if is_incremental() %}
        where eligible.article_id not in (select built_articles.article_id from {{ this }} as built_articles)
    {% endif %}

),

new_fingerprints as (

    select fingerprints.*
    from {{ ref('stg_article_fingerprints') }} as fingerprints
    where fingerprints.article_key in (select hash(new_articles.article_id) from new_articles)

),

-- Anchors in more than near_duplicate_anchor_max_articles articles are stock
-- phrases (macro non_stock_anchor_rows): they find no candidates, which keeps a
-- new article's search bounded however large the warehouse grows. Counted
-- only for the anchors of the new articles (and below, of the affected ones).
new_anchor_matches as (

    {{ non_stock_anchor_rows('new_fingerprints') }}

),

-- Candidate pairs of the new articles (macro candidate_pairs_of).
new_candidate_keys as (

    {{ candidate_pairs_of('new_fingerprints', 'new_anchor_matches') }}

),

-- The articles (re)built by this run: the new ones, earlier ones sharing a band
-- or enough anchors with a new one, and any whose duplicate_of no longer exists.
affected as (

    select new_articles.article_id from new_articles
    {% if is_incremental() %}
        union
        select eligible_keys.article_id
        from new_candidate_keys
        inner join eligible_keys
            on new_candidate_keys.earlier_article_key = eligible_keys.article_key
        union
        select built_articles.article_id
        from {{ this }} as built_articles
        where
            built_articles.duplicate_of is not null
            and built_articles.duplicate_of not in (select eligible.article_id from eligible)
    {% endif %}

),

affected_fingerprints as (

    select fingerprints.*
    from {{ ref('stg_article_fingerprints') }} as fingerprints
    where fingerprints.article_key in (select hash(affected.article_id) from affected)

),

affected_anchor_matches as (

    {{ non_stock_anchor_rows('affected_fingerprints') }}

),

-- Candidate pairs of the affected articles: every one is checked exactly below.
candidate_keys as (

    {{ candidate_pairs_of('affected_fingerprints', 'affected_anchor_matches') }}

),

-- Materialised: inlined into scored_pairs' joins, the planner re-ran the
-- candidate search per row (223 s against 0.7 s for 1,000 new into 11k).
candidate_pairs as materialized (

    select
        later_ids.article_id,
        earlier_ids.article_id as earlier_article_id
    from candidate_keys
    inner join eligible_keys as later_ids
        on candidate_keys.article_key = later_ids.article_key
    inner join eligible_keys as earlier_ids
        on candidate_keys.earlier_article_key = earlier_ids.article_key

),

-- "Earlier" = landed first; within one load, the earlier published date, then
-- the source path, so the original of a syndicated pair is chosen the same way
-- on every rebuild. similarity: share of equal MinHash values (~ Jaccard of
-- word 5-shingles). containment: exact share of the shorter text's shingles
-- found in the longer's, read only for candidate pairs; NULL when the shorter
-- has fewer than near_duplicate_min_shingles (a short text is "contained" in
-- any article quoting it, which says nothing about copying).
scored_pairs as (

    select
        candidate_pairs.article_id,
        candidate_pairs.earlier_article_id,
        list_sum(
            list_transform(
                range(1, 65),
                lambda i: (later_shingles.minhash[i] = earlier_shingles.minhash[i])::integer  -- noqa: RF02
            )
        ) / 64.0 as similarity,
        case
            when
                least(len(later_shingles.shingle_hashes), len(earlier_shingles.shingle_hashes))
                >= {{ var('near_duplicate_min_shingles') }}
                then
                    len(list_intersect(later_shingles.shingle_hashes, earlier_shingles.shingle_hashes))
                    / least(len(later_shingles.shingle_hashes), len(earlier_shingles.shingle_hashes))
        end as containment,
        row_number() over (
            partition by candidate_pairs.article_id
            order by
                earlier.landed_at,
                earlier.published_date nulls last,
                earlier.source_uri,
                earlier.article_id
        ) as earliness_rank
    from candidate_pairs
    inner join eligible as later
        on candidate_pairs.article_id = later.article_id
    inner join eligible as earlier
        on candidate_pairs.earlier_article_id = earlier.article_id
    inner join {{ rows_by_key(source('enriched', 'documents'), 'article_id', later_ids) }} as later_shingles
        on candidate_pairs.article_id = later_shingles.article_id
    inner join {{ rows_by_key(source('enriched', 'documents'), 'article_id', earlier_ids) }} as earlier_shingles
        on candidate_pairs.earlier_article_id = earlier_shingles.article_id
    where
        (earlier.landed_at, coalesce(earlier.published_date, date '9999-12-31'), earlier.source_uri)
        < (later.landed_at, coalesce(later.published_date, date '9999-12-31'), later.source_uri)

),

earliest_duplicates as (

    select
        article_id,
        earlier_article_id as duplicate_of
    from (
        select
            *,
            row_number() over (partition by article_id order by earliness_rank) as pick
        from scored_pairs
        where
            similarity >= {{ var('near_duplicate_threshold') }}
            or containment >= {{ var('near_duplicate_containment') }}
    )
    where pick = 1

),

affected_documents as (

    select
        documents.article_id,
        documents.title,
        documents.publisher,
        documents.author,
        documents.published_date,
        documents.body_text,
        len(regexp_extract_all(documents.body_text, '\S+'))::integer as word_count
    from affected
    inner join {{ rows_by_key(source('enriched', 'documents'), 'article_id', affected_ids) }} as documents
        on affected.article_id = documents.article_id

),

final as (

    select
        affected_documents.article_id,
        affected_documents.title,
        affected_documents.publisher,
        affected_documents.author,
        affected_documents.published_date,
        affected_documents.body_text,
        affected_documents.word_count,
        earliest_duplicates.duplicate_of,
        raw_articles.source_uri,
        raw_articles.landed_at,
        raw_articles.content_type,
        raw_articles.url,
        raw_articles.language
    from affected_documents
    inner join raw_articles
        on affected_documents.article_id = raw_articles.article_id
    left join earliest_duplicates
        on affected_documents.article_id = earliest_duplicates.article_id

)

select * from final
