{#-
    Single-table rules on the order of a table's rows, for the tables whose contract entry asks for them:
    <column>_backwards (an ordered status that goes back, table.progression) and overlapping_period
    (validity periods of one key that overlap, table.no_overlap). CTEs of quarantine_row_checks
    (quarantine_checks.sql), after the duplicate rules; each writes the CTE `final` or `no_overlap` it reads next.
-#}

{#- quarantine_progression_ctes(table): with table.progression, the CTEs progression, progression_ranked and
    final: a row whose ordered value (progression.column, in the order of progression.ordered) is lower than
    the one before it in its partition (progression.partition_by, by progression.order_by and
    tie_breaker) is <column>_backwards, when both rows pass the earlier rules; without it, final is
    deduplicated. Each CTE ends with a comma. -#}
{% macro quarantine_progression_ctes(table) -%}
    {%- set columns = table.columns -%}
    {%- set names = table.columns | map(attribute='name') | list -%}
    {%- set typed_names = [] -%}
    {%- for name in names %}{% do typed_names.append('typed__' ~ name) %}{% endfor -%}
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
{%- endmacro %}


{#- quarantine_overlap_ctes(table): with table.no_overlap ([partition column, start column, end column]), the
    CTEs period_overlaps and no_overlap: a row whose period starts before the end of an earlier period of
    the same partition (by start, then all raw columns; an empty end is open) is overlapping_period; the first
    is kept. Nothing without it. Each CTE ends with a comma. -#}
{% macro quarantine_overlap_ctes(table) -%}
    {%- set columns = table.columns -%}
    {%- set names = table.columns | map(attribute='name') | list -%}
    {%- set typed_names = [] -%}
    {%- for name in names %}{% do typed_names.append('typed__' ~ name) %}{% endfor -%}
    {%- set by_name_ = {} -%}
    {%- for column in columns %}{% do by_name_.update({column.name: column}) %}{% endfor -%}
    {%- if table.get('no_overlap') %}
    {%- set part, start, stop = table.no_overlap %}

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
{%- endmacro %}
