{#-
    The pieces every monthly KPI mart shares (docs/architecture.md, "Conventions
    every model follows"): its months, its dimension spine and the "total +
    per channel" fan-out. One definition, so the marts cannot drift apart.
-#}

{#- kpi_months(): one row per month of dim_date: period_month (first day),
    fiscal_year, fiscal_quarter. The body of a `months` CTE. -#}
{% macro kpi_months() -%}
    select
        date_day as period_month,
        fiscal_year,
        fiscal_quarter
    from {{ ref('dim_date') }}
    where date_day = month_start
{%- endmacro %}


{#- kpi_month_spine(months, dimensions): every month x every
    (dimension_type, dimension_value), so a month without activity is a row
    of zeros, not a gap. The body of a `spine` CTE. -#}
{% macro kpi_month_spine(months='months', dimensions='dimensions') -%}
    select
        {{ months }}.period_month,
        {{ months }}.fiscal_year,
        {{ months }}.fiscal_quarter,
        {{ dimensions }}.dimension_type,
        {{ dimensions }}.dimension_value
    from {{ months }}
    cross join {{ dimensions }}
{%- endmacro %}


{#- total_and_channel_rows(relation, channel_column): each row of `relation`
    twice, once as dimension ('total', 'all') and once as ('channel',
    <channel_column>). The body of a `<x>_by_dimension` CTE. -#}
{% macro total_and_channel_rows(relation, channel_column='channel_id') -%}
    select
        {{ relation }}.*,
        'total' as dimension_type,
        'all' as dimension_value
    from {{ relation }}
    union all
    select
        {{ relation }}.*,
        'channel' as dimension_type,
        {{ relation }}.{{ channel_column }} as dimension_value
    from {{ relation }}
{%- endmacro %}
