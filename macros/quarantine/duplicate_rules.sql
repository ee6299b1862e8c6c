{#-
    Single-table rules that compare rows: duplicate_row (an exact copy of another row: one copy is kept) and
    duplicate_key (the same key with other values: the first row by all raw columns is kept). CTEs of
    quarantine_row_checks (quarantine_checks.sql), after the rules of one row.
-#}

{#- quarantine_duplicate_ctes(table): the CTEs duplicates_ranked and deduplicated of quarantine_row_checks
    (reading its single_row_verdicts): each row's place among the rows of its key (dq_position, also the
    row's number in dq_row_id) and its verdict with the duplicate rules added. Ends with a comma. -#}
{% macro quarantine_duplicate_ctes(table) -%}
    {%- set names = table.columns | map(attribute='name') | list -%}
    {%- set typed_names = [] -%}
    {%- for name in names %}{% do typed_names.append('typed__' ~ name) %}{% endfor -%}
    {%- set keys = [] -%}
    {%- for column in table.columns if column.get('key') -%}
        {%- do keys.append(typed_value(column)) -%}
    {%- endfor -%}
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
            partition by {{ keys | join(', ') }}
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
{%- endmacro %}
