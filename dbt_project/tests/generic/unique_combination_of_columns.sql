{#- The columns together identify a row (dbt_utils has the same test; the hub
    is not reachable from every machine this runs on, so it lives here). -#}
{% test unique_combination_of_columns(model, columns) %}

select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
