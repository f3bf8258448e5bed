{#- A build that moves a name to another entity (a merge, a lone surname leaving, an
    alias seed edit) updates the entity ids of the rows that name it in place: the
    mentions of the moved keys, the statements they are the speaker of, the
    statement-entity rows of statements that quote them, and the entity counts of
    their articles. Before, every article mentioning a moved key was deleted and
    built again in every per-article mart (at 100k articles, 1,000 new ones moved
    keys mentioned in 61,700 older articles). These macros are the pre-hooks that do
    it; the mentions of new articles are built with the current ids anyway. -#}

{#- The mentions of keys that this build moved to another entity, with the new id. -#}
{% macro mentions_moved_by_this_build() -%}
    {{ mentions_of_keys_changed_by_this_build('entity_id') }}
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

{#- The statements whose speaker is named where a moved mention is (the speaker's
    entity is the smallest entity id mentioned at the speaker's characters). -#}
{% macro statements_with_moved_speakers(statements) -%}
    select
        speakers.statement_id,
        speakers.article_id,
        speaker_mentions.char_start,
        speaker_mentions.char_end
    from {{ statements }} as speakers
    inner join {{ ref('int_entity_mentions_normalized') }} as speaker_mentions
        on
            speakers.article_id = speaker_mentions.article_id
            and speakers.speaker_mention_index = speaker_mentions.mention_index
    inner join ({{ mentions_moved_by_this_build() }}) as moved
        on
            speaker_mentions.article_id = moved.article_id
            and speaker_mentions.char_start = moved.char_start
            and speaker_mentions.char_end = moved.char_end
{%- endmacro %}

{#- fct_statements: a statement whose speaker moved points at the speaker's new entity
    (fct_entity_mentions, built before, already has the moved ids). -#}
{% macro move_speakers_of_moved_keys() -%}
    {%- if is_incremental() -%}
        update {{ this }} as stored
        set speaker_entity_id = speakers.entity_id
        from (
            select
                moved_speakers.statement_id,
                min(entity_mentions.entity_id) as entity_id
            from ({{ statements_with_moved_speakers(this) }}) as moved_speakers
            inner join {{ ref('fct_entity_mentions') }} as entity_mentions
                on
                    moved_speakers.article_id = entity_mentions.article_id
                    and moved_speakers.char_start = entity_mentions.char_start
                    and moved_speakers.char_end = entity_mentions.char_end
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
    select quoting.statement_id
    from {{ ref('fct_statements') }} as quoting
    inner join ({{ mentions_moved_by_this_build() }}) as moved
        on
            quoting.article_id = moved.article_id
            and quoting.char_start <= moved.char_start
            and quoting.char_end >= moved.char_end
    union
    select moved_speakers.statement_id
    from ({{ statements_with_moved_speakers(ref('fct_statements')) }}) as moved_speakers
{%- endmacro %}

{#- dim_articles: the entity count of an article with a moved mention (two of its
    entities merged, or one split), counted again where it changed. -#}
{% macro recount_entities_of_moved_keys() -%}
    {%- if is_incremental() -%}
        update {{ this }} as stored
        set entity_count = counts.entity_count
        from (
            select
                entity_mentions.article_id,
                count(distinct entity_mentions.entity_id)::integer as entity_count
            from {{ ref('fct_entity_mentions') }} as entity_mentions
            where entity_mentions.article_id in (
                select moved.article_id from ({{ mentions_moved_by_this_build() }}) as moved
            )
            group by entity_mentions.article_id
        ) as counts
        where
            stored.article_id = counts.article_id
            and stored.entity_count != counts.entity_count
    {%- endif -%}
{%- endmacro %}
