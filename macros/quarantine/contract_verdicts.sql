{#-
    The clean rows of a raw table, from its verdicts (verdict_ctes.sql): contract_clean_rows() for its staging
    model (the rules its own source system can check), contract_conformed_rows() for int_<entity>_checked (the
    rules that need another source system). quarantined_rows and quarantine_summary (models/quarantine/) read
    the same verdicts and keep the others.
-#}

{#- contract_clean_rows(raw_table): the rows of the table that break no rule its own source system can check
    (single-table rules, foreign keys within the source, FX rates in finance): the raw and typed columns,
    dq_row_id and dq_row_key. The body of a staging model's source CTE: staging reads one source system only;
    the rules that need another are applied where the systems meet (contract_conformed_rows). -#}
{% macro contract_clean_rows(raw_table) -%}
    {%- set table = raw_contract_table(raw_table) -%}
with
{{ contract_verdict_ctes([raw_table], 'source') }}

clean_rows as (

    select
        dq_row_id,
        {%- for column in table.columns %}
        {{ column.name }},
        {%- endfor %}
        {%- for column in table.columns %}
        {{ typed_value(column) }},
        {%- endfor %}
        dq_row_key
    from verdict__{{ table.name }}
    where dq_rule is null

)

select * from clean_rows
{%- endmacro %}


{#- contract_conformed_rows(raw_table): the body of int_<entity>_checked, for a table with a rule that needs
    another source system (contract.py, crosses_sources): the rows of its staging model whose foreign keys into
    another system (or into a table that crosses systems) name a row that passes every rule (the parent's clean
    model), and whose currency converts to the reporting currency on or before the row's date (when it has an
    amount). Together with the staging model's own rules: exactly the rows with no verdict in quarantined_rows. -#}
{% macro contract_conformed_rows(raw_table) -%}
    {%- set table = raw_contract_table(raw_table) -%}
    {%- set fx_source = raw_contract_table('finance_fx_rates').source -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns %}{% do by_name.update({column.name: column}) %}{% endfor -%}
    {%- set fx_columns = [] -%}
    {%- if table.source != fx_source -%}
        {%- for column in table.columns if column.get('fx_date') %}{% do fx_columns.append(column) %}{% endfor -%}
    {%- endif %}
with
{% if fx_columns %}
{{- contract_fx_ctes(staged=true) }}
{% endif %}
staged as (

    select * from {{ ref(table.staging_model) }}

),

checked as (

    select staged.*
    from staged
    {%- for column in fx_columns %}
    left join contract_fx_starts as fx__{{ column.name }}
        on staged.{{ column.name }} = fx__{{ column.name }}.currency
    {%- endfor %}
    where
        1 = 1
        {%- for column in table.columns if column.get('references') %}
            {%- set parent_table, parent_column = column.references.split('.') %}
            {%- set parent = raw_contract_table(parent_table) %}
            {%- if parent.source != table.source or parent.crosses_sources %}
        -- {{ column.name }} names a {{ parent_table }} row that passes every rule
        and (
            staged.{{ column.name }} is null
            or staged.{{ column.name }} in (select {{ parent_column }} from {{ ref(parent.clean_model) }})
        )
            {%- endif %}
        {%- endfor %}
        {%- for column in fx_columns %}
            {%- set amounts = [] %}
            {%- for money in table.columns if money.get('money_in') == column.name %}
                {%- do amounts.append('staged.' ~ money.name ~ ' is null') %}
            {%- endfor %}
        -- {{ column.name }} converts to the reporting currency on or before {{ column.fx_date }}
        and (
            staged.{{ column.name }} = {{ reporting_currency() }}
            {%- if amounts %}
            or ({{ amounts | join(' and ') }})
            {%- endif %}
            or cast(staged.{{ column.fx_date }} as date) >= fx__{{ column.name }}.first_rate_date
        )
        {%- endfor %}

)

select * from checked
{%- endmacro %}
