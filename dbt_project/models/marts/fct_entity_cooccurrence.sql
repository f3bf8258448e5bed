-- One row per pair of entities mentioned in the same article (entity_id_a < entity_id_b):
-- in how many articles and sentences both appear, and when.

with

mentions as (

    select * from {{ ref('fct_entity_mentions') }}

),

entity_articles as (

    select distinct
        entity_id,
        article_id,
        seen_date
    from mentions

),

entity_sentences as (

    select distinct
        entity_id,
        article_id,
        sentence_index
    from mentions

),

article_pairs as (

    select
        entity_a.entity_id as entity_id_a,
        entity_b.entity_id as entity_id_b,
        count(*)::integer as article_count,
        min(entity_a.seen_date) as first_seen_date,
        max(entity_a.seen_date) as last_seen_date
    from entity_articles as entity_a
    inner join entity_articles as entity_b
        on
            entity_a.article_id = entity_b.article_id
            and entity_a.entity_id < entity_b.entity_id
    group by entity_a.entity_id, entity_b.entity_id

),

sentence_pairs as (

    select
        entity_a.entity_id as entity_id_a,
        entity_b.entity_id as entity_id_b,
        count(*)::integer as sentence_count
    from entity_sentences as entity_a
    inner join entity_sentences as entity_b
        on
            entity_a.article_id = entity_b.article_id
            and entity_a.sentence_index = entity_b.sentence_index
            and entity_a.entity_id < entity_b.entity_id
    group by entity_a.entity_id, entity_b.entity_id

),

final as (

    select
        article_pairs.entity_id_a,
        article_pairs.entity_id_b,
        article_pairs.article_count,
        article_pairs.first_seen_date,
        article_pairs.last_seen_date,
        coalesce(sentence_pairs.sentence_count, 0)::integer as sentence_count
    from article_pairs
    left join sentence_pairs
        on
            article_pairs.entity_id_a = sentence_pairs.entity_id_a
            and article_pairs.entity_id_b = sentence_pairs.entity_id_b

)

select * from final
