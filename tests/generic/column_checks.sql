{#-
    column_checks(not_null=[], unique=[], accepted_range={}, accepted_values={}): the plain column
    tests of one model in one test node (one dbt node instead of one per column and rule; issue 24).
    Returns one row per failing rule: column_name, rule, failing_rows; none when every rule passes.
      - not_null: [col, ...]         rows where the column is null
      - unique: [col, ...]           rows holding a non-null value that occurs more than once
                                     (fails exactly when dbt's built-in unique fails)
      - accepted_range: {col: {min_value: , max_value: , inclusive: true}}
                                     non-null values outside the range (tests/generic/accepted_range.sql)
      - accepted_values: {col: [values]} or {col: {values: [...], quote: false}}
                                     non-null values not listed (dbt's built-in accepted_values; nulls pass)
    The not_null, range and value counts are one scan of the model; each unique column adds one
    group by. Portable SQL (sum of case, union all): DuckDB, PostgreSQL, Spark.
        data_tests:
          - column_checks:
              arguments:
                not_null: [lead_id, created_at]
                unique: [lead_id]
                accepted_range: {amount: {min_value: 0}}
                accepted_values: {segment: ['smb', 'enterprise']}
    A test with its own config (severity, where, enabled) stays a column test of its own.
-#}
{% test column_checks(model, not_null=[], unique=[], accepted_range={}, accepted_values={}) %}

    {%- set not_null = [not_null] if not_null is string else (not_null or []) %}
    {%- set unique = [unique] if unique is string else (unique or []) %}
    {%- set accepted_range = accepted_range or {} %}
    {%- set accepted_values = accepted_values or {} %}

    {#- (column, rule, condition that makes a row fail) for the one-scan counts -#}
    {%- set counted = [] %}
    {%- for column in not_null %}
        {%- do counted.append((column, 'not_null', column ~ ' is null')) %}
    {%- endfor %}
    {%- for column, bounds in accepted_range.items() %}
        {%- set inclusive = bounds.get('inclusive', true) %}
        {%- set inside = ['1 = 1'] %}
        {%- if bounds.get('min_value') is not none %}
            {%- do inside.append(column ~ (' >= ' if inclusive else ' > ') ~ bounds['min_value']) %}
        {%- endif %}
        {%- if bounds.get('max_value') is not none %}
            {%- do inside.append(column ~ (' <= ' if inclusive else ' < ') ~ bounds['max_value']) %}
        {%- endif %}
        {%- do counted.append(
            (column, 'accepted_range', column ~ ' is not null and not (' ~ inside | join(' and ') ~ ')')) %}
    {%- endfor %}
    {%- for column, spec in accepted_values.items() %}
        {%- set values = spec['values'] if spec is mapping else spec %}
        {%- set quote = spec.get('quote', true) if spec is mapping else true %}
        {%- set listed = [] %}
        {%- for value in values %}
            {%- do listed.append("'" ~ (value | string | replace("'", "''")) ~ "'" if quote else value | string) %}
        {%- endfor %}
        {%- set outside = column ~ ' not in (' ~ listed | join(', ') ~ ')' %}
        {%- do counted.append((column, 'accepted_values', column ~ ' is not null and ' ~ outside)) %}
    {%- endfor %}
    {%- if not counted and not unique %}
        {{ exceptions.raise_compiler_error('column_checks on ' ~ model ~ ': no column to check') }}
    {%- endif %}

    with

    {% if counted %}
        counts as (

            select
                {%- for check in counted %}
                    sum(case when {{ check[2] }} then 1 else 0 end) as check_{{ loop.index }}
                    {%- if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ model }}

        ),
    {% endif %}

    checks as (

        {%- for check in counted %}
            select
                '{{ check[0] }}' as column_name,
                '{{ check[1] }}' as rule,
                check_{{ loop.index }} as failing_rows
            from counts
            {%- if not loop.last or unique %}
                union all
            {%- endif %}
        {%- endfor %}
        {%- for column in unique %}
            select
                '{{ column }}' as column_name,
                'unique' as rule,
                sum(n_records) as failing_rows
            from (
                select
                    {{ column }},
                    count(*) as n_records
                from {{ model }}
                where {{ column }} is not null
                group by {{ column }}
                having count(*) > 1
            ) as duplicates_{{ loop.index }}
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}

    )

    select
        column_name,
        rule,
        failing_rows
    from checks
    where failing_rows > 0

{% endtest %}
