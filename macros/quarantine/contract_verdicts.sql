{#-
    The cross-table rules of the raw data contract: foreign keys and FX rates (docs/quarantine.md).

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

{#- contract_tables_in_order(names, scope='all'): the contract tables of `names` and every table they reference
    through a foreign key (scope 'source': only foreign keys within the table's own source system), parents
    before children. -#}
{% macro contract_tables_in_order(names, scope='all') -%}
    {%- set by_name = {} -%}
    {%- for table in raw_contract() %}{% do by_name.update({table.name: table}) %}{% endfor -%}
    {%- set needed = [] -%}
    {%- for name in names if name not in needed %}{% do needed.append(name) %}{% endfor -%}
    {%- for _ in range(20) -%}
        {%- for name in needed | list -%}
            {%- for column in by_name[name].columns if column.get('references') -%}
                {%- set parent = column.references.split('.')[0] -%}
                {%- if parent not in needed and (scope == 'all' or by_name[parent].source == by_name[name].source) -%}
                    {%- do needed.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set ordered = [] -%}
    {%- for _ in range(20) -%}
        {%- for table in raw_contract() if table.name in needed and table not in ordered -%}
            {%- set ready = [] -%}
            {%- for column in table.columns if column.get('references') -%}
                {%- set parent = column.references.split('.')[0] -%}
                {%- if parent in needed and parent != table.name and by_name[parent] not in ordered -%}
                    {%- do ready.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if not ready %}{% do ordered.append(table) %}{% endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if ordered | length != needed | length -%}
        {{ exceptions.raise_compiler_error('the foreign keys of the raw data contract form a cycle among ' ~ needed | join(', ')) }}
    {%- endif -%}
    {{ return(ordered) }}
{%- endmacro %}


{#- contract_fx_ctes(staged=false): the first day each currency converts to the reporting currency, directly
    (a quote either way) or through var fx_pivot_currency, as int_fx_rates_daily converts; from the clean FX
    rates: the rows of base_finance__fx_rates that break no rule, or (staged) stg_finance__fx_rates. -#}
{% macro contract_fx_ctes(staged=false) -%}
    {%- set pivot = fx_pivot_currency() %}
contract_fx_rates as (

    {%- if staged %}
    select
        rate_date,
        from_currency,
        to_currency,
        rate
    from {{ ref('stg_finance__fx_rates') }}
    {%- else %}
    select
        typed__rate_date as rate_date,
        typed__from_currency as from_currency,
        typed__to_currency as to_currency,
        typed__rate as rate
    from {{ ref('base_finance__fx_rates') }}
    where dq_rule is null
    {%- endif %}

),

contract_fx_quotes as (

    select
        rate_date,
        from_currency as currency,
        to_currency as anchor_currency
    from contract_fx_rates
    where rate > 0 and from_currency <> to_currency

    union all

    select
        rate_date,
        to_currency as currency,
        from_currency as anchor_currency
    from contract_fx_rates
    where rate > 0 and from_currency <> to_currency

),

contract_fx_anchor_starts as (

    select
        currency,
        anchor_currency,
        min(rate_date) as first_rate_date
    from contract_fx_quotes
    where anchor_currency in ({{ reporting_currency() }}, {{ pivot }})
    group by currency, anchor_currency

),

contract_fx_paths as (

    select
        currency,
        first_rate_date
    from contract_fx_anchor_starts
    where anchor_currency = {{ reporting_currency() }}

    union all

    select
        currency_to_pivot.currency,
        greatest(currency_to_pivot.first_rate_date, reporting_to_pivot.first_rate_date) as first_rate_date
    from contract_fx_anchor_starts as currency_to_pivot
    inner join contract_fx_anchor_starts as reporting_to_pivot
        on
            reporting_to_pivot.currency = {{ reporting_currency() }}
            and reporting_to_pivot.anchor_currency = {{ pivot }}
    where currency_to_pivot.anchor_currency = {{ pivot }}

),

contract_fx_starts as (

    select
        currency,
        min(first_rate_date) as first_rate_date
    from contract_fx_paths
    group by currency

),
{%- endmacro %}


{#- contract_cross_rules(table, scope='all'): the joins and the cross-table rules of a table, in precedence
    order: each foreign key (unknown, held back, quarantined parent), then each FX column. Scope 'source': only
    the rules within the table's own source system (foreign keys into it; FX rates when it is finance's). -#}
{% macro contract_cross_rules(table, scope='all') -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns %}{% do by_name.update({column.name: column}) %}{% endfor -%}
    {%- set held_back = quarantine_held_back_rules() -%}
    {%- set joins = [] -%}
    {%- set rules = [] -%}
    {%- set fx_source = raw_contract_table('finance_fx_rates').source -%}
    {%- for column in table.columns if column.get('references') and (
        scope == 'all' or raw_contract_table(column.references.split('.')[0]).source == table.source
    ) -%}
        {%- set parent_table, parent_column = column.references.split('.') -%}
        {%- set parent = raw_contract_table(parent_table) -%}
        {%- if parent.primary_key | list != [parent_column] -%}
            {{ exceptions.raise_compiler_error(table.name ~ '.' ~ column.name ~ ' references ' ~ column.references ~ ', which is not the one-column key of ' ~ parent_table) }}
        {%- endif -%}
        {%- set alias = 'ref__' ~ column.name -%}
        {%- set value = typed_value(column, 'base') -%}
        {%- do joins.append('left join state__' ~ parent_table ~ ' as ' ~ alias ~ ' on ' ~ value ~ ' = ' ~ alias ~ '.parent_key') -%}
        {#- with a CRM adapter, a key the adapter left out on purpose (a merged-away or deleted record) says so -#}
        {%- set vendor_note = '' -%}
        {%- if crm_source() != 'contract' and parent_table in adapter_crm_tables() -%}
            {%- set note_alias = 'vendor__' ~ column.name -%}
            {%- do joins.append('left join vendor_excluded_keys as ' ~ note_alias ~ ' on ' ~ value ~ ' = ' ~ note_alias ~ '.record_id') -%}
            {%- set vendor_note = " || coalesce(' (' || " ~ note_alias ~ ".vendor_note || ')', '')" -%}
        {%- endif -%}
        {%- do rules.append({
            'rule': 'unknown_reference', 'column': column.name,
            'condition': value ~ ' is not null and ' ~ alias ~ '.parent_key is null',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is not in " ~ column.references ~ "'"
                ~ vendor_note}) -%}
        {%- do rules.append({
            'rule': 'reference_after_as_of', 'column': column.name,
            'condition': alias ~ '.has_clean_row = 0 and ' ~ alias ~ '.is_held_back = 1',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is held back in "
                ~ parent_table ~ " (dated after the as-of date)'"}) -%}
        {%- do rules.append({
            'rule': 'quarantined_reference', 'column': column.name,
            'condition': alias ~ '.has_clean_row = 0',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is quarantined in "
                ~ parent_table ~ " (see quarantine.quarantined_rows)'"}) -%}
        {#- a column of this row that must not precede a column of the referenced row -#}
        {%- for other in table.columns if other.get('not_before_reference')
            and other.not_before_reference.split('.')[0] == column.name -%}
            {%- set parent_value = alias ~ '.parent__' ~ other.not_before_reference.split('.')[1] -%}
            {%- do rules.append({
                'rule': 'before_reference', 'column': other.name,
                'condition': typed_value(other, 'base') ~ ' < ' ~ parent_value,
                'message': "'" ~ other.name ~ " ' || " ~ quarantine_text(clean_string('base.' ~ other.name))
                    ~ " || ' is before the " ~ other.not_before_reference.split('.')[1] ~ " of " ~ parent_table ~ " ' || "
                    ~ quarantine_text(value) ~ " || ' (' || cast(" ~ parent_value ~ " as " ~ dbt.type_string() ~ ") || ')'"}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for column in table.columns if column.get('fx_date') and (scope == 'all' or table.source == fx_source) -%}
        {%- set alias = 'fx__' ~ column.name -%}
        {%- set value = typed_value(column, 'base') -%}
        {%- set fx_day = 'cast(' ~ typed_value(by_name[column.fx_date], 'base') ~ ' as date)' -%}
        {%- set amounts = [] -%}
        {%- for money in table.columns if money.get('money_in') == column.name -%}
            {%- do amounts.append(typed_value(money, 'base') ~ ' is not null') -%}
        {%- endfor -%}
        {%- do joins.append('left join contract_fx_starts as ' ~ alias ~ ' on ' ~ value ~ ' = ' ~ alias ~ '.currency') -%}
        {%- do rules.append({
            'rule': 'no_fx_rate', 'column': column.name,
            'condition': value ~ ' <> ' ~ reporting_currency()
                ~ (' and (' ~ amounts | join(' or ') ~ ')' if amounts else '')
                ~ ' and (' ~ alias ~ '.first_rate_date is null or ' ~ fx_day ~ ' < ' ~ alias ~ '.first_rate_date)',
            'message': "'no FX rate from ' || " ~ quarantine_text(value) ~ " || ' to " ~ reporting_currency() | replace("'", "")
                ~ " on or before " ~ column.fx_date ~ " ' || " ~ quarantine_text(clean_string('base.' ~ column.fx_date))}) -%}
    {%- endfor -%}
    {{ return({'joins': joins, 'rules': rules}) }}
{%- endmacro %}


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
    from {{ ref('stg_' ~ crm_source() ~ '__excluded_records') }}
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
