{#-
    The quarantine checks, generated from the raw data contract (raw_contract(),
    rendered from scripts/kpi_pipeline/contract.py). See docs/quarantine.md.

    Two models per raw table, each one line:
      - base_<source>__<entity> (staging/<source>/base/, view), the only reader
        of the raw table: {{ quarantine_row_checks('<raw table>') }}. Every raw
        row, its raw text columns unchanged, and the first single-table rule it
        breaks (dq_rule, dq_column, dq_message; null when it breaks none).
      - chk_<raw table> (quarantine/checks/, table):
        {{ quarantine_cross_checks('<raw table>') }}. The same rows, plus the
        rules that need another table: foreign keys and FX rates.
    The staging model selects `where dq_rule is null`; quarantined_rows unions
    the others. Rule precedence (the first broken rule wins): null_key,
    missing_value, unparseable_value, value_not_accepted, negative_value /
    below_minimum, implausible_amount, date_out_of_order, event_after_as_of,
    duplicate_row / duplicate_key, <column>_backwards, then the cross-table
    rules unknown_reference / quarantined_reference / reference_after_as_of and
    no_fx_rate.
-#}

{#- Rules that hold a row back rather than reject it: rows dated after an
    explicit as-of date (time travel) and rows that reference them. They are
    quarantined and reported, but do not count towards quarantine_threshold. -#}
{% macro quarantine_held_back_rules() -%}
    {{ return(['event_after_as_of', 'reference_after_as_of']) }}
{%- endmacro %}


{#- contract_value(column): the typed, normalised value of a raw contract
    column, exactly as the staging models compute it. -#}
{% macro contract_value(column, relation_alias=none) -%}
    {%- set name = (relation_alias ~ '.' if relation_alias else '') ~ column.name -%}
    {%- set logical_type = column.logical_type -%}
    {%- if logical_type == 'date' -%}
        {{ to_date(name) }}
    {%- elif logical_type == 'timestamp' -%}
        {{ to_utc_timestamp(name) }}
    {%- elif logical_type == 'decimal' -%}
        {#- 14 digits before the point; 4 after it unless the contract says (FX rates: 12) -#}
        {%- set scale = column.get('scale') or 4 -%}
        {{ to_decimal(name, 14 + scale, scale) }}
    {%- elif logical_type == 'integer' -%}
        {{ to_integer(name) }}
    {%- elif logical_type == 'boolean' -%}
        {{ to_boolean(name) }}
    {%- elif column.normalize == 'lower' -%}
        {{ clean_enum(name) }}
    {%- elif column.normalize == 'upper' -%}
        {{ clean_code(name) }}
    {%- else -%}
        {{ clean_string(name) }}
    {%- endif -%}
{%- endmacro %}


{#- typed_value(column): the column holding contract_value(column), computed
    once per row by quarantine_row_checks and kept in the base_ and chk_ models
    as typed__<name>, so the rules, the staging models and the incremental
    filters do not parse the raw text again. -#}
{% macro typed_value(column, relation_alias=none) -%}
    {{ (relation_alias ~ '.' if relation_alias else '') ~ 'typed__' ~ column.name }}
{%- endmacro %}


{#- quarantine_text(expression): a raw value quoted for a message, at most 80 characters. -#}
{% macro quarantine_text(expression) -%}
    '''' || coalesce(left({{ expression }}, 80), '') || ''''
{%- endmacro %}


{#- raw_row_json(columns): the raw row as JSON text, columns in contract order. -#}
{% macro raw_row_json(columns) -%}
    {{ return(adapter.dispatch('raw_row_json')(columns)) }}
{%- endmacro %}

{% macro default__raw_row_json(columns) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column.name }}', {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__raw_row_json(columns) -%}
    cast(json_build_object(
        {%- for column in columns %}
        '{{ column.name }}', {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as text)
{%- endmacro %}


{#- quarantine_row_key(table): the primary key of a raw row as text,
    'lead_id=L-00001' or 'rep_id=R-1, valid_from=2025-01-01'. -#}
{% macro quarantine_row_key(table) -%}
    {%- for key in table.primary_key -%}
        '{{ key }}=' || coalesce(trim({{ key }}), '')
        {%- if not loop.last %} || ', ' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}


{#- quarantine_single_row_checks(table): the single-row rules of a table, in
    precedence order, each {rule, column, condition, message} (SQL snippets
    over the raw text columns). -#}
{% macro quarantine_single_row_checks(table) -%}
    {%- set checks = [] -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns -%}
        {%- do by_name.update({column.name: column}) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('key') -%}
        {%- do checks.append({
            'rule': 'null_key', 'column': column.name,
            'condition': clean_string(column.name) ~ ' is null',
            'message': "'primary key column " ~ column.name ~ " is empty'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.required and not column.get('key') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string(column.name) ~ ' is null',
            'message': "'required column " ~ column.name ~ " is empty'",
        }) -%}
    {%- endfor -%}

    {%- set formats = {
        'date': 'a date (YYYY-MM-DD)',
        'timestamp': 'an ISO 8601 timestamp',
        'decimal': 'a decimal number (digits and one dot, no thousands separators, at most 14 integer digits)',
        'integer': 'a whole number',
        'boolean': 'a boolean (true/false)',
    } -%}
    {%- for column in table.columns if column.logical_type in formats -%}
        {%- do checks.append({
            'rule': 'unparseable_value', 'column': column.name,
            'condition': clean_string(column.name) ~ ' is not null and ' ~ typed_value(column) ~ ' is null',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string(column.name))
                ~ " || ' is not " ~ formats[column.logical_type] ~ "'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('enum') -%}
        {%- do checks.append({
            'rule': 'value_not_accepted', 'column': column.name,
            'condition': typed_value(column) ~ " not in ('" ~ column.enum | join("', '") ~ "')",
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string(column.name))
                ~ " || ' is not one of " ~ column.enum | join(', ') ~ "'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('min_value') is not none -%}
        {%- set inclusive = column.get('min_inclusive', true) -%}
        {%- set minimum = column.min_value | int if column.min_value == column.min_value | int else column.min_value -%}
        {%- do checks.append({
            'rule': 'negative_value' if (minimum == 0 and inclusive) else 'below_minimum',
            'column': column.name,
            'condition': typed_value(column) ~ (' < ' if inclusive else ' <= ') ~ minimum,
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string(column.name))
                ~ " || ' must be " ~ ('>=' if inclusive else '>') ~ " " ~ minimum ~ "'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('money_in') -%}
        {%- do checks.append({
            'rule': 'implausible_amount', 'column': column.name,
            'condition': 'abs(' ~ typed_value(column) ~ ') > ' ~ var('max_plausible_amount', 1000000000),
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string(column.name))
                ~ " || ' is larger than max_plausible_amount " ~ var('max_plausible_amount', 1000000000)
                ~ " (in its own currency)'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('not_before') -%}
        {%- set other = by_name[column.not_before] -%}
        {%- if column.logical_type == other.logical_type -%}
            {%- set this_value, other_value = typed_value(column), typed_value(other) -%}
        {%- else -%}
            {%- set this_value = 'cast(' ~ typed_value(column) ~ ' as date)' -%}
            {%- set other_value = 'cast(' ~ typed_value(other) ~ ' as date)' -%}
        {%- endif -%}
        {%- do checks.append({
            'rule': 'date_out_of_order', 'column': column.name,
            'condition': this_value ~ ' < ' ~ other_value,
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string(column.name))
                ~ " || ' is before " ~ other.name ~ " ' || " ~ quarantine_text(clean_string(other.name)),
        }) -%}
    {%- endfor -%}

    {%- if table.get('event_column') and var('as_of_date') is not none -%}
        {%- set column = by_name[table.event_column] -%}
        {%- do checks.append({
            'rule': 'event_after_as_of', 'column': column.name,
            'condition': 'cast(' ~ typed_value(column) ~ " as date) > cast('" ~ var('as_of_date') ~ "' as date)",
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string(column.name))
                ~ " || ' is after the as-of date " ~ var('as_of_date') ~ " (held back)'",
        }) -%}
    {%- endif -%}

    {{ return(checks) }}
{%- endmacro %}


{#- quarantine_verdict(checks, prefix): three select-list items, dq_rule,
    dq_column and dq_message, of the first check whose condition holds. -#}
{% macro quarantine_verdict(checks) -%}
    case
        {%- for check in checks %}
            when {{ check.condition }} then '{{ check.rule }}'
        {%- endfor %}
    end as dq_rule,
    case
        {%- for check in checks %}
            when {{ check.condition }} then '{{ check.column }}'
        {%- endfor %}
    end as dq_column,
    case
        {%- for check in checks %}
            when {{ check.condition }} then {{ check.message }}
        {%- endfor %}
    end as dq_message
{%- endmacro %}


{#- quarantine_row_checks(raw_table, source_sql=none): the body of a base model
    (see the top). source_sql, a query of raw rows, replaces the whole raw
    table: the incremental chk_ models pass the rows they re-check. -#}
{% macro quarantine_row_checks(raw_table, source_sql=none) -%}
    {%- set table = raw_contract_table(raw_table) -%}
    {%- set columns = table.columns -%}
    {%- set names = columns | map(attribute='name') | list -%}
    {%- set typed_names = [] -%}
    {%- for name in names %}{% do typed_names.append('typed__' ~ name) %}{% endfor -%}
    {%- set keys = [] -%}
    {%- for column in columns if column.get('key') -%}
        {%- do keys.append(typed_value(column)) -%}
    {%- endfor -%}
    {%- set checks = quarantine_single_row_checks(table) %}

with

source as (

    {{ source_sql if source_sql else 'select * from ' ~ ref(raw_table) }}

),

-- every contract value parsed once (contract_value); the rules below and the
-- staging models read these columns
typed as (

    select
        {%- for column in columns %}
        {{ column.name }},
        {%- endfor %}
        {%- for column in columns %}
        {{ contract_value(column) }} as {{ typed_value(column) }}{{ ',' if not loop.last }}
        {%- endfor %}
    from source

),

single_row_checks as (

    select
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        {{ quarantine_row_key(table) }} as dq_row_key,
        {{ quarantine_verdict(checks) | indent(8) }}
    from typed

),

-- duplicates among the rows that pass the single-row rules: the first row by
-- all raw columns keeps the key, so the winner does not depend on load order;
-- an exact copy of it is duplicate_row, any other row with the key duplicate_key
duplicates_ranked as (

    select
        single_row_checks.*,
        row_number() over (
            partition by dq_rule is null, {{ keys | join(', ') }}
            order by {{ names | join(', ') }}
        ) as dq_key_rank,
        dense_rank() over (
            partition by dq_rule is null, {{ keys | join(', ') }}
            order by {{ names | join(', ') }}
        ) as dq_content_rank,
        count(*) over (partition by dq_rule is null, {{ keys | join(', ') }}) as dq_key_rows
    from single_row_checks

),

deduplicated as (

    select
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        dq_row_key,
        case
            when dq_rule is not null then dq_rule
            when dq_key_rank > 1 and dq_content_rank = 1 then 'duplicate_row'
            when dq_key_rank > 1 then 'duplicate_key'
        end as dq_rule,
        case
            when dq_rule is not null then dq_column
            when dq_key_rank > 1 then '{{ table.primary_key | join(", ") }}'
        end as dq_column,
        case
            when dq_rule is not null then dq_message
            when dq_key_rank > 1 and dq_content_rank = 1
                then 'exact copy of another row (copy ' || cast(dq_key_rank as {{ dbt.type_string() }})
                || '); the first copy is kept'
            when dq_key_rank > 1
                then dq_row_key || ' occurs in ' || cast(dq_key_rows as {{ dbt.type_string() }})
                || ' rows; the first by all columns is kept'
        end as dq_message
    from duplicates_ranked

),
{%- if table.get('progression') %}
    {%- set prog = table.progression %}
    {%- set by_name = {} %}
    {%- for column in columns %}{% do by_name.update({column.name: column}) %}{% endfor %}
    {%- set value = typed_value(by_name[prog.column]) %}

-- {{ prog.column }} must not go back in {{ prog.ordered | join(' -> ') }} unless one of
-- {{ prog.resets | join(', ') }} comes in between (e.g. a re-opened deal)
progression as (

    select
        deduplicated.*,
        {{ value }} as dq_value,
        lag({{ value }}) over (
            partition by dq_rule is null, {{ typed_value(by_name[prog.partition_by]) }}
            order by {{ typed_value(by_name[prog.order_by]) }}, {{ typed_value(by_name[prog.tie_breaker]) }}
        ) as dq_previous_value
    from deduplicated

),

progression_ranked as (

    select
        progression.*,
        case dq_value
            {%- for item in prog.ordered %}
            when '{{ item }}' then {{ loop.index }}
            {%- endfor %}
        end as dq_rank,
        case dq_previous_value
            {%- for item in prog.ordered %}
            when '{{ item }}' then {{ loop.index }}
            {%- endfor %}
        end as dq_previous_rank
    from progression

),

final as (

    select
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        dq_row_key,
        case
            when dq_rule is not null then dq_rule
            when dq_rank < dq_previous_rank then '{{ prog.column }}_backwards'
        end as dq_rule,
        case
            when dq_rule is not null then dq_column
            when dq_rank < dq_previous_rank then '{{ prog.column }}'
        end as dq_column,
        case
            when dq_rule is not null then dq_message
            when dq_rank < dq_previous_rank
                then '{{ prog.column }} goes back from ' || dq_previous_value || ' to ' || dq_value
                || ' for {{ prog.partition_by }} ' || {{ quarantine_text(clean_string(prog.partition_by)) }}
        end as dq_message
    from progression_ranked

)
{%- else %}

final as (

    select * from deduplicated

)
{%- endif %}

select * from final
{%- endmacro %}


{#- raw_value_in(column, values_query=none): a filter on raw rows that is true
    for every row whose contract_value(column) is in values_query (none: no
    values) or is null. For a
    plain string column it compares the raw text (no trim of every raw row,
    which costs more than the rest of an incremental check) and adds the rows
    whose text is empty or starts or ends with a space: a superset, which the
    incremental checks allow (a row re-checked needlessly gets the same
    verdict, and rows outside the re-check keys are dropped at the end). -#}
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


{#- quarantine_cross_checks(raw_table): the body of a chk_ model (see the top):
    the base rows plus foreign keys (against the parent's chk_ model, so a row
    whose parent is quarantined is quarantined too) and FX rates (against the
    clean FX rates, the way int_fx_rates_daily converts).

    Besides the raw and typed columns and the verdict it keeps, per row, what
    the cross-table rules saw: dq_ref__<column> (the parent's state: clean,
    held_back, quarantined or unknown) for each foreign key and dq_fx__<column>
    (the first day the currency converts) for each FX column; dq_raw_row (the
    raw row as JSON) only on quarantined rows.

    Incremental chk_ models (tables with an event column and a one-column key,
    configured incremental with unique_key dq_row_key, delete+insert): a run
    re-checks only
      - the raw rows dated (by the text of the event column, which compares
        like its date when it starts YYYY-MM-DD; one day of margin for UTC
        offsets) on or after the latest clean event day held minus
        incremental_lookback_days, rows whose event text does not start like a
        date, and rows with an empty key;
      - the rows held whose parent or FX state changed since they were checked
        (dq_ref__ / dq_fx__ differ from the parent's state now);
      - closed over the rules that compare rows: every raw row with a key of
        those rows (duplicates) and, for an ordered status, every row of their
        partitions (e.g. all stage changes of the opportunity).
    It writes the re-checked rows of those keys (delete+insert on dq_row_key).
    Known limits (docs/quarantine.md): raw rows deleted from the raw table, a
    late row dated before the window, an as-of date moved backwards or a
    changed contract var need --full-refresh; the reconciliation test (raw =
    clean + quarantined) fails loudly when rows are missing.
-#}
{% macro quarantine_cross_checks(raw_table) -%}
    {%- set table = raw_contract_table(raw_table) -%}
    {%- set columns = table.columns -%}
    {%- set names = columns | map(attribute='name') | list -%}
    {%- set by_name = {} -%}
    {%- for column in columns %}{% do by_name.update({column.name: column}) %}{% endfor -%}
    {%- set base_model = 'base_' ~ table.staging_model[4:] -%}
    {%- set foreign_keys = columns | selectattr('references', 'defined') | list -%}
    {%- set fx_columns = columns | selectattr('fx_date', 'defined') | list -%}
    {%- set held_back = quarantine_held_back_rules() -%}
    {%- set raw_relation = ref(raw_table) -%}
    {%- set base_relation = ref(base_model) -%}
    {%- set incremental = is_incremental() -%}
    {%- if incremental and not (table.get('event_column') and table.primary_key | length == 1) -%}
        {{ exceptions.raise_compiler_error('chk_' ~ raw_table ~ ': an incremental quarantine check needs an event column and a one-column key') }}
    {%- endif -%}
    {%- set checks = [] %}
    {%- set states = [] %}

with
{%- for column in foreign_keys %}
    {%- set parent_table, parent_column = column.references.split('.') %}
    {%- set parent = raw_contract_table(parent_table) %}
    {%- set parent_key = (parent.columns | selectattr('name', 'equalto', parent_column) | first) %}

parent_{{ column.name }} as (

    select
        {{ typed_value(parent_key) }} as parent_key,
        max(case when dq_rule is null then 1 else 0 end) as has_clean_row,
        max(case when dq_rule in ('{{ held_back | join("', '") }}') then 1 else 0 end) as is_held_back
    from {{ ref('chk_' ~ parent_table) }}
    group by {{ typed_value(parent_key) }}

),
    {%- set alias = 'parent_' ~ column.name %}
    {%- do states.append({
        'column': 'dq_ref__' ~ column.name, 'alias': alias, 'value_column': column,
        'join_on': alias ~ '.parent_key',
        'state': 'case when ' ~ alias ~ ".parent_key is null then 'unknown' when " ~ alias ~ ".has_clean_row = 1 then 'clean' when "
            ~ alias ~ ".is_held_back = 1 then 'held_back' else 'quarantined' end",
    }) %}
    {%- set value = typed_value(column, 'base') %}
    {%- do checks.append({
        'join': 'left join ' ~ alias ~ ' on ' ~ value ~ ' = ' ~ alias ~ '.parent_key',
        'rules': [
            {'rule': 'unknown_reference', 'column': column.name,
             'condition': value ~ ' is not null and ' ~ alias ~ '.parent_key is null',
             'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is not in " ~ column.references ~ "'"},
            {'rule': 'reference_after_as_of', 'column': column.name,
             'condition': alias ~ '.has_clean_row = 0 and ' ~ alias ~ '.is_held_back = 1',
             'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is held back in "
                ~ parent_table ~ " (dated after the as-of date)'"},
            {'rule': 'quarantined_reference', 'column': column.name,
             'condition': alias ~ '.has_clean_row = 0',
             'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(value) ~ " || ' is quarantined in "
                ~ parent_table ~ " (see quarantine.quarantined_rows)'"},
        ],
    }) %}
{%- endfor %}
{%- if fx_columns %}
    {%- set pivot = "'" ~ (var('fx_pivot_currency', 'USD') | upper) ~ "'" %}

-- the first day each currency converts to the reporting currency: directly
-- (a quote either way) or through the pivot currency, as int_fx_rates_daily does
fx_quotes as (

    select
        rate_date,
        from_currency as currency,
        to_currency as anchor_currency
    from {{ ref('stg_finance__fx_rates') }}
    where rate > 0 and from_currency <> to_currency

    union all

    select
        rate_date,
        to_currency as currency,
        from_currency as anchor_currency
    from {{ ref('stg_finance__fx_rates') }}
    where rate > 0 and from_currency <> to_currency

),

fx_anchor_starts as (

    select
        currency,
        anchor_currency,
        min(rate_date) as first_rate_date
    from fx_quotes
    where anchor_currency in ({{ reporting_currency() }}, {{ pivot }})
    group by currency, anchor_currency

),

fx_paths as (

    select
        currency,
        first_rate_date
    from fx_anchor_starts
    where anchor_currency = {{ reporting_currency() }}

    union all

    select
        currency_to_pivot.currency,
        greatest(currency_to_pivot.first_rate_date, reporting_to_pivot.first_rate_date) as first_rate_date
    from fx_anchor_starts as currency_to_pivot
    inner join fx_anchor_starts as reporting_to_pivot
        on
            reporting_to_pivot.currency = {{ reporting_currency() }}
            and reporting_to_pivot.anchor_currency = {{ pivot }}
    where currency_to_pivot.anchor_currency = {{ pivot }}

),

fx_starts as (

    select
        currency,
        min(first_rate_date) as first_rate_date
    from fx_paths
    group by currency

),
    {%- for column in fx_columns %}
        {%- set alias = 'fx_' ~ column.name %}
        {%- set value = typed_value(column, 'base') %}
        {%- set fx_day = 'cast(' ~ typed_value(by_name[column.fx_date], 'base') ~ ' as date)' %}
        {%- do states.append({
            'column': 'dq_fx__' ~ column.name, 'alias': 'fx_starts', 'value_column': column,
            'join_on': 'fx_starts.currency', 'state': 'fx_starts.first_rate_date',
        }) %}
        {%- do checks.append({
            'join': 'left join fx_starts as ' ~ alias ~ ' on ' ~ value ~ ' = ' ~ alias ~ '.currency',
            'alias': alias,
            'rules': [
                {'rule': 'no_fx_rate', 'column': column.name,
                 'condition': value ~ ' <> ' ~ reporting_currency() ~ ' and (' ~ alias ~ '.first_rate_date is null or '
                    ~ fx_day ~ ' < ' ~ alias ~ '.first_rate_date)',
                 'message': "'no FX rate from ' || " ~ quarantine_text(value) ~ " || ' to " ~ reporting_currency() | replace("'", "")
                    ~ " on or before " ~ column.fx_date ~ " ' || " ~ quarantine_text(clean_string('base.' ~ column.fx_date))},
            ],
        }) %}
    {%- endfor %}
{%- endif %}
{%- if incremental %}
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

-- incremental: which raw rows to re-check (see the macro's comment)
recheck_seeds as (

    -- raw rows in the window (ISO text compares like its date), rows whose event
    -- text does not start like a date, and rows with an empty key
    select
        {{ contract_value(key) }} as dq_key{% if prog %},
        {{ contract_value(part) }} as dq_part{% endif %}
    from {{ raw_relation }}
    where
        {{ event.name }} >= cast({{ window_start }} as {{ dbt.type_string() }})
        or {{ event.name }} not like '____-__-__%'
        or {{ event.name }} is null
        or {{ raw_value_in(key) }}
    {%- set held_changes = [] %}
    {%- for state in states %}
        {%- set on = typed_value(state.value_column, 'held') ~ ' = ' ~ state.join_on %}
        {%- if state.column.startswith('dq_ref__') %}
            {%- do held_changes.append({
                'what': state.column ~ ' was not clean: compare with the parent now',
                'join': 'left join ' ~ state.alias ~ ' on ' ~ on,
                'where': 'held.' ~ state.column ~ " <> 'clean' and held." ~ state.column ~ ' <> ' ~ state.state,
            }) %}
            {%- do held_changes.append({
                'what': state.column ~ ' was clean and the parent is not clean now',
                'join': 'inner join ' ~ state.alias ~ ' on ' ~ on,
                'where': 'held.' ~ state.column ~ " = 'clean' and " ~ state.alias ~ '.has_clean_row = 0',
            }) %}
        {%- else %}
            {%- do held_changes.append({
                'what': state.column ~ ' changed',
                'join': 'left join ' ~ state.alias ~ ' on ' ~ on,
                'where': typed_value(state.value_column, 'held') ~ ' is not null and held.' ~ state.column
                    ~ ' is distinct from ' ~ state.state,
            }) %}
        {%- endif %}
    {%- endfor %}
    {%- for change in held_changes %}

    union all

    -- rows held whose {{ change.what }}
    select
        held.{{ typed_value(key) }} as dq_key{% if prog %},
        held.{{ typed_value(part) }} as dq_part{% endif %}
    from {{ this }} as held
    {{ change.join }}
    where {{ change.where }}
    {%- endfor %}

),

recheck_keys as (

    select dq_key from recheck_seeds
    {%- if prog %}

    union

    -- every row of the partitions ({{ prog.partition_by }}) of those rows
    select {{ contract_value(key) }} as dq_key
    from {{ raw_relation }}
    where {{ raw_value_in(part, 'select recheck_seeds.dq_part from recheck_seeds') }}
    {%- endif %}

),
    {%- if prog %}

recheck_partitions as (

    select distinct {{ contract_value(part) }} as dq_part
    from {{ raw_relation }}
    where {{ raw_value_in(key, 'select recheck_keys.dq_key from recheck_keys') }}

),
    {%- endif %}
    {%- set source_sql %}
    select * from {{ raw_relation }}
    where
        {{ raw_value_in(key, 'select recheck_keys.dq_key from recheck_keys') }}
        {%- if prog %}
        or {{ raw_value_in(part, 'select recheck_partitions.dq_part from recheck_partitions') }}
        {%- endif %}
    {%- endset %}

base as (

    {{ quarantine_row_checks(raw_table, source_sql) | indent(4) }}

),
{%- else %}

base as (

    select * from {{ base_relation }}

),
{%- endif %}
{%- set rules = [] %}
{%- for check in checks %}{% for rule in check.rules %}{% do rules.append(rule) %}{% endfor %}{% endfor %}

verdicts as (

    select
        {%- for name in names %}
        base.{{ name }},
        {%- endfor %}
        {%- for column in columns %}
        {{ typed_value(column, 'base') }},
        {%- endfor %}
        base.dq_row_key,
        {%- if rules %}
        case
            when base.dq_rule is not null then base.dq_rule
            {%- for rule in rules %}
            when {{ rule.condition }} then '{{ rule.rule }}'
            {%- endfor %}
        end as dq_rule,
        case
            when base.dq_rule is not null then base.dq_column
            {%- for rule in rules %}
            when {{ rule.condition }} then '{{ rule.column }}'
            {%- endfor %}
        end as dq_column,
        case
            when base.dq_rule is not null then base.dq_message
            {%- for rule in rules %}
            when {{ rule.condition }} then {{ rule.message }}
            {%- endfor %}
        end as dq_message
        {%- else %}
        base.dq_rule,
        base.dq_column,
        base.dq_message
        {%- endif %}
        {%- for state in states %}
            {%- set alias = state.alias if state.alias != 'fx_starts' else 'fx_' ~ state.value_column.name %}
        ,
        case
            when {{ typed_value(state.value_column, 'base') }} is not null
                then {{ state.state | replace(state.alias ~ '.', alias ~ '.') }}
        end as {{ state.column }}
        {%- endfor %}
    from base
    {%- for check in checks %}
    {{ check.join }}
    {%- endfor %}
    {%- if incremental %}
    where
        {{ typed_value(key, 'base') }} is null
        or {{ typed_value(key, 'base') }} in (select recheck_keys.dq_key from recheck_keys)
    {%- endif %}

),

final as (

    select
        verdicts.*,
        case when dq_rule is not null then {{ raw_row_json(columns) | indent(8) }} end as dq_raw_row
    from verdicts

)

select * from final
{%- endmacro %}
