{#- A statement's id: from its article, its place in it and the speaker as written
    (which tells coordinated speakers apart), never from load order, so that it
    survives rebuilds and reloads. fct_statements derives it, and int_statements_moved
    finds the statements a moved name touches by it. `statements` is the alias of a
    relation with article_id, statement_index and speaker_text. -#}
{% macro statement_id(statements) -%}
    md5(
        {{ statements }}.article_id
        || '|' || {{ statements }}.statement_index::varchar
        || '|' || coalesce({{ statements }}.speaker_text, '')
    )
{%- endmacro %}
