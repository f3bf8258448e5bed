-- Every statement's text is its slice of the article body, so that analysts can find
-- it with substr(body_text, char_start + 1, char_end - char_start); a quotation
-- interrupted by its attribution is its pieces joined by ' ... ', the first piece
-- opening the slice and the last one closing it. A load checks the statements of the
-- articles it wrote (rows_of_this_build; test_scope 'all' checks every row).
with

sliced as (

    select
        statements.statement_id,
        statements.article_id,
        statements.char_start,
        statements.char_end,
        statements.statement_text,
        substr(
            articles.body_text, statements.char_start + 1, statements.char_end - statements.char_start
        ) as body_slice,
        string_split(statements.statement_text, ' ... ') as pieces
    from {{ ref('fct_statements') }} as statements
    inner join {{ rows_by_key(
        ref('stg_articles'), 'article_id',
        'select s.article_id from ' ~ ref('fct_statements') ~ ' as s where ' ~ rows_of_this_build('s.article_id')
    ) }} as articles
        on statements.article_id = articles.article_id
    where {{ rows_of_this_build('statements.article_id') }}

)

select
    statement_id,
    article_id,
    char_start,
    char_end
from sliced
where
    body_slice != statement_text
    and not (
        len(pieces) > 1
        and starts_with(body_slice, pieces[1])
        and ends_with(body_slice, pieces[len(pieces)])
    )
