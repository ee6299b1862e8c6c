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
    {%- set window_query -%}
    select
        cast({{ dbt.dateadd(
            'day',
            -1 * (incremental_lookback_days() + 1),
            'coalesce(max(cast(' ~ typed_value(event) ~ " as date)), cast('1900-01-01' as date))"
        ) }} as date) as window_start
    from {{ this }}
    where dq_rule is null
    {%- endset %}
    {%- set window_start = query_date_literal(window_query) %}
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
