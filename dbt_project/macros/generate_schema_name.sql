{#- Use the configured schema name as is (staging, marts, ...), not
    <target_schema>_<custom>: the schema names are part of the public contract. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
