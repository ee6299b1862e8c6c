{#-
    Helpers of the incremental base models (quarantine_base): which raw rows a run re-checks (raw_value_in) and
    the guard that the raw rows before the refresh window are the ones the model already holds
    (assert_history_unchanged, with row_hash). docs/quarantine.md, "Incremental checks".
-#}

{#- raw_value_in(column, values_query=none): a filter on raw text rows that is true for every row whose
    contract_value(column) is in values_query (none: no values) or is null. For a plain string column it
    compares the raw text (no trim of every raw row, which costs more than the rest of an incremental check) and
    adds the rows whose text is empty or starts or ends with a space: a superset, which the incremental checks
    allow (a row re-checked needlessly gets the same verdict, and rows outside the re-check keys are dropped at
    the end). -#}
{% macro raw_value_in(column, values_query=none) -%}
    {%- if column.logical_type == 'string' and not column.get('normalize') -%}
        ({% if values_query %}{{ column.name }} in ({{ values_query }}) or {% endif -%}
        {{ column.name }} is null or {{ column.name }} = ''
            or {{ column.name }} like ' %' or {{ column.name }} like '% ')
    {%- else -%}
        ({% if values_query %}{{ contract_value(column) }} in ({{ values_query }}) or {% endif -%}
        {{ contract_value(column) }} is null)
    {%- endif -%}
{%- endmacro %}


{#- row_hash(columns): a 64-bit hash of the columns' text (null counted as a value of its own). -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro postgres__row_hash(columns) -%}
    hashtextextended(concat_ws(chr(31)
        {%- for column in columns %}, coalesce({{ column }}, '\\N'){% endfor %}), 0)
{%- endmacro %}

{% macro spark__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}


{#- assert_history_unchanged(table, key, event, window_start): an incremental base model re-checks the
    rows of the refresh window only, so the raw rows before it must be the rows it already holds. Their
    count and a hash of their text are compared (one aggregate of each side); rows edited or deleted in
    place, or added with an old date, stop the run with an error naming the table, the number of rows
    that differ and what to do (a full refresh; `kpi-pipeline run` does it by itself). -#}
{% macro assert_history_unchanged(table, key, event, window_start) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set names = table.columns | map(attribute='name') | list -%}
    {%- set before_window -%}
        {{ event.name }} < cast({{ window_start }} as {{ dbt.type_string() }})
        and {{ event.name }} like '____-__-__%'
        and not {{ raw_value_in(key) }}
    {%- endset -%}
    {%- set query -%}
        with
        raw_rows as (
            {{ raw_text_select(table) | indent(12) }}
        ),
        source_side as (
            select count(*) as n_rows, coalesce(sum({{ row_hash(names) }}), 0) as row_hash
            from raw_rows
            where {{ before_window }}
        ),
        held_side as (
            select count(*) as n_rows, coalesce(sum({{ row_hash(names) }}), 0) as row_hash
            from {{ this }}
            where {{ before_window }}
        )
        select
            source_side.n_rows as source_rows,
            held_side.n_rows as held_rows,
            source_side.row_hash = held_side.row_hash and source_side.n_rows = held_side.n_rows as unchanged
        from source_side
        cross join held_side
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- if row[2] -%}{{ return('') }}{%- endif -%}
    {%- set diff_query -%}
        with
        raw_rows as (
            {{ raw_text_select(table) | indent(12) }}
        ),
        source_side as (select {{ names | join(', ') }} from raw_rows where {{ before_window }}),
        held_side as (select {{ names | join(', ') }} from {{ this }} where {{ before_window }}),
        differences as (
            (select * from source_side except all select * from held_side)
            union all
            (select * from held_side except all select * from source_side)
        )
        select count(*) from differences
    {%- endset -%}
    {%- set changed = run_query(diff_query).columns[0].values()[0] -%}
    {{ exceptions.raise_compiler_error(
        'HISTORY_CHANGED: ' ~ table.source ~ '.' ~ table.name ~ ': ' ~ changed ~ ' raw row(s) dated before the '
        ~ 'refresh window (' ~ window_start ~ ') differ from the rows the last run checked (source ' ~ row[0]
        ~ ' rows, held ' ~ row[1] ~ '): rows were edited, deleted or added with an old date. An incremental '
        ~ 'refresh would leave the marts stale: run a full refresh (dbt build --full-refresh; kpi-pipeline run '
        ~ 'does it by itself).'
    ) }}
{%- endmacro %}
