{#-
    Single-table rules of one row at a time, generated from the contract (raw_contract()): a value that must be
    there (quarantine_presence_checks), then unparseable_value, implausible_date, value_not_accepted,
    negative_value / below_minimum, implausible_amount, date_out_of_order and event_after_as_of. The rules that
    compare rows (duplicates, progression, overlapping periods) are CTEs of quarantine_row_checks
    (duplicate_rules.sql, row_order_rules.sql). See docs/quarantine.md.
-#}

{#- quarantine_single_row_checks(table): the single-row rules of a table, in
    precedence order, each {rule, column, condition, message} (SQL snippets
    over the raw text columns). -#}
{% macro quarantine_single_row_checks(table) -%}
    {%- set checks = quarantine_presence_checks(table) -%}
    {%- set by_name = {} -%}
    {%- for column in table.columns -%}
        {%- do by_name.update({column.name: column}) -%}
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
