{#-
    period_spine(datepart, start_date, end_date, column_name): a derived table
    with one row per period (day, week, month...) from start_date through
    end_date, both SQL date expressions (scalar subqueries allowed). Unlike
    dbt.date_spine it runs no query at compile time, so the bounds can come
    from the data (or the as-of date) and it renders the same in unit tests.
    Up to 2^16 periods (about 179 years of days). Portable: only dbt.dateadd
    and dbt.datediff differ between adapters (and Spark numbers the periods with sequence()).
        days as (
            select date_day from {{ period_spine('day', "date '2024-01-01'", as_of_date()) }}
        )
-#}
{% macro period_spine(datepart, start_date, end_date, column_name=none) -%}
    {{ return(adapter.dispatch('period_spine')(datepart, start_date, end_date, column_name)) }}
{%- endmacro %}

{% macro default__period_spine(datepart, start_date, end_date, column_name) -%}
    {%- set column_name = column_name or 'date_' ~ datepart -%}
    (
        select cast({{ dbt.dateadd(datepart, 'numbers.period_number', start_date) }} as date) as {{ column_name }}
        from (
            select
                {% for i in range(16) -%}
                    bit_{{ i }}.bit_value * {{ 2 ** i }}{{ ' +' if not loop.last }}
                {% endfor -%}
                as period_number
            from
                {% for i in range(16) -%}
                    (select 0 as bit_value union all select 1 as bit_value) as bit_{{ i }}
                    {{- ' cross join' if not loop.last }}
                {% endfor %}
        ) as numbers
        where numbers.period_number <= {{ dbt.datediff(start_date, end_date, datepart) }}
    ) as {{ datepart }}_spine
{%- endmacro %}

{#- Spark: the period numbers from explode(sequence(...)), not a cross join of 16 two-row tables (whose 65,536
    rows Spark's planner expands with the bounds' subqueries). -#}
{% macro spark__period_spine(datepart, start_date, end_date, column_name) -%}
    {%- set column_name = column_name or 'date_' ~ datepart -%}
    {%- set periods = dbt.datediff(start_date, end_date, datepart) -%}
    (
        select cast({{ dbt.dateadd(datepart, 'numbers.period_number', start_date) }} as date) as {{ column_name }}
        from (
            select explode(sequence(0, greatest({{ periods }}, 0))) as period_number
        ) as numbers
        where numbers.period_number <= {{ periods }}
    ) as {{ datepart }}_spine
{%- endmacro %}

