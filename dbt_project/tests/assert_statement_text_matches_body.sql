-- Every statement's text is exactly its slice of the article body, so that analysts
-- can find it with substr(body_text, char_start + 1, char_end - char_start).
select
    statements.statement_id,
    statements.article_id,
    statements.char_start,
    statements.char_end
from {{ ref('fct_statements') }} as statements
inner join {{ ref('stg_articles') }} as articles
    on statements.article_id = articles.article_id
where
    substr(articles.body_text, statements.char_start + 1, statements.char_end - statements.char_start)
    != statements.statement_text
