{#- Connected components of an undirected graph, by label propagation.

    Returns a query of (node_key, anchor_key): anchor_key is the member of the
    node's component with the smallest (rank, key). `nodes` is a relation or CTE
    with columns node_key and rank; `edges` has from_key and to_key, both
    directions. Every node starts labelled with itself and takes a neighbour's
    label while that one is smaller, until nothing changes. DuckDB's USING KEY
    keeps one row per node in the recursive table, so the work grows with nodes,
    edges and the components' diameter, never with the square of a component's
    size (listing every reachable pair did: 0.8 GB for 64k names at 10k
    articles). sqlfluff cannot parse USING KEY yet: .sqlfluff stubs this macro. -#}

{% macro connected_components(nodes, edges, node_key='node_key', rank='rank') -%}
    with recursive labels (node_key, anchor_rank, anchor_key) using key (node_key) as (
        select
            {{ node_key }},
            {{ rank }},
            {{ node_key }}
        from {{ nodes }}
        union
        select
            edges.from_key,
            min(labels.anchor_rank),
            arg_min(labels.anchor_key, (labels.anchor_rank, labels.anchor_key))
        from labels
        inner join {{ edges }} as edges
            on labels.node_key = edges.to_key
        inner join recurring.labels as current_labels
            on edges.from_key = current_labels.node_key
        group by edges.from_key
        having
            min((labels.anchor_rank, labels.anchor_key))
            < min((current_labels.anchor_rank, current_labels.anchor_key))
    )

    select
        node_key,
        anchor_key
    from labels
{%- endmacro %}
