{#-
    The single-table quarantine rules, generated from the raw data contract
    (raw_contract(), rendered from scripts/kpi_pipeline/contract.py). See
    docs/quarantine.md.

    Two models per raw table:
      - base_<source>__<entity> (staging/<source>/base/, table; incremental
        for the event tables), the only reader of the source table:
        {{ quarantine_base('<raw table>') }}. Every raw row, its raw text
        columns, the typed values (typed__<column>, parsed once) and the first
        single-table rule it breaks (dq_rule, dq_column, dq_message; null when
        it breaks none), with dq_row_id, a key of its own.
      - stg_<source>__<entity> (view): the rows that break no rule, the
        cross-table rules (foreign keys, FX rates) included
        (contract_clean_rows, macros/quarantine/contract_verdicts.sql).
    quarantined_rows lists the others. Rule precedence (the first broken rule
    wins): null_key, missing_value, unparseable_value, value_not_accepted,
    negative_value / below_minimum, implausible_amount, date_out_of_order,
    event_after_as_of, duplicate_row / duplicate_key, <column>_backwards, then
    the cross-table rules unknown_reference / quarantined_reference /
    reference_after_as_of and no_fx_rate.
-#}

{#- Rules that hold a row back rather than reject it: rows dated after an
    explicit as-of date (time travel) and rows that reference them. They are
    quarantined and reported, but do not count towards quarantine_threshold. -#}
{% macro quarantine_held_back_rules() -%}
    {{ return(['event_after_as_of', 'reference_after_as_of']) }}
{%- endmacro %}


{#- contract_value(column, relation_alias, parse_only): the typed, normalised
    value of a raw contract column, exactly as the staging models compute it:
    the parsed value, or the column's default when it is empty (parse_only: the
    parsed value alone). A column with a fallback takes the fallback column's
    value when empty (in quarantine_row_checks, where both are at hand). -#}
{% macro contract_value(column, relation_alias=none, parse_only=false, cleaned=false) -%}
    {#- cleaned: read clean__<name>, the column's text cleaned once (clean_string) -#}
    {%- set name = (relation_alias ~ '.' if relation_alias else '') ~ ('clean__' if cleaned else '') ~ column.name -%}
    {%- set logical_type = column.logical_type -%}
    {%- if column.get('default') and not parse_only -%}
        coalesce({{ contract_value(column, relation_alias, parse_only=true, cleaned=cleaned) }}, '{{ column.default }}')
    {%- elif logical_type == 'date' -%}
        {{ to_date(name) }}
    {%- elif logical_type in ('timestamp', 'date_or_timestamp') -%}
        {{ to_utc_timestamp(name) }}
    {%- elif logical_type == 'decimal' -%}
        {#- 14 digits before the point; 4 after it unless the contract says (FX rates: 12) -#}
        {%- set scale = column.get('scale') or 6 -%}
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


{#- quarantine_text(expression): a raw value quoted for a message, at most 80 characters, with the
    characters a reader cannot see shown escaped (a zero-width space as <U+200B>, a no-break space as
    <U+00A0>, a tab as <U+0009>: escape_invisible, macros/staging/clean_strings.sql). -#}
{% macro quarantine_text(expression) -%}
    '''' || coalesce({{ escape_invisible('left(' ~ expression ~ ', 80)') }}, '') || ''''
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
            'condition': clean_string('clean__' ~ column.name) ~ ' is null',
            'message': "'primary key column " ~ column.name ~ " is empty'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.required and not column.get('key') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null',
            'message': "'required column " ~ column.name ~ " is empty'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('required_without') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null and ' ~ clean_string('clean__' ~ column.required_without) ~ ' is null',
            'message': "'column " ~ column.name ~ " is empty, and so is " ~ column.required_without ~ "'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('required_with') -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null and ' ~ clean_string('clean__' ~ column.required_with) ~ ' is not null',
            'message': "'column " ~ column.name ~ " is empty, but " ~ column.required_with ~ " has a value'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('required_when') -%}
        {%- set other = by_name[column.required_when.column] -%}
        {%- do checks.append({
            'rule': 'missing_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is null and ' ~ typed_value(other)
                ~ " in ('" ~ column.required_when['values'] | join("', '") ~ "')",
            'message': "'column " ~ column.name ~ " is empty, but " ~ other.name ~ " is ' || " ~ typed_value(other),
        }) -%}
    {%- endfor -%}

    {%- set formats = {
        'date': 'a date (YYYY-MM-DD)',
        'timestamp': 'an ISO 8601 timestamp (with a UTC offset, a time zone name or neither)',
        'date_or_timestamp': 'a date (YYYY-MM-DD) or an ISO 8601 timestamp',
        'decimal': 'a decimal number (digits and one dot, no thousands separators, at most 14 integer digits)',
        'integer': 'a whole number',
        'boolean': 'a boolean (true/false)',
    } -%}
    {%- for column in table.columns if column.logical_type in formats -%}
        {#- a column with a fallback holds the fallback's value when its own does not parse: test the parse -#}
        {%- set parsed = contract_value(column, parse_only=true, cleaned=true) if column.get('fallback') else typed_value(column) -%}
        {%- do checks.append({
            'rule': 'unparseable_value', 'column': column.name,
            'condition': clean_string('clean__' ~ column.name) ~ ' is not null and ' ~ parsed ~ ' is null',
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
                ~ " || ' is not " ~ formats[column.logical_type] ~ "'",
        }) -%}
    {%- endfor -%}

    {#- a date outside the plausible window: 1970-01-01, 0001-01-01 or 9999-12-31 are placeholders, not
        events, and would stretch every calendar from 1970 or to 9999 -#}
    {%- for column in table.columns if column.logical_type in ('date', 'timestamp', 'date_or_timestamp') -%}
        {%- set day = 'cast(' ~ typed_value(column) ~ ' as date)' -%}
        {%- do checks.append({
            'rule': 'implausible_date', 'column': column.name,
            'condition': day ~ ' < ' ~ plausible_date('min') ~ ' or ' ~ day ~ ' > ' ~ plausible_date('max'),
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
                ~ " || ' is outside the plausible dates " ~ plausible_date('min', literal=false) ~ " to "
                ~ plausible_date('max', literal=false) ~ " (vars plausible_date_min, plausible_date_max)'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('enum') -%}
        {%- do checks.append({
            'rule': 'value_not_accepted', 'column': column.name,
            'condition': typed_value(column) ~ " not in ('" ~ column.enum | join("', '") ~ "')",
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
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
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
                ~ " || ' must be " ~ ('>=' if inclusive else '>') ~ " " ~ minimum ~ "'",
        }) -%}
    {%- endfor -%}

    {%- for column in table.columns if column.get('money_in') -%}
        {%- do checks.append({
            'rule': 'implausible_amount', 'column': column.name,
            'condition': 'abs(' ~ typed_value(column) ~ ') > ' ~ checked_number_var('max_plausible_amount', 1000000000),
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
                ~ " || ' is larger than max_plausible_amount " ~ checked_number_var('max_plausible_amount', 1000000000)
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
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
                ~ " || ' is before " ~ other.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ other.name)),
        }) -%}
    {%- endfor -%}

    {%- if table.get('event_column') and checked_date_var('as_of_date') is not none -%}
        {%- set column = by_name[table.event_column] -%}
        {%- set as_of = checked_date_var('as_of_date') -%}
        {%- do checks.append({
            'rule': 'event_after_as_of', 'column': column.name,
            'condition': 'cast(' ~ typed_value(column) ~ " as date) > cast('" ~ as_of ~ "' as date)",
            'message': "'" ~ column.name ~ " ' || " ~ quarantine_text(clean_string('clean__' ~ column.name))
                ~ " || ' is after the as-of date " ~ as_of ~ " (held back)'",
        }) -%}
    {%- endif -%}

    {{ return(checks) }}
{%- endmacro %}


{#- quarantine_row_checks(raw_table, source_sql=none): every raw row with its
    typed values and single-table verdict (see the top). source_sql, a query of
    raw text rows, replaces the whole source table (raw_text_select): an
    incremental base model passes the rows it re-checks. -#}
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

-- duplicates among the rows that pass the single-row rules: the first row by
-- all raw columns keeps the key, so the winner does not depend on load order;
-- an exact copy of it is duplicate_row, any other row with the key duplicate_key.
-- One sort: the rows of a key, those that pass the single-row rules first, by all raw columns. Its
-- row_number is also the row's place in dq_row_id (numbered, below): rows with the same raw key text
-- always share the parsed key, so the numbers are unique per raw key.
duplicates_ranked as (

    select
        single_row_verdicts.*,
        row_number() over key_rows as dq_position,
        dense_rank() over key_rows as dq_content_rank,
        sum(case when dq_rule is null then 1 else 0 end) over (
            key_rows rows between unbounded preceding and unbounded following
        ) as dq_key_rows
    from single_row_verdicts
    window key_rows as (
        partition by {{ keys | join(', ') }}
        order by dq_rule is not null, {{ names | join(', ') }}
    )

),

deduplicated as (

    select
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        dq_row_key,
        dq_position,
        case
            when dq_rule is not null then dq_rule
            when dq_position > 1 and dq_content_rank = 1 then 'duplicate_row'
            when dq_position > 1 then 'duplicate_key'
        end as dq_rule,
        case
            when dq_rule is not null then dq_column
            when dq_position > 1 then '{{ table.primary_key | join(", ") }}'
        end as dq_column,
        case
            when dq_rule is not null then dq_message
            when dq_position > 1 and dq_content_rank = 1
                then 'exact copy of another row (copy ' || cast(dq_position as {{ dbt.type_string() }})
                || '); the first copy is kept'
            when dq_position > 1
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
        dq_position,
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

),
{%- else %}

final as (

    select * from deduplicated

),
{%- endif %}

{%- set last = 'final' %}
{%- if table.get('no_overlap') %}
    {%- set part, start, stop = table.no_overlap %}
    {%- set last = 'no_overlap' %}

-- the periods of a {{ part }} must not overlap: a period that starts before one of the earlier periods
-- (by {{ start }}) ends overlaps it, and is quarantined; the first one is kept
period_overlaps as (

    select
        final.*,
        max(coalesce({{ typed_value(by_name_[stop]) }}, cast('9999-12-31' as date))) over (
            partition by dq_rule is null, {{ typed_value(by_name_[part]) }}
            order by {{ typed_value(by_name_[start]) }}, {{ names | join(', ') }}
            rows between unbounded preceding and 1 preceding
        ) as dq_previous_end
    from final

),

no_overlap as (

    select
        {%- for name in names + typed_names %}
        {{ name }},
        {%- endfor %}
        dq_row_key,
        dq_position,
        case
            when dq_rule is not null then dq_rule
            when dq_previous_end > {{ typed_value(by_name_[start]) }} then 'overlapping_period'
        end as dq_rule,
        case
            when dq_rule is not null then dq_column
            when dq_previous_end > {{ typed_value(by_name_[start]) }} then '{{ start }}'
        end as dq_column,
        case
            when dq_rule is not null then dq_message
            when dq_previous_end > {{ typed_value(by_name_[start]) }}
                then '{{ start }} ' || {{ quarantine_text(clean_string(start)) }} || ' is before the end of an earlier '
                || '[{{ start }}, {{ stop }}) period of {{ part }} ' || {{ quarantine_text(clean_string(part)) }}
                || ': the periods overlap'
        end as dq_message
    from period_overlaps

),
{%- endif %}

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


{#- quarantine_threshold(): var quarantine_threshold (default 0.01) as a SQL number literal; a value that is not
    a number between 0 and 1 is a compilation error (it is pasted into SQL). -#}
{% macro quarantine_threshold() -%}
    {%- set value = checked_number_var('quarantine_threshold', 0.01) -%}
    {%- set number = value | float(-1) -%}
    {%- if (value | string) | trim == '' or number < 0 or number > 1 -%}
        {{ exceptions.raise_compiler_error('var quarantine_threshold must be a number between 0 and 1, got ' ~ value) }}
    {%- endif -%}
    {{ return(number | string) }}
{%- endmacro %}
