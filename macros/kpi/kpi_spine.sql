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


{#- kpi_dimension_rows(relation, dimensions, total): the per-dimension fan-out of every KPI mart, in one place.
    Each row of `relation` once as ('total', 'all') (unless total=false) and once per dimension of
    `dimensions`, a mapping dimension_type -> the SQL expression of its value, in order, e.g.
    {'channel': 'channel_id', 'campaign': "coalesce(campaign_id, 'no_campaign')"}; every column of `relation`
    is kept. The body of a `<x>_by_dimension` CTE; the marts then group by period, dimension_type and
    dimension_value, so the total and each breakdown come from the same rows. -#}
{% macro kpi_dimension_rows(relation, dimensions={'channel': 'channel_id'}, total=true) -%}
    {%- set parts = [] -%}
    {%- if total -%}
        {%- do parts.append(("'total'", "'all'")) -%}
    {%- endif -%}
    {%- for dimension_type, value in dimensions.items() -%}
        {%- do parts.append(("'" ~ dimension_type ~ "'", relation ~ '.' ~ value if value is string
            and value.isidentifier() else value)) -%}
    {%- endfor -%}
    {%- for dimension_type, value in parts %}
    select
        {{ relation }}.*,
        {{ dimension_type }} as dimension_type,
        {{ value }} as dimension_value
    from {{ relation }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
