{#- The columns together identify a row (dbt_utils has the same test; the hub
    is not reachable from every machine this runs on, so it lives here).
    new_rows_only: the keys of the rows this build wrote (rows_of_this_build) are
    looked up in the whole table, so a new row that repeats an older key fails,
    while the table is only scanned by a join on the few new keys, not grouped.
    Under a column, `columns` defaults to that column. -#}
{% test unique_combination_of_columns(model, columns=none, new_rows_only=false, column_name=none) %}

{%- set columns = columns or [column_name] %}
{%- set scoped = rows_of_this_build() if new_rows_only else 'true' %}
{%- if scoped == 'true' %}

select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{%- else %}

with

new_keys as (

    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {{ scoped }}

)

select
    {%- for column in columns %}
    new_keys.{{ column }},
    {%- endfor %}
    count(*) as n_rows
from {{ model }} as stored
inner join new_keys
    on
    {%- for column in columns %}
        {% if not loop.first %}and {% endif %}stored.{{ column }} is not distinct from new_keys.{{ column }}
    {%- endfor %}
group by {% for column in columns %}new_keys.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1

{%- endif %}

{% endtest %}
