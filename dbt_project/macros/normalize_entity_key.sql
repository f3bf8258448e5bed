{#-
    The comparison key of an entity name, the same rule everywhere in the project:
    no case, diacritics, dots, apostrophes, hyphens or other punctuation, no leading
    "the" or honorific, no trailing possessive. "Kim Jong-un" = "Kim Jong Un",
    "U.S." = "US", "the Kremlin" = "Kremlin", "Sergéi" = "Sergei". Letters without an
    ASCII base ("ð", "þ") are kept. newswarehouse.enrichment.mention_vocab.name_key is the
    Python twin (without the "the"/honorific/possessive rule, which the mention step has
    already trimmed from spans).
-#}
{% macro normalize_entity_key(expression) -%}
    trim(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        lower(strip_accents({{ expression }})),
                        '[‘’`´]', '''', 'g'
                    ),
                    '^(the|mr|mrs|ms|dr)\.?\s+|''s$', '', 'g'
                ),
                '[.'']', '', 'g'
            ),
            '[^\p{L}\p{N}]+', ' ', 'g'
        )
    )
{%- endmacro %}
