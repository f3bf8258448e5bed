{#- Per-article models (one row set per article, computed from that article
    alone) are incremental on article_id. These two macros are their shared
    rules: a load appends only articles not built yet, and first removes the
    rows of articles that are no longer published (quarantined since). -#}

{% macro delete_rows_of_unpublished_articles() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where article_id not in (select a.article_id from {{ ref('stg_articles') }} as a)
    {%- endif -%}
{%- endmacro %}

{% macro where_article_not_built_yet() -%}
    {%- if is_incremental() -%}
        where article_id not in (select built_rows.article_id from {{ this }} as built_rows)
    {%- endif -%}
{%- endmacro %}
