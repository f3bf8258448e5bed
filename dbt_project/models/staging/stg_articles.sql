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

renamed as (

    select
        documents.article_id,
        documents.title,
        documents.publisher,
        documents.author,
        documents.published_date,
        documents.body_text,
        documents.minhash,
        raw_articles.source_uri,
        raw_articles.landed_at,
        len(regexp_extract_all(documents.body_text, '\S+'))::integer as word_count
    from documents
    inner join raw_articles
        on documents.article_id = raw_articles.article_id
    where
        documents.enrichment_error is null
        and documents.article_id not in (select quarantined.article_id from quarantined)

),

-- Near-duplicate detection, MinHash + LSH: 8 bands of 8 signature values; two
-- articles sharing any band are candidates, then the share of equal values
-- estimates their Jaccard similarity over word 5-shingles.
signature_bands as (

    select
        renamed.article_id,
        bands.band,
        hash(list_slice(renamed.minhash, bands.band * 8 + 1, bands.band * 8 + 8)) as band_hash
    from renamed
    cross join range(8) as bands (band)
    where len(renamed.minhash) = 64

),

candidate_pairs as (

    select distinct
        later.article_id,
        earlier.article_id as earlier_article_id
    from signature_bands as later
    inner join signature_bands as earlier
        on
            later.band = earlier.band
            and later.band_hash = earlier.band_hash
            and later.article_id != earlier.article_id

),

-- "Earlier" = landed first; within one load, the earlier published date, then
-- the source path, so the original of a syndicated pair is chosen the same way
-- on every rebuild.
scored_pairs as (

    select
        candidate_pairs.article_id,
        candidate_pairs.earlier_article_id,
        list_sum(
            list_transform(range(1, 65), lambda i: (later.minhash[i] = earlier.minhash[i])::integer)  -- noqa: RF02
        ) / 64.0 as similarity,
        row_number() over (
            partition by candidate_pairs.article_id
            order by
                earlier.landed_at,
                earlier.published_date nulls last,
                earlier.source_uri,
                earlier.article_id
        ) as earliness_rank
    from candidate_pairs
    inner join renamed as later
        on candidate_pairs.article_id = later.article_id
    inner join renamed as earlier
        on candidate_pairs.earlier_article_id = earlier.article_id
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
        where similarity >= {{ var('near_duplicate_threshold') }}
    )
    where pick = 1

),

final as (

    select
        renamed.article_id,
        renamed.title,
        renamed.publisher,
        renamed.author,
        renamed.published_date,
        renamed.body_text,
        renamed.word_count,
        earliest_duplicates.duplicate_of,
        renamed.source_uri,
        renamed.landed_at
    from renamed
    left join earliest_duplicates
        on renamed.article_id = earliest_duplicates.article_id

)

select * from final
