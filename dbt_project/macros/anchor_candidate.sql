{#- HAVING condition of an anchor join grouped by article pair (and both anchor
    counts): the pair shares at least two anchors, and at least half the share
    of the smaller anchor set that a copy at the containment threshold would
    share. One shared 5-word phrase is common between unrelated reports ("said
    in a statement on"); reports that merely share a few phrases or a quote are
    far below half the threshold, while a copy at the threshold shares about
    the threshold's share of its anchors (a 40-shingle copy, half contained,
    passes 9 times in 10; copies above 100 shingles almost always). -#}

{% macro anchor_candidate(left, right) -%}
    count(*) >= greatest(
        2, {{ var('near_duplicate_containment') }} / 2 * least({{ left }}.anchor_count, {{ right }}.anchor_count)
    )
{%- endmacro %}
