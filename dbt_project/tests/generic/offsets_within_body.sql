{#- Every [char_start, char_end) span lies inside its article's body_text. `model`
    may be a filtered subquery (config where: __rows_of_this_build__), hence the CTE. -#}
{% test offsets_within_body(model, article_model='stg_articles') %}

with

spans as (

    select * from {{ model }}

)

select spans.*
from spans
inner join {{ rows_by_key(ref(article_model), 'article_id', 'select s.article_id from spans as s') }} as articles
    on spans.article_id = articles.article_id
where
    spans.char_start < 0
    or spans.char_end < spans.char_start
    or spans.char_end > length(articles.body_text)

{% endtest %}
