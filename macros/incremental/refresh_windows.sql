{#-
    The refresh windows (issue 18): which rows each incremental mart's run
    rewrote, for the Great Expectations step of `kpi-pipeline run`
    (scripts/kpi_pipeline/refresh_windows.py), which checks only those rows on
    a refresh and the whole table otherwise.

    Table ops.refresh_windows, one row per incremental model and dbt invocation:
        invocation_id  dbt's invocation id (run_results.json metadata)
        model_name     the model
        window_column  a date (or timestamp) column of the model
        window_start   first day the run rewrote; null: the run rebuilt the whole table
        recorded_at    when the row was written

    create_refresh_windows_table() (on-run-start): creates the schema and the
    table when absent (DuckDB and PostgreSQL; on Spark, one statement at a time).

    record_refresh_window(window_column, start_query=none): a hook of an
    incremental model. It must be a pre-hook although it describes what the
    run writes: before the model runs, {{ this }} still holds the previous
    state, so incremental_window_start(window_column) gives the same day the
    model's own query computed (after the run, max(window_column) has moved
    on, and is_incremental() is true even on a first build). A first build or
    --full-refresh records null (the whole table). `start_query`: a select of
    one date for a model whose rewritten rows reach further back than its
    window (delete+insert on a key whose rows span dates); it may use
    __window_start__, replaced by incremental_window_start(window_column).
-#}
{#- refresh_windows_relation(): the table in the ops schema (as named by generate_schema_name: "ops" in this
    project, the host's name for it when installed as a package); ops_schema(): that schema's name. -#}
{% macro ops_schema() -%}
    {{ return(generate_schema_name('ops', none) | trim) }}
{%- endmacro %}

{% macro refresh_windows_relation() -%}
    {{ ops_schema() }}.refresh_windows
{%- endmacro %}


{% macro create_refresh_windows_table() -%}
    {{ return(adapter.dispatch('create_refresh_windows_table')()) }}
{%- endmacro %}

{% macro default__create_refresh_windows_table() -%}
    create schema if not exists {{ ops_schema() }};
    create table if not exists {{ refresh_windows_relation() }} (
        invocation_id varchar(64) not null,
        model_name varchar(256) not null,
        window_column varchar(256) not null,
        window_start date,
        recorded_at timestamp not null
    )
{%- endmacro %}

{#- Spark runs one statement per query, and its varchar needs no length: string columns, Parquet -#}
{% macro spark__create_refresh_windows_table() -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ ops_schema()) -%}
        {%- do run_query('create table if not exists ' ~ refresh_windows_relation() ~ ' (invocation_id string,'
            ~ ' model_name string, window_column string, window_start date, recorded_at timestamp) using parquet') -%}
    {%- endif -%}
{%- endmacro %}


{% macro record_refresh_window(window_column, start_query=none) -%}
    {%- if not execute -%}
        {{ return('select 1 as no_op') }}
    {%- endif -%}
    {%- if is_incremental() -%}
        {%- set window_start = incremental_window_start(window_column) -%}
        {%- if start_query is not none -%}
            {%- set window_start = query_date_literal(start_query | replace('__window_start__', window_start)) -%}
        {%- endif -%}
    {%- else -%}
        {%- set window_start = 'cast(null as date)' -%}
    {%- endif -%}
    insert into {{ refresh_windows_relation() }} (invocation_id, model_name, window_column, window_start, recorded_at)
    values (
        '{{ invocation_id }}',
        '{{ model.name }}',
        '{{ window_column }}',
        {{ window_start }},
        cast({{ dbt.current_timestamp() }} as timestamp)
    )
{%- endmacro %}


{#- touchpoints_rewrite_start(): start_query of fct_touchpoints: the earliest touched_date of the leads its
    refresh recomputes (a touch or the lead's creation in the window, as the model's affected_leads). -#}
{% macro touchpoints_rewrite_start() -%}
    select coalesce(min(touches.touched_date), __window_start__)
    from {{ ref('int_touchpoints_sourced') }} as touches
    where touches.lead_id in (
        select lead_id from {{ ref('int_touchpoints_sourced') }} where touched_date >= __window_start__
        union
        select lead_id from {{ ref('int_leads_sourced') }} where created_date >= __window_start__
    )
{%- endmacro %}

