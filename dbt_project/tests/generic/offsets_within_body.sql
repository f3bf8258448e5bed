{#- Every [char_start, char_end) span lies inside its article's body_text. `model`
    may be a filtered subquery (config where: __rows_of_this_build__), hence the CTE.
    Both CTEs are materialised so that the articles are looked up from the spans' few
    ids: left to the planner, the join could be built on every article's body text
    (6 s at 1M articles, against 0.9 s). -#}
{% test offsets_within_body(model, article_model='stg_articles') %}

with

spans as materialized (

    select * from {{ model }}

),

body_lengths as materialized (

    select
        articles.article_id,
        length(articles.body_text) as body_length
    from {{ rows_by_key(ref(article_model), 'article_id', 'select s.article_id from spans as s') }} as articles

)

select spans.*
from spans
inner join body_lengths
    on spans.article_id = body_lengths.article_id
where
    spans.char_start < 0
    or spans.char_end < spans.char_start
    or spans.char_end > body_lengths.body_length

{% endtest %}
