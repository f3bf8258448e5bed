{#- A build that moves a name to another entity (a merge, a lone surname leaving, an
    alias seed edit) updates the entity ids of the rows that name it in place: the
    mentions of the moved keys, the statements they are the speaker of, the
    statement-entity rows of statements that quote them, and the entity counts of
    their articles. Before, every article mentioning a moved key was deleted and
    built again in every per-article mart (at 100k articles, 1,000 new ones moved
    keys mentioned in 61,700 older articles). These macros are the pre-hooks that do
    it; the mentions of new articles are built with the current ids anyway. -#}

{#- The mentions of keys that this build moved to another entity, with the new id and
    the one they left (int_entity_mentions_moved, built once per build). -#}
{% macro mentions_moved_by_this_build() -%}
    select
        moved_mentions.mention_id,
        moved_mentions.article_id,
        moved_mentions.mention_index,
        moved_mentions.char_start,
        moved_mentions.char_end,
        moved_mentions.entity_id,
        moved_mentions.previous_entity_id
    from {{ ref('int_entity_mentions_moved') }} as moved_mentions
    where moved_mentions.moved_by = '{{ invocation_id }}'
{%- endmacro %}

{#- fct_entity_mentions: the moved mentions point at their new entity. -#}
{% macro move_mentions_of_moved_keys() -%}
    {%- if is_incremental() -%}
        update {{ this }} as stored
        set entity_id = moved.entity_id
        from ({{ mentions_moved_by_this_build() }}) as moved
        where stored.mention_id = moved.mention_id
    {%- endif -%}
{%- endmacro %}

{#- The statements a moved name is quoted in or is the speaker of
    (int_statements_moved, built once per build). -#}
{% macro statements_moved_by_this_build() -%}
    select
        moved_statements.statement_id,
        moved_statements.article_id,
        moved_statements.speaker_char_start,
        moved_statements.speaker_char_end
    from {{ ref('int_statements_moved') }} as moved_statements
    where moved_statements.moved_by = '{{ invocation_id }}'
{%- endmacro %}

{#- fct_statements: a statement whose speaker moved points at the speaker's new entity,
    the smallest entity id mentioned at the speaker's characters (fct_entity_mentions,
    built before, already has the moved ids). -#}
{% macro move_speakers_of_moved_keys() -%}
    {%- if is_incremental() -%}
        update {{ this }} as stored
        set speaker_entity_id = speakers.entity_id
        from (
            select
                moved_speakers.statement_id,
                min(entity_mentions.entity_id) as entity_id
            from ({{ statements_moved_by_this_build() }}) as moved_speakers
            inner join {{ ref('fct_entity_mentions') }} as entity_mentions
                on
                    moved_speakers.article_id = entity_mentions.article_id
                    and moved_speakers.speaker_char_start = entity_mentions.char_start
                    and moved_speakers.speaker_char_end = entity_mentions.char_end
            group by moved_speakers.statement_id
        ) as speakers
        where
            stored.statement_id = speakers.statement_id
            and stored.speaker_entity_id is distinct from speakers.entity_id
    {%- endif -%}
{%- endmacro %}

{#- bridge_statement_entities: the statements to rebuild because a moved mention is
    inside them or is their speaker. -#}
{% macro statements_touched_by_moved_keys() -%}
    select moved_statements.statement_id
    from ({{ statements_moved_by_this_build() }}) as moved_statements
{%- endmacro %}

{#- dim_articles: the entity count of an article with a moved mention, counted again
    where it changed. It changes only when, among the article's mentions of the
    entities that moved names left or joined, the entities before and after the move
    differ in number (two merged, or one split); other mentions keep their entity.
    Only those articles are counted again: at 1M articles a load moved 1.1M mentions
    in 617k articles, and counting all of them again took most of this model's time
    (4,004 of them changed). -#}
{% macro recount_entities_of_moved_keys() -%}
    {%- if is_incremental() -%}
        update {{ this }} as stored
        set entity_count = counts.entity_count
        from (
            with

            moved as materialized (

                {{ mentions_moved_by_this_build() }}

            ),

            touched_entities as (

                select moved.entity_id from moved
                union
                select moved.previous_entity_id from moved

            ),

            touched_mentions as (

                select
                    entity_mentions.article_id,
                    entity_mentions.entity_id,
                    coalesce(moved.previous_entity_id, entity_mentions.entity_id) as previous_entity_id
                from {{ ref('fct_entity_mentions') }} as entity_mentions
                left join moved
                    on entity_mentions.mention_id = moved.mention_id
                where
                    entity_mentions.entity_id in (select touched_entities.entity_id from touched_entities)
                    and entity_mentions.article_id in (select moved.article_id from moved)

            ),

            recounted_articles as (

                select touched_mentions.article_id
                from touched_mentions
                group by touched_mentions.article_id
                having
                    count(distinct touched_mentions.entity_id)
                    != count(distinct touched_mentions.previous_entity_id)

            )

            select
                entity_mentions.article_id,
                count(distinct entity_mentions.entity_id)::integer as entity_count
            from {{ ref('fct_entity_mentions') }} as entity_mentions
            where entity_mentions.article_id in (select recounted_articles.article_id from recounted_articles)
            group by entity_mentions.article_id
        ) as counts
        where
            stored.article_id = counts.article_id
            and stored.entity_count != counts.entity_count
    {%- endif -%}
{%- endmacro %}
