{#- Co-occurrence is stored per article and per pair of *names* (node keys of
    int_entity_keys_resolved), not per pair of entities: int_node_pairs_by_article.
    A merge or a split changes which entity a name belongs to, not the rows of the
    articles that mention it, so a build rewrites no older article when entities
    move; fct_entity_cooccurrence re-sums the pairs of the entities that moved from
    the totals of their names (int_node_pair_totals, summed from those rows). These macros are the rules the pair
    table, the mart and the mart's pre-hook share. -#}

{#- A name's row id in the pair table: a 64-bit hash of its node key (the table has
    hundreds of rows per article; an integer joins and compresses better than the
    name). -#}
{% macro node_hash(node_key) -%}
    hash({{ node_key }})
{%- endmacro %}

{#- An article's key in fct_entity_cooccurrence's working sets: a 64-bit hash of its
    id. The ids are 64-character hashes; at 1M articles the sets of articles naming
    shared names hold 18M rows, which grouped and joined by the id spilled 9.4 GB to
    disk under the 2 GB limit. Two of a million articles share a key with odds of
    about 1 in 37 million, as two names share a node_hash. -#}
{% macro article_key(article_id) -%}
    hash({{ article_id }})
{%- endmacro %}

{#- The keys of the articles of `articles`, a query of article ids. -#}
{% macro article_keys_of(articles) -%}
    select {{ article_key('listed.article_id') }} from ({{ articles }}) as listed
{%- endmacro %}

{#- Each name and the entity it belongs to now. -#}
{% macro node_entities() -%}
    select distinct
        {{ node_hash('resolved_keys.node_key') }} as node_hash,
        resolved_keys.entity_id
    from {{ ref('int_entity_keys_resolved') }} as resolved_keys
{%- endmacro %}

{#- A key's entity before this build: the one it had, if this build moved it
    (NULL for a key new in this build), else the one it has. -#}
{% macro entity_before_this_build(keys) -%}
    case
        when coalesce({{ keys }}.written_by, '') != '{{ invocation_id }}' then {{ keys }}.entity_id
        else {{ keys }}.previous_entity_id
    end
{%- endmacro %}

{#- Each name with its entity now and its entity before this build (NULL for a name
    new in this build: it is only in new articles), and whether an alias seed edit
    moved one of its keys here from another node. -#}
{% macro node_moves() -%}
    select
        {{ node_hash('named_keys.node_key') }} as node_hash,
        named_keys.entity_id as new_entity_id,
        max({{ entity_before_this_build('named_keys') }}) as old_entity_id,
        bool_or({{ key_changed_by_this_build('named_keys', 'node_key') }}) as is_renamed
    from {{ ref('int_entity_keys_resolved') }} as named_keys
    group by {{ node_hash('named_keys.node_key') }}, named_keys.entity_id
{%- endmacro %}

{#- Each entity of the previous build: the entity its names belong to now, and whether
    they went to more than one (a split: a lone surname left). -#}
{% macro old_entity_fates() -%}
    select
        moves.old_entity_id,
        min(moves.new_entity_id) as new_entity_id,
        count(distinct moves.new_entity_id) > 1 as is_split
    from ({{ node_moves() }}) as moves
    where moves.old_entity_id is not null
    group by moves.old_entity_id
{%- endmacro %}

{#- Entities whose co-occurrence is summed again from the rows of their names: those
    holding a name of an entity that split (the part that keeps the id and the part
    that left), and those an alias seed edit renamed a key of (the renamed articles
    were rebuilt). An entity that only took in whole entities (a merge) is not here:
    its totals are the merged entities' stored totals added up. -#}
{% macro entities_resummed_by_this_build() -%}
    select moves.new_entity_id as entity_id
    from ({{ node_moves() }}) as moves
    inner join ({{ old_entity_fates() }}) as fates
        on moves.old_entity_id = fates.old_entity_id
    where fates.is_split
    union
    select renamed.new_entity_id
    from ({{ node_moves() }}) as renamed
    where renamed.is_renamed
    union
    select renamed.old_entity_id
    from ({{ node_moves() }}) as renamed
    where renamed.is_renamed and renamed.old_entity_id is not null
{%- endmacro %}

{#- Entities of the previous build whose names all went to one other entity (a merge:
    the younger id is retired), with that entity. -#}
{% macro entities_merged_away_by_this_build() -%}
    select
        fates.old_entity_id,
        fates.new_entity_id
    from ({{ old_entity_fates() }}) as fates
    where
        not fates.is_split
        and fates.old_entity_id != fates.new_entity_id
{%- endmacro %}

{#- Articles naming a key that this build moved to another node (an alias seed edit,
    or the qualifier rule when a new name arrives): their rows that pair a renamed
    node (the key's node before or now) are retired and built again. -#}
{% macro articles_renamed_by_this_build() -%}
    select distinct renamed_mentions.article_id
    from {{ ref('int_entity_mentions_normalized') }} as renamed_mentions
    inner join ({{ keys_renamed_by_this_build() }}) as renamed_keys
        on
            renamed_mentions.entity_type = renamed_keys.entity_type
            and renamed_mentions.entity_key = renamed_keys.entity_key
{%- endmacro %}

{% macro keys_renamed_by_this_build() -%}
    select
        renamed_keys.entity_type,
        renamed_keys.entity_key,
        renamed_keys.node_key,
        renamed_keys.previous_node_key
    from {{ ref('int_entity_keys_resolved') }} as renamed_keys
    where {{ key_changed_by_this_build('renamed_keys', 'node_key') }}
{%- endmacro %}

{#- The renamed nodes: the node of a renamed key before this build and now. A pair
    row of two other names is untouched by the rename. -#}
{% macro nodes_renamed_by_this_build() -%}
    select {{ node_hash('renamed.node_key') }} as node_hash
    from ({{ keys_renamed_by_this_build() }}) as renamed
    union
    select {{ node_hash('renamed.previous_node_key') }} as node_hash
    from ({{ keys_renamed_by_this_build() }}) as renamed
{%- endmacro %}

{#- Whether a pair row (its two node hashes `a` and `b`) pairs a renamed node. -#}
{% macro pairs_a_renamed_node(a, b) -%}
    (
        {{ a }} in (select renamed_nodes.node_hash from ({{ nodes_renamed_by_this_build() }}) as renamed_nodes)
        or {{ b }} in (select renamed_nodes.node_hash from ({{ nodes_renamed_by_this_build() }}) as renamed_nodes)
    )
{%- endmacro %}

{#- Whether this build moved a key to another node (an alias seed edit, or the
    qualifier rule when a new name arrives), asked once at run time: the retiring
    update below probes every row of the pair table (479M at 1M articles), and a
    build that renames nothing skips it. -#}
{% macro this_build_renamed_keys() -%}
    {%- do return(query_has_rows(keys_renamed_by_this_build(), ref('int_entity_keys_resolved'))) -%}
{%- endmacro %}

{#- When this build started (dbt's run_started_at, in UTC), as a SQL timestamp: the value of
    retired_at in the pair rows it retires. A timestamp, not the build's invocation_id:
    DuckDB commits an update of a timestamp column 2.6x faster than of a string column
    (164k pair rows retired at 1M articles: 6.7 s against 17.6 s). Builds of one
    warehouse run one at a time, so no two start at the same microsecond. -#}
{% macro this_build_started_at() -%}
    timestamp '{{ run_started_at }}'
{%- endmacro %}

{#- Pre-hook of int_node_pairs_by_article: retire every row of the articles this
    build unpublished, and the rows of renamed articles that pair a renamed node. A
    retired row is appended again with retired_at set, and the live one deleted: an
    UPDATE of retired_at was cheaper to run but not to commit (at 1M articles 164k
    rows spread over most row groups: 3.0 + 5.0 CPU s, against 5.0 + 0.0 here, as
    committing an update rewrites the column of every row group it touched, and a
    delete only marks rows). DELETE ... RETURNING ran out of memory at 1M articles
    under the 2 GB limit (DuckDB 2.0), even when the rows were deleted by rowid.

    The articles and nodes are put in temporary tables first: with their sizes known,
    the planner probes the article ids first, and the scan, whose rows are in article
    order, reads the name columns of few vectors (at 1M articles, with a cold cache,
    5 s against 10.5 s with the same sets as subqueries). -#}
{% macro retire_pairs_of_renamed_articles() -%}
    {%- set unpublished = is_incremental() and this_build_unpublished_articles() -%}
    {%- set renamed = is_incremental() and this_build_renamed_keys() -%}
    {%- if unpublished or renamed -%}
        {%- set retiring_rows -%}
            retired_at is null
            and article_id in (select retiring.article_id from pair_rows_retired__articles as retiring)
            and (
                article_id in (
                    select retiring.article_id from pair_rows_retired__articles as retiring
                    where retiring.is_unpublished
                )
                or node_hash_a in (select retiring.node_hash from pair_rows_retired__nodes as retiring)
                or node_hash_b in (select retiring.node_hash from pair_rows_retired__nodes as retiring)
            )
        {%- endset -%}
        create or replace temporary table pair_rows_retired__articles as
        {% if unpublished -%}
            select article_id, true as is_unpublished
            from ({{ articles_unpublished_by_this_build() }}) as unpublished
        {%- endif %}
        {%- if unpublished and renamed %}
            union all
        {% endif -%}
        {%- if renamed -%}
            select article_id, false as is_unpublished
            from ({{ articles_renamed_by_this_build() }}) as renamed
        {%- endif %};

        create or replace temporary table pair_rows_retired__nodes as
        {% if renamed -%}
            {{ nodes_renamed_by_this_build() }}
        {%- else -%}
            select null::ubigint as node_hash where false
        {%- endif %};

        insert into {{ this }}
        select
            article_id,
            node_hash_a,
            node_hash_b,
            seen_date,
            sentence_count,
            built_by,
            {{ this_build_started_at() }} as retired_at
        from {{ this }}
        where {{ retiring_rows }};

        delete from {{ this }}
        where {{ retiring_rows }};

        drop table pair_rows_retired__articles;
        drop table pair_rows_retired__nodes
    {%- endif -%}
{%- endmacro %}

{#- The entity pairs of the pair rows this build retired (articles no longer
    published, or renamed), under the current names: their totals lost an article
    and are re-summed. Two names of one entity in a retired article make no pair: the
    aggregate filter drops them (a filter comparing the two entities, written as a
    WHERE, is turned into a join condition between the two name lookups, which the
    planner then may join first: a cross product of every name with every other).

    The retired rows themselves are read only for unpublished articles (rare, and
    asked at run time): finding this build's retired rows by retired_at scans the whole
    table (15 s at 1M articles; the column's zone maps stop pruning once old retired
    rows were purged from a row group). A renamed article's retired rows pair a renamed
    node (a renamed key's node before or now) with another of the article's names:
    those are taken from its mentions instead, pairing each renamed node with every
    name of the article before or after the rename, a superset (a pair re-summed
    needlessly keeps its total). -#}
{% macro pairs_that_lost_rows_in_this_build() -%}
    {%- set unpublished = this_build_unpublished_articles() -%}
    select
        least(entities_a.entity_id, entities_b.entity_id) as entity_id_a,
        greatest(entities_a.entity_id, entities_b.entity_id) as entity_id_b
    from (
        {% if unpublished -%}
            select
                retired_rows.node_hash_a,
                retired_rows.node_hash_b
            from {{ ref('int_node_pairs_by_article') }} as retired_rows
            where
                retired_rows.retired_at = {{ this_build_started_at() }}
                and retired_rows.article_id in ({{ articles_unpublished_by_this_build() }})
            union all
        {% endif -%}
        select
            renamed_pairs.node_hash_a,
            renamed_pairs.node_hash_b
        from ({{ renamed_article_name_pairs() }}) as renamed_pairs
    ) as lost_rows
    inner join ({{ node_entities() }}) as entities_a
        on lost_rows.node_hash_a = entities_a.node_hash
    inner join ({{ node_entities() }}) as entities_b
        on lost_rows.node_hash_b = entities_b.node_hash
    group by
        least(entities_a.entity_id, entities_b.entity_id),
        greatest(entities_a.entity_id, entities_b.entity_id)
    having count(*) filter (where entities_a.entity_id != entities_b.entity_id) > 0
{%- endmacro %}

{#- Each renamed node of a renamed article (a renamed key's node before or now) with
    every name the article has before or after this build: a superset of the article's
    rows that this build retired. The article's names are found once and paired with
    themselves. -#}
{% macro renamed_article_name_pairs() -%}
    with

    renamed_mentions as (
        select
            mentions.article_id,
            {{ node_hash('renamed_keys.previous_node_key') }} as previous_node_hash
        from {{ ref('int_entity_mentions_normalized') }} as mentions
        inner join ({{ keys_renamed_by_this_build() }}) as renamed_keys
            on
                mentions.entity_type = renamed_keys.entity_type
                and mentions.entity_key = renamed_keys.entity_key
    ),

    article_names as (
        select distinct
            mentions.article_id,
            {{ node_hash('named_keys.node_key') }} as node_hash,
            {{ key_changed_by_this_build('named_keys', 'node_key') }} as is_renamed
        from {{ ref('int_entity_mentions_normalized') }} as mentions
        inner join {{ ref('int_entity_keys_resolved') }} as named_keys
            on
                mentions.entity_type = named_keys.entity_type
                and mentions.entity_key = named_keys.entity_key
        where mentions.article_id in (select renamed_mentions.article_id from renamed_mentions)
        union
        select
            renamed_mentions.article_id,
            renamed_mentions.previous_node_hash as node_hash,
            true as is_renamed
        from renamed_mentions
    )

    select
        renamed_names.node_hash as node_hash_a,
        other_names.node_hash as node_hash_b
    from article_names as renamed_names
    inner join article_names as other_names
        on renamed_names.article_id = other_names.article_id
    where renamed_names.is_renamed
{%- endmacro %}

{#- Whether this build changed the `column` (node_key or entity_id) of a key of
    int_entity_keys_resolved (`keys`: its alias); false, never NULL, for a key new in
    this build. -#}
{% macro key_changed_by_this_build(keys, column) -%}
    coalesce(
        {{ keys }}.written_by = '{{ invocation_id }}' and {{ keys }}.previous_{{ column }} != {{ keys }}.{{ column }},
        false
    )
{%- endmacro %}

{#- fct_entity_cooccurrence's pre-hook: the stored pairs this build re-sums from rows
    are deleted first (an entity of the pair split or was renamed, or the pair lost a
    row). When the pair table holds no row of an earlier build (it was just built in
    full, e.g. the first build after an upgrade), every stored total goes: all are
    summed anew. The pairs of merged-away entities are read by the model (their totals
    are added onto the surviving entity's) and deleted by the post-hook below. -#}
{% macro delete_pairs_to_resum() -%}
    {%- if is_incremental() and not pair_rows_of_earlier_builds() -%}
        delete from {{ this }}
    {%- elif is_incremental() -%}
        delete from {{ this }} as stored
        where {{ pair_is_resummed(
            'stored',
            '(' ~ entities_resummed_by_this_build() ~ ')',
            '(' ~ pairs_that_lost_rows_in_this_build() ~ ')'
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- Whether the entity pair of `pairs` is summed again from rows in this build: an
    entity of it is in `resummed_entities` (entity_id), or it is in `lost_pairs`
    (entity_id_a, entity_id_b). Both are relations or parenthesised queries. -#}
{% macro pair_is_resummed(pairs, resummed_entities, lost_pairs) -%}
    (
        {{ pairs }}.entity_id_a in (select resummed.entity_id from {{ resummed_entities }} as resummed)
        or {{ pairs }}.entity_id_b in (select resummed.entity_id from {{ resummed_entities }} as resummed)
        or exists (
            select 1
            from {{ lost_pairs }} as lost
            where
                lost.entity_id_a = {{ pairs }}.entity_id_a
                and lost.entity_id_b = {{ pairs }}.entity_id_b
        )
    )
{%- endmacro %}

{% macro delete_pairs_of_retired_entities() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as stored
        where
            stored.entity_id_a not in (select current_keys.entity_id from {{ ref('int_entity_keys_resolved') }} as current_keys)
            or stored.entity_id_b not in (select current_keys.entity_id from {{ ref('int_entity_keys_resolved') }} as current_keys)
    {%- endif -%}
{%- endmacro %}

{#- The pairs of entities (or names) of articles counted from their mentions, one
    row per article and pair (entity_id_a < entity_id_b), with the sentences where both
    are mentioned. `mentions` has the article column `article` (article_id, or the
    co-occurrence mart's article_key), sentence_index, seen_date and the column
    `entity`. The pair table (per name) and the co-occurrence mart (per entity, for the
    articles it counts again) both count pairs this way. -#}
{% macro entity_pairs_of_mentions(mentions, entity, article='article_id') -%}
    select
        entities_a.{{ article }},
        entities_a.seen_date,
        entities_a.{{ entity }} as entity_id_a,
        entities_b.{{ entity }} as entity_id_b,
        coalesce(sentence_pairs.sentence_count, 0) as sentence_count
    from (select distinct {{ article }}, seen_date, {{ entity }} from {{ mentions }}) as entities_a
    inner join (select distinct {{ article }}, {{ entity }} from {{ mentions }}) as entities_b
        on
            entities_a.{{ article }} = entities_b.{{ article }}
            and entities_a.{{ entity }} < entities_b.{{ entity }}
    left join (
        select
            sentences_a.{{ article }},
            sentences_a.{{ entity }} as entity_id_a,
            sentences_b.{{ entity }} as entity_id_b,
            count(*) as sentence_count
        from (select distinct {{ article }}, sentence_index, {{ entity }} from {{ mentions }}) as sentences_a
        inner join (select distinct {{ article }}, sentence_index, {{ entity }} from {{ mentions }}) as sentences_b
            on
                sentences_a.{{ article }} = sentences_b.{{ article }}
                and sentences_a.sentence_index = sentences_b.sentence_index
                and sentences_a.{{ entity }} < sentences_b.{{ entity }}
        group by sentences_a.{{ article }}, sentences_a.{{ entity }}, sentences_b.{{ entity }}
    ) as sentence_pairs
        on
            entities_a.{{ article }} = sentence_pairs.{{ article }}
            and entities_a.{{ entity }} = sentence_pairs.entity_id_a
            and entities_b.{{ entity }} = sentence_pairs.entity_id_b
{%- endmacro %}

{#- The mentions of the articles in `articles` (by article_key) with the name
    (node_hash) and the entity of each now and before this build, and the articles' column `carried` if given: the
    input of entity_pairs_of_mentions (article='article_key'). -#}
{% macro mentions_with_entities(articles, carried=none) -%}
    select distinct
        {{ articles }}.article_key,
        mentions.sentence_index,
        mentions.seen_date,
        resolved_keys.entity_id,
        {{ node_hash('resolved_keys.node_key') }} as node_hash,
        {% if carried -%} {{ articles }}.{{ carried }}, {%- endif %}
        {{ entity_before_this_build('resolved_keys') }} as old_entity_id
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ articles }}
        on {{ article_key('mentions.article_id') }} = {{ articles }}.article_key
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
{%- endmacro %}

{#- Whether the pair table holds a row of an earlier build, asked at run time: when it
    does not, it was just built in full (e.g. the first build after an upgrade), and
    int_node_pair_totals and fct_entity_cooccurrence sum every total anew. -#}
{% macro pair_rows_of_earlier_builds() -%}
    {%- set pair_rows = ref('int_node_pairs_by_article') -%}
    {%- do return(query_has_rows(
        "select 1 from " ~ pair_rows ~ " as earlier_rows where earlier_rows.built_by != '" ~ invocation_id ~ "'",
        pair_rows
    )) -%}
{%- endmacro %}

{#- Pre-hook of int_node_pair_totals: every stored total goes when they are summed anew. -#}
{% macro delete_name_pair_totals_if_pairs_rebuilt() -%}
    {%- if is_incremental() and not pair_rows_of_earlier_builds() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of int_node_pair_totals: a pair whose rows were all retired is written
    with no article; it goes. -#}
{% macro delete_name_pairs_without_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where article_count = 0
    {%- endif -%}
{%- endmacro %}

{#- The rows of the pair table meeting `condition` (on its alias pair_rows),
    summed per pair of names as int_node_pair_totals keeps them. -#}
{% macro sum_pair_rows(condition) -%}
    select
        pair_rows.node_hash_a,
        pair_rows.node_hash_b,
        count(*) as article_count,
        min(pair_rows.seen_date) as first_seen_date,
        max(pair_rows.seen_date) as last_seen_date,
        sum(pair_rows.sentence_count) as sentence_count
    from {{ ref('int_node_pairs_by_article') }} as pair_rows
    where {{ condition }}
    group by pair_rows.node_hash_a, pair_rows.node_hash_b
{%- endmacro %}

{#- Each article (article_id) naming a name of `node_hashes`, a query of node hashes,
    with that name: found from the mentions. -#}
{% macro article_names_among(node_hashes) -%}
    select distinct
        mentions.article_id,
        {{ node_hash('resolved_keys.node_key') }} as node_hash
    from {{ ref('int_entity_mentions_normalized') }} as mentions
    inner join {{ ref('int_entity_keys_resolved') }} as resolved_keys
        on
            mentions.entity_type = resolved_keys.entity_type
            and mentions.entity_key = resolved_keys.entity_key
    where {{ node_hash('resolved_keys.node_key') }} in ({{ node_hashes }})
{%- endmacro %}
