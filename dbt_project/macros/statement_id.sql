{#- A statement's id: from its article, its place in it and the speaker as written
    (which tells coordinated speakers apart), never from load order, so that it
    survives rebuilds and reloads. fct_statements derives it, and int_statements_moved
    finds the statements a moved name touches by it. -#}
{% macro statement_id(article_id, statement_index, speaker_text) -%}
    md5(
        {{ article_id }}
        || '|' || {{ statement_index }}::varchar
        || '|' || coalesce({{ speaker_text }}, '')
    )
{%- endmacro %}
