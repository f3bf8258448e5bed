{#- Every [char_start, char_end) span lies inside its article's body_text. -#}
{% test offsets_within_body(model, article_model='stg_articles') %}

select spans.*
from {{ model }} as spans
inner join {{ ref(article_model) }} as articles
    on spans.article_id = articles.article_id
where
    spans.char_start < 0
    or spans.char_end < spans.char_start
    or spans.char_end > length(articles.body_text)

{% endtest %}
