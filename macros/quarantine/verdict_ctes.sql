{#-
    Verdict: every raw row's full verdict, its single-table rule or else its first cross-table rule
    (cross_system_rules.sql; docs/quarantine.md).

    A row's full verdict is its single-table verdict (dq_rule of its base model), else the first foreign key
    whose parent row is unknown (unknown_reference), held back after the as-of date (reference_after_as_of) or
    quarantined itself (quarantined_reference), else no_fx_rate when its currency has no rate to the reporting
    currency on or before its date (only when it has an amount: a deal without an amount needs no rate). A
    parent's state is its own full verdict, so the cascade follows the foreign keys to the end: the stage change
    of a deal whose lead is quarantined is quarantined too, never orphaned in a mart.

    contract_verdict_ctes(tables) writes one CTE `verdict__<table>` per table (every raw row, raw and typed
    columns, full verdict) for the tables asked for and every table they reference, in dependency order, reading
    only the base models; `state__<table>` (one row per key: has a clean row, is held back) for each parent.
    The staging model of a table selects the clean rows (contract_clean_rows), quarantined_rows and
    quarantine_summary the others, the quarantine_below_threshold test counts them: the verdicts are computed
    when read, never stored, so a parent that arrives or changes later is always seen.
-#}

{#- contract_verdict_ctes(names, scope='all'): the verdict (and, for parents, state) CTEs of the tables `names`
    and the tables they reference (see the top); scope 'source': the rules within each table's own source system
    only (the staging models). Each CTE ends with a comma: the caller follows with its own CTEs. -#}
{% macro contract_verdict_ctes(names, scope='all') -%}
    {%- set tables = contract_tables_in_order(names, scope) -%}
    {%- set parents = [] -%}
    {%- set needs_fx = [] -%}
    {%- set needs_vendor_note = [] -%}
    {%- for table in tables -%}
        {%- set cross = contract_cross_rules(table, scope) -%}
        {%- for join in cross.joins -%}
            {%- if join.startswith('left join state__') %}{% do parents.append(join.split(' ')[2][7:]) %}{% endif -%}
            {%- if join.startswith('left join contract_fx_starts') %}{% do needs_fx.append(join) %}{% endif -%}
            {%- if join.startswith('left join vendor_excluded_keys') %}{% do needs_vendor_note.append(join) %}{% endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set held_back = "'" ~ quarantine_held_back_rules() | join("', '") ~ "'" -%}
    {#- the parents' columns that rows of their children must not precede (not_before_reference) -#}
    {%- set parent_columns = {} -%}
    {%- for table in tables -%}
        {%- for other in table.columns if other.get('not_before_reference') -%}
            {%- set fk_name, parent_column = other.not_before_reference.split('.') -%}
            {%- set fk = table.columns | selectattr('name', 'equalto', fk_name) | first -%}
            {%- do parent_columns.setdefault(fk.references.split('.')[0], []).append(parent_column) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if needs_fx %}
{{ contract_fx_ctes() }}
    {%- endif %}
    {%- if needs_vendor_note %}

{#- the CRM records the adapter left out on purpose (merged away, deleted), one note per record id -#}
vendor_excluded_keys as (

    select
        record_id,
        min('{{ crm_source() }} ' || vendor_table || ' ' || record_id || ': ' || reason) as vendor_note
    from {{ ref('int_' ~ crm_source() ~ '__excluded_records') }}
    where vendor_table in ('lead', 'contact', 'opportunity', 'deal')
    group by record_id

),
    {%- endif %}
    {%- for table in tables %}
        {%- set names_ = table.columns | map(attribute='name') | list %}
        {%- set cross = contract_cross_rules(table, scope) %}

verdict__{{ table.name }} as (

    select
        base.dq_row_id,
        {%- for name in names_ %}
        base.{{ name }},
        {%- endfor %}
        {%- for column in table.columns %}
        {{ typed_value(column, 'base') }},
        {%- endfor %}
        base.dq_row_key,
        {%- if cross.rules %}
        case
            when base.dq_rule is not null then base.dq_rule
            {%- for rule in cross.rules %}
            when {{ rule.condition }} then '{{ rule.rule }}'
            {%- endfor %}
        end as dq_rule,
        case
            when base.dq_rule is not null then base.dq_column
            {%- for rule in cross.rules %}
            when {{ rule.condition }} then '{{ rule.column }}'
            {%- endfor %}
        end as dq_column,
        case
            when base.dq_rule is not null then base.dq_message
            {%- for rule in cross.rules %}
            when {{ rule.condition }} then {{ rule.message }}
            {%- endfor %}
        end as dq_message
        {%- else %}
        base.dq_rule,
        base.dq_column,
        base.dq_message
        {%- endif %}
    from {{ ref('base_' ~ table.staging_model[4:]) }} as base
    {%- for join in cross.joins %}
    {{ join }}
    {%- endfor %}

),
        {%- if table.name in parents %}
            {%- set key = table.columns | selectattr('name', 'equalto', table.primary_key[0]) | first %}

state__{{ table.name }} as (

    select
        {{ typed_value(key) }} as parent_key,
        {%- for name in parent_columns.get(table.name, []) | unique %}
            {%- set parent_column = table.columns | selectattr('name', 'equalto', name) | first %}
        min(case when dq_rule is null then {{ typed_value(parent_column) }} end) as parent__{{ name }},
        {%- endfor %}
        max(case when dq_rule is null then 1 else 0 end) as has_clean_row,
        max(case when dq_rule in ({{ held_back }}) then 1 else 0 end) as is_held_back
    from verdict__{{ table.name }}
    group by {{ typed_value(key) }}

),
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
