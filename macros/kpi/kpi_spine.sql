{#-
    The pieces every monthly KPI mart shares (docs/architecture.md, "Conventions
    every model follows"): its months, its dimension spine and the "total +
    per channel" fan-out. One definition, so the marts cannot drift apart.
-#}

{#- kpi_months(calendar): one row per month: period_month (first day), fiscal_year, fiscal_quarter. The
    body of a `months` CTE. calendar 'activity' (default): the months of the activity data
    (int_activity_months: leads, touches, spend, status changes, deals), for the marts that read only those;
    'dim_date': the months of the date dimension, which also starts at billing's and finance's first dates,
    for the marts over subscriptions and costs. -#}
{% macro kpi_months(calendar='activity') -%}
    {%- if calendar == 'activity' -%}
    select
        period_month,
        fiscal_year,
        fiscal_quarter
    from {{ ref('int_activity_months') }}
    {%- elif calendar == 'dim_date' -%}
    select
        date_day as period_month,
        fiscal_year,
        fiscal_quarter
    from {{ ref('dim_date') }}
    where date_day = month_start
    {%- else -%}
    {{ exceptions.raise_compiler_error("kpi_months: calendar must be 'activity' or 'dim_date', got " ~ calendar) }}
    {%- endif -%}
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
