{#-
    The single-table check of a raw table: the body of its base model (quarantine_base), generated from the
    raw data contract (raw_contract(), rendered from scripts/kpi_pipeline/contract.py). See docs/quarantine.md.

    Two models per raw table:
      - base_<source>__<entity> (staging/<source>/base/, table; incremental
        for the event tables), the only reader of the source table:
        {{ quarantine_base('<raw table>') }}. Every raw row, its raw text
        columns, the typed values (typed__<column>, parsed once) and the first
        single-table rule it breaks (dq_rule, dq_column, dq_message; null when
        it breaks none), with dq_row_id, a key of its own.
      - stg_<source>__<entity> (view): the rows that break no rule its own source
        system can check (contract_clean_rows, macros/quarantine/contract_verdicts.sql).
    quarantined_rows lists the others. Rule precedence (the first broken rule
    wins): the rules of one row (quarantine_single_row_checks, single_row_rules.sql), then the rules that
    compare rows: duplicate_row / duplicate_key (duplicate_rules.sql), <column>_backwards and
    overlapping_period (row_order_rules.sql); then the cross-table rules unknown_reference /
    reference_after_as_of / quarantined_reference, before_reference and no_fx_rate (cross_system_rules.sql).
-#}

{#- quarantine_row_checks(raw_table, source_sql=none): every raw row with its
    typed values and single-table verdict (see the top): each raw value cleaned once (clean__<column>), parsed
    once (typed__<column>), the first rule of one row it breaks, then the rules that compare rows. source_sql, a
    query of raw text rows, replaces the whole source table (raw_text_select): an incremental base model passes
    the rows it re-checks. -#}
{% macro quarantine_row_checks(raw_table, source_sql=none) -%}
    {%- set table = raw_contract_table(raw_table) -%}
    {%- set columns = table.columns -%}
    {%- set names = columns | map(attribute='name') | list -%}
    {%- set typed_names = [] -%}
    {%- for name in names %}{% do typed_names.append('typed__' ~ name) %}{% endfor -%}
    {%- set last = 'no_overlap' if table.get('no_overlap') else 'final' %}
    {%- set checks = quarantine_single_row_checks(table) %}
    {%- set by_name_ = {} %}
    {%- for column in columns %}{% do by_name_.update({column.name: column}) %}{% endfor %}

with

source as (

    {{ source_sql if source_sql else raw_text_select(table) }}

),

-- every raw value cleaned once (clean_string: invisible characters out, trimmed, empty -> null); the parsing
-- and the rules below read clean__<column> instead of cleaning the text again
cleaned as (

    select
        {%- for column in columns %}
        {{ column.name }},
        {%- endfor %}
        {%- for column in columns %}
        {{ clean_string(column.name) }} as clean__{{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source

),

-- every contract value parsed once (contract_value); the rules below and the
-- staging models read these columns
typed as (

    select
        cleaned.*,
        {%- for column in columns %}
            {%- if column.get('fallback') %}
        coalesce({{ contract_value(column, cleaned=true) }}, {{ contract_value(by_name_[column.fallback], cleaned=true) }}) as {{ typed_value(column) }}{{ ',' if not loop.last }}
            {%- else %}
        {{ contract_value(column, cleaned=true) }} as {{ typed_value(column) }}{{ ',' if not loop.last }}
            {%- endif %}
        {%- endfor %}
    from cleaned

),

-- the first single-row rule each row breaks, as its place in the list (each condition is evaluated once)
single_row_checks as (

    select
        typed.*,
        {{ quarantine_row_key(table) }} as dq_row_key,
        case
            {%- for check in checks %}
            when {{ check.condition }} then {{ loop.index }}
            {%- endfor %}
        end as dq_check
    from typed

),

single_row_verdicts as (

    select
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        dq_row_key,
        case dq_check
            {%- for check in checks %}
            when {{ loop.index }} then '{{ check.rule }}'
            {%- endfor %}
        end as dq_rule,
        case dq_check
            {%- for check in checks %}
            when {{ loop.index }} then '{{ check.column }}'
            {%- endfor %}
        end as dq_column,
        case dq_check
            {%- for check in checks %}
            when {{ loop.index }} then {{ check.message }}
            {%- endfor %}
        end as dq_message
    from single_row_checks

),

{{ quarantine_duplicate_ctes(table) }}
{{- quarantine_progression_ctes(table) }}
{{- quarantine_overlap_ctes(table) }}

-- a key of every raw row, exact copies included: the row key and the row's
-- place among the rows sharing it (dq_position: the sort of duplicates_ranked)
numbered as (

    select
        dq_row_key || ' #' || cast(dq_position as {{ dbt.type_string() }}) as dq_row_id,
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        dq_row_key,
        dq_rule,
        dq_column,
        dq_message
    from {{ last }}

)

select * from numbered
{%- endmacro %}
