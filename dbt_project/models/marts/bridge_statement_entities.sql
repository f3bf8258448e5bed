-- The entities a statement is about: every entity mentioned inside the statement's
-- characters, except the speaker. One row per (statement, entity).
--
-- Incremental: a build rewrites the statements of the articles int_articles_rebuilt
-- marks for it (new ones, and those whose duplicate_of changed) and the statements a
-- moved name is quoted in or is the speaker of: the pre-hook deletes their rows, and
-- when the build unpublished articles, the rows of statements no longer in
-- fct_statements.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="
            {% if is_incremental() %}
            delete from {{ this }}
            where
                statement_id in (
                    select s.statement_id from {{ ref('fct_statements') }} as s
                    where s.article_id in ({{ articles_rebuilt_by_this_build(['duplicate']) }})
                )
                or statement_id in ({{ statements_touched_by_moved_keys() }})
                {%- if this_build_unpublished_articles() %}
                    or statement_id not in (select s.statement_id from {{ ref('fct_statements') }} as s)
                {%- endif %}
            {% endif %}"
    )
}}

-- depends_on: {{ ref('int_articles_rebuilt') }}
-- depends_on: {{ ref('int_statements_moved') }}

with

statements as (

    select
        statement_id,
        article_id,
        char_start,
        char_end,
        speaker_entity_id
    from {{ ref('fct_statements') }}
    {% if is_incremental() -%}
        where
            article_id in ({{ articles_rebuilt_by_this_build() }})
            or statement_id in ({{ statements_touched_by_moved_keys() }})
    {%- endif %}

),

entity_mentions as (

    select
        article_id,
        entity_id,
        char_start,
        char_end
    from {{ ref('fct_entity_mentions') }}
    where article_id in (select statements.article_id from statements)

),

mentioned as (

    select
        statements.statement_id,
        entity_mentions.entity_id,
        count(*) as mention_count
    from statements
    inner join entity_mentions
        on
            statements.article_id = entity_mentions.article_id
            and statements.char_start <= entity_mentions.char_start
            and statements.char_end >= entity_mentions.char_end
    where entity_mentions.entity_id is distinct from statements.speaker_entity_id
    group by statements.statement_id, entity_mentions.entity_id

),

final as (

    select
        statement_id,
        entity_id,
        mention_count::integer as mention_count
    from mentioned

)

select * from final
