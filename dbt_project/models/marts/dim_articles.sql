with

articles as (

    select * from {{ ref('stg_articles') }}

),

entity_counts as (

    select
        article_id,
        count(distinct entity_id) as entity_count
    from {{ ref('fct_entity_mentions') }}
    group by article_id

),

statement_counts as (

    select
        article_id,
        count(*) as statement_count
    from {{ ref('fct_statements') }}
    group by article_id

),

final as (

    select
        articles.article_id,
        articles.title,
        articles.publisher,
        articles.author,
        articles.published_date,
        articles.word_count,
        articles.duplicate_of,
        articles.source_uri,
        articles.landed_at,
        coalesce(entity_counts.entity_count, 0)::integer as entity_count,
        coalesce(statement_counts.statement_count, 0)::integer as statement_count
    from articles
    left join entity_counts
        on articles.article_id = entity_counts.article_id
    left join statement_counts
        on articles.article_id = statement_counts.article_id

)

select * from final
