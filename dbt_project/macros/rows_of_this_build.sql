{#- Data tests on the rows this build wrote (issue 15): a load's `dbt build` checks
    the articles it (re)built, not every row of the warehouse, so its tests cost what
    the load costs. Rows of earlier builds were checked by those builds. A weekly
    full run re-checks everything: `dbt test --vars '{test_scope: all}'`
    (`make dbt-test-all`).

    Row-level generic tests take `config: where: __rows_of_this_build__`: YAML
    cannot call a macro there, so get_where_subquery below swaps the placeholder
    for rows_of_this_build() (__statements_of_this_build__ for tables keyed by
    statement: statements_of_this_build()). Uniqueness is global: unique_combination_of_columns
    with new_rows_only joins the keys of this build's rows against the whole key
    columns. -#}

{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '__rows_of_this_build__' in where -%}
        {%- set where = where | replace('__rows_of_this_build__', rows_of_this_build()) -%}
    {%- endif -%}
    {%- if where and '__statements_of_this_build__' in where -%}
        {%- set where = where | replace('__statements_of_this_build__', statements_of_this_build()) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- A where condition: the row's article was written by this build. Those are the
    articles int_articles_rebuilt marks with this build's invocation_id, or, while
    this build has not reached int_articles_rebuilt (the tests of staging models run
    before it or after it), the published articles it does not list yet: the new
    ones. One cheap count tells the two cases apart, so that a test reads a short
    list of ids, never the table of every article twice. A `dbt test` on its own has
    written nothing and checks nothing unless test_scope is 'all'. The tables are
    found in the graph, not by ref(): a ref would have to be declared by every test
    that uses the condition (dbt does not render not_null or unique at parse time to
    find it). not_null tests stay on whole columns: DuckDB answers them from its
    row-group statistics (0.5 ms on 2M rows, less than reading the list); nor do
    uniqueness tests of one-row-per-article tables on article_id (the key itself).
    var test_build (an invocation_id) re-checks the rows an earlier build wrote. -#}

{% macro rows_of_this_build(column='article_id') -%}
    {%- set rebuilt, staged = none, none -%}
    {%- if execute and var('test_scope', 'build') != 'all' -%}
        {%- set rebuilt = relation_of_model('int_articles_rebuilt') -%}
        {%- set staged = relation_of_model('stg_articles') -%}
    {%- endif -%}
    {%- if rebuilt is none or staged is none -%}
        true
    {%- else -%}
        {%- set build_id = var('test_build', invocation_id) -%}
        {%- set probe -%}
            select count(*) from {{ rebuilt }} where rebuilt_by = '{{ build_id }}'
        {%- endset -%}
        {%- if run_query(probe).columns[0].values()[0] > 0 -%}
            {{ column }} in (
                select this_build.article_id from {{ rebuilt }} as this_build
                where this_build.rebuilt_by = '{{ build_id }}'
            )
        {%- else -%}
            {{ column }} in (
                select staged.article_id from {{ staged }} as staged
                where staged.article_id not in (select listed.article_id from {{ rebuilt }} as listed)
            )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The table a model of this project builds, or none before its first build. -#}
{% macro relation_of_model(model_name) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.package_name == project_name and node.name == model_name -%}
            {%- do return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do return(none) -%}
{%- endmacro %}

{#- A where condition on statement_id: the statement is one this build wrote the rows
    of, in a table keyed by statement without an article (bridge_statement_entities):
    a statement of an article the build wrote (rows_of_this_build), or one a moved
    name touched (int_statements_moved). true where rows_of_this_build is. -#}
{% macro statements_of_this_build() -%}
    {%- set articles = rows_of_this_build('written.article_id') -%}
    {%- set statements = relation_of_model('fct_statements') if execute else none -%}
    {%- set moved = relation_of_model('int_statements_moved') if execute else none -%}
    {%- if articles | trim == 'true' or statements is none -%}
        true
    {%- else -%}
        (
            statement_id in (select written.statement_id from {{ statements }} as written where {{ articles }})
            {%- if moved is not none %}
                or statement_id in (
                    select moved.statement_id from {{ moved }} as moved
                    where moved.moved_by = '{{ var('test_build', invocation_id) }}'
                )
            {%- endif %}
        )
    {%- endif -%}
{%- endmacro %}
