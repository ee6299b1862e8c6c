{#-
    The data tests of a refresh check the window the refresh rewrote (issue 27).

    dbt wraps the model a generic test reads in get_where_subquery(relation) (the test's `where` config).
    This project's version adds, on a refresh, the window its incremental model recorded in
    ops.refresh_windows for this dbt invocation (record_refresh_window, a pre-hook): the test then reads only
    the rows with cast(<window column> as date) >= <window start>, the rows the refresh wrote, as the Great
    Expectations step does for the marts (docs/operations.md, "What a refresh re-checks").
    The whole table is tested
      - on a full refresh (--full-refresh, a first build: the model recorded a null start),
      - with var full_checks true (`kpi-pipeline run --full-checks`),
      - for a model that is not incremental or records no window, and in a `dbt test` of its own (another
        invocation: no window of its own recorded),
      - for singular tests (tests/): dbt does not wrap their SQL.
    Known limit: a unique or relationship test of the window does not see a clash between a row of the window
    and a row before it; run with --full-checks (or a full refresh) to test whole tables, e.g. weekly.
-#}

{#- get_where_subquery(relation): the relation a generic test reads: with the test's `where` config and, on a
    refresh, its model's refresh window (data_test_window) as one filtered subquery; else the relation. -#}
{% macro get_where_subquery(relation) -%}
    {%- set window = data_test_window() -%}
    {%- if not window -%}
        {#- dbt's own, exactly: the test's `where` config or the relation -#}
        {{ return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) }}
    {%- endif -%}
    {%- set where = config.get('where', '') -%}
    {#- the window first: on Spark `<table> where (<condition>)` would parse as a table alias with column names -#}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ window }}{% if where %} and ({{ where }}){% endif %}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}


{#- windowed_test_kinds(): the generic tests a refresh may run on a window: row-wise checks and keys. Any other
    (the quarantine gate quarantine_below_threshold, the reconciliation row_count_equals, a test added later)
    reads the whole table. -#}
{% macro windowed_test_kinds() -%}
    {{ return(['column_checks', 'unique_combination_of_columns', 'accepted_range', 'fresh_as_of', 'not_null',
               'unique', 'accepted_values', 'relationships']) }}
{%- endmacro %}


{#- data_test_window(): the filter of the current generic test's window on a refresh (see above), or none.
    The window of an incremental model is the one it recorded; a model that is not incremental (a view over
    the base models) may name, in meta refresh_window ({column: <its date column>, from: [<incremental
    models>]}), the models whose windows it follows: its test reads the rows of its column on or after the
    earliest of their starts, when each of them recorded one in this invocation. -#}
{% macro data_test_window() -%}
    {%- if not execute or model.resource_type != 'test' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if var('full_checks', false) in [true, 'true', 'True', 1, '1'] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if (model.get('test_metadata') or {}).get('name') not in windowed_test_kinds() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set attached = model.get('attached_node') -%}
    {%- set node = graph.nodes.get(attached) if attached else none -%}
    {%- if node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set spec = (node.config.get('meta') or {}).get('refresh_window') -%}
    {%- if node.config.materialized == 'incremental' -%}
        {%- set sources = [node.name] -%}
        {%- set column = none -%}
    {%- elif spec -%}
        {%- set sources = [spec['from']] if spec['from'] is string else spec['from'] -%}
        {%- set column = spec['column'] -%}
    {%- else -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select model_name, window_column, window_start
        from {{ refresh_windows_relation() }}
        where invocation_id = '{{ invocation_id }}' and model_name in ('{{ sources | join("', '") }}')
    {%- endset -%}
    {%- set found = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- do found.update({row[0]: row}) -%}
    {%- endfor -%}
    {%- set starts = [] -%}
    {%- for name in sources -%}
        {%- if name not in found or found[name][2] is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- do starts.append((found[name][2] | string)[:10]) -%}
    {%- endfor -%}
    {%- set column = column or found[sources[0]][1] -%}
    {{ return('cast(' ~ adapter.quote(column) ~ " as date) >= cast('" ~ (starts | min) ~ "' as date)") }}
{%- endmacro %}
