{#-
    quarantine_base(raw_table): the body of the base model of a raw table (see quarantine_checks.sql): every
    row of the source table, typed, with its single-table verdict (quarantine_row_checks).

    A table, or for the event tables that grow with history an incremental model (unique_key dq_row_key,
    delete+insert). An incremental run re-checks only
      - the raw rows dated (by the text of the event column, which compares like its date when it starts
        YYYY-MM-DD; one day of margin for UTC offsets) on or after the latest clean event day held minus
        incremental_lookback_days, rows whose event text does not start like a date, and rows with an empty key;
      - closed over the rules that compare rows: every raw row with a key of those rows (duplicates) and, for an
        ordered status, every row of their partitions (e.g. all stage changes of the opportunity).
    It writes the re-checked rows of those keys (delete+insert on dq_row_key). The cross-table rules are not
    stored here: the staging model applies them when it is read, so a parent that arrives later or changes is
    always seen (docs/quarantine.md, "Incremental checks").
    Known limits: raw rows deleted or edited outside the window, a late row dated before the window, an as-of
    date moved backwards or a changed contract var need --full-refresh; the reconciliation test (raw = clean +
    quarantined) fails loudly when rows are missing.
-#}
{% macro quarantine_base(raw_table) -%}
    {%- set table = raw_contract_table(raw_table) -%}
    {#- a unit test has no table of its own (this is none): it tests the full check -#}
    {%- if model.resource_type == 'unit_test' or not is_incremental() -%}
        {{ return(quarantine_row_checks(raw_table)) }}
    {%- endif -%}
    {%- if not (table.get('event_column') and table.primary_key | length == 1) -%}
        {{ exceptions.raise_compiler_error('base model of ' ~ raw_table ~ ': an incremental quarantine check needs an event column and a one-column key') }}
    {%- endif -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns %}{% do by_name.update({column.name: column}) %}{% endfor -%}
    {%- set key = by_name[table.primary_key[0]] %}
    {%- set event = by_name[table.event_column] %}
    {%- set prog = table.get('progression') %}
    {%- set part = by_name[prog.partition_by] if prog else none %}

    {#- the window start: a literal while executing, so the text filter reaches the scan #}
    {%- set window_start = query_date_literal(base_window_query(event)) %}
    {%- do assert_history_unchanged(table, key, event, window_start) %}

with

raw_rows as (

    {{ raw_text_select(table) | indent(4) }}

),

-- which raw rows to re-check: the raw rows in the window (ISO text compares like its date), rows whose event
-- text does not start like a date, and rows with an empty key
recheck_seeds as (

    select
        {{ contract_value(key) }} as dq_key{% if prog %},
        {{ contract_value(part) }} as dq_part{% endif %}
    from raw_rows
    where
        {{ event.name }} >= cast({{ window_start }} as {{ dbt.type_string() }})
        or {{ event.name }} not like '____-__-__%'
        or {{ event.name }} is null
        or {{ raw_value_in(key) }}

),

recheck_keys as (

    select recheck_seeds.dq_key from recheck_seeds
    {%- if prog %}

    union

    -- every row of the partitions ({{ prog.partition_by }}) of those rows
    select {{ contract_value(key) }} as dq_key
    from raw_rows
    where {{ raw_value_in(part, 'select recheck_seeds.dq_part from recheck_seeds') }}
    {%- endif %}

),
    {%- if prog %}

recheck_partitions as (

    select distinct {{ contract_value(part) }} as dq_part
    from raw_rows
    where {{ raw_value_in(key, 'select recheck_keys.dq_key from recheck_keys') }}

),
    {%- endif %}
    {%- set source_sql %}
    select * from raw_rows
    where
        {{ raw_value_in(key, 'select recheck_keys.dq_key from recheck_keys') }}
        {%- if prog %}
        or {{ raw_value_in(part, 'select recheck_partitions.dq_part from recheck_partitions') }}
        {%- endif %}
    {%- endset %}

checked as (

    {{ quarantine_row_checks(raw_table, source_sql) | indent(4) }}

),

-- the re-checked keys only: a row pulled in through a partition has its verdict computed with all rows of
-- its partition, but its key's other rows may be elsewhere
final as (

    select * from checked
    where
        {{ typed_value(key) }} is null
        or {{ typed_value(key) }} in (select recheck_keys.dq_key from recheck_keys)

)

select * from final
{%- endmacro %}


{#- base_window_query(event): the query of a base model's refresh window start (one date): the latest clean
    event day it holds ({{ this }}) minus incremental_lookback_days and one more day (UTC offsets). -#}
{% macro base_window_query(event) -%}
    select
        cast({{ dbt.dateadd(
            'day',
            -1 * (incremental_lookback_days() + 1),
            'coalesce(max(cast(' ~ typed_value(event) ~ " as date)), cast('1900-01-01' as date))"
        ) }} as date) as window_start
    from {{ this }}
    where dq_rule is null
{%- endmacro %}


{#- record_base_window(raw_table): the pre-hook of an incremental base model: records its refresh window in
    ops.refresh_windows (record_refresh_window) on its typed event column, from the same start as
    quarantine_base, for the data tests of a refresh (macros/incremental/test_windows.sql). -#}
{% macro record_base_window(raw_table) -%}
    {#- Spark: the seven base models start together, and concurrent INSERTs into one Parquet table race in
        Hadoop's file committer (one job deletes the _temporary folder another still writes): not recorded
        there, so the data tests of the base models and the views over them read whole tables on Spark -#}
    {%- if target.type == 'spark' -%}
        {{ return('select 1 as no_op') }}
    {%- endif -%}
    {%- set table = raw_contract_table(raw_table) -%}
    {%- set event = (table.columns | selectattr('name', 'equalto', table.event_column) | list)[0] -%}
    {{ return(record_refresh_window(typed_value(event), start_query=base_window_query(event))) }}
{%- endmacro %}
