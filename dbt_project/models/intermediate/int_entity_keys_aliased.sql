-- One row per (entity_type, entity_key) seen in mentions, with the key it resolves to
-- (node_key) before fuzzy clustering:
--   1. the alias seed (typed rows match that type only; a blank type matches any);
--   2. else an organisation named with a country or organisation in front of a name
--      that exists on its own ("White House National Security Council" ->
--      "National Security Council", "US Department of State" -> "Department of State"
--      -> alias "State Department"); the shortest qualifier that works is dropped;
--   3. else the key itself.

with

mentions as (

    select * from {{ ref('int_entity_mentions_normalized') }}

),

alias_seed as (

    select * from {{ ref('entity_aliases') }}

),

aliases as (

    select
        {{ normalize_entity_key('alias') }} as alias_key,
        nullif(trim(entity_type), '') as alias_type,
        canonical_name,
        {{ normalize_entity_key('canonical_name') }} as canonical_key
    from alias_seed

),

keys as (

    select
        entity_type,
        entity_key,
        min(landed_at) as first_landed_at,
        count(*) as mention_count
    from mentions
    group by entity_type, entity_key

),

direct_aliases as (

    select
        keys.entity_type,
        keys.entity_key,
        aliases.canonical_key,
        aliases.canonical_name
    from keys
    inner join aliases
        on
            keys.entity_key = aliases.alias_key
            and (aliases.alias_type is null or keys.entity_type = aliases.alias_type)
    qualify row_number() over (
        partition by keys.entity_type, keys.entity_key
        order by aliases.alias_type is null, aliases.canonical_key
    ) = 1

),

-- names that may stand in front of an organisation's own name: countries (and their
-- alternative names) and organisations
qualifier_names as (

    select alias_key as qualifier_key from aliases
    where coalesce(alias_type, 'GPE') = 'GPE'
    union
    select canonical_key from aliases
    where coalesce(alias_type, 'GPE') = 'GPE'
    union
    select entity_key from keys
    where entity_type = 'ORG'

),

-- names an organisation may be reduced to
organisation_names as (

    select entity_key as organisation_key from keys
    where entity_type = 'ORG'
    union
    select alias_key from aliases
    where coalesce(alias_type, 'ORG') = 'ORG'
    union
    select canonical_key from aliases
    where coalesce(alias_type, 'ORG') = 'ORG'

),

organisation_words as (

    select
        entity_type,
        entity_key,
        string_split(entity_key, ' ') as words
    from keys
    where entity_type = 'ORG'

),

splits as (

    select
        organisation_words.entity_type,
        organisation_words.entity_key,
        array_to_string(
            list_slice(organisation_words.words, 1, qualifier_lengths.qualifier_length), ' '
        ) as qualifier_key,
        array_to_string(
            list_slice(
                organisation_words.words,
                qualifier_lengths.qualifier_length + 1,
                len(organisation_words.words)
            ),
            ' '
        ) as unqualified_key
    from organisation_words
    cross join generate_series(1, 3) as qualifier_lengths (qualifier_length)
    where len(organisation_words.words) - qualifier_lengths.qualifier_length >= 2

),

unqualified as (

    select
        splits.entity_type,
        splits.entity_key,
        splits.unqualified_key
    from splits
    inner join qualifier_names
        on splits.qualifier_key = qualifier_names.qualifier_key
    inner join organisation_names
        on splits.unqualified_key = organisation_names.organisation_key
    qualify row_number() over (
        partition by splits.entity_type, splits.entity_key
        order by length(splits.unqualified_key) desc
    ) = 1

),

unqualified_aliases as (

    select
        unqualified.entity_type,
        unqualified.entity_key,
        aliases.canonical_name,
        coalesce(aliases.canonical_key, unqualified.unqualified_key) as canonical_key
    from unqualified
    left join aliases
        on
            unqualified.unqualified_key = aliases.alias_key
            and coalesce(aliases.alias_type, 'ORG') = 'ORG'
    qualify row_number() over (
        partition by unqualified.entity_type, unqualified.entity_key
        order by aliases.alias_type is null, aliases.canonical_key
    ) = 1

),

final as (

    select
        keys.entity_type,
        keys.entity_key,
        keys.first_landed_at,
        keys.mention_count,
        coalesce(direct_aliases.canonical_key, unqualified_aliases.canonical_key, keys.entity_key) as node_key,
        coalesce(direct_aliases.canonical_name, unqualified_aliases.canonical_name) as alias_canonical_name,
        case
            when direct_aliases.entity_key is not null then 'alias'
            when unqualified_aliases.entity_key is not null then 'qualifier'
            else 'key'
        end as resolved_by
    from keys
    left join direct_aliases
        on
            keys.entity_type = direct_aliases.entity_type
            and keys.entity_key = direct_aliases.entity_key
    left join unqualified_aliases
        on
            keys.entity_type = unqualified_aliases.entity_type
            and keys.entity_key = unqualified_aliases.entity_key

)

select * from final
