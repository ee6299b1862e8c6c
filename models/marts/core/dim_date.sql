{%- set fiscal_start = var('fiscal_year_start_month', 1) | int -%}
{%- if fiscal_start < 1 or fiscal_start > 12 -%}
    {{ exceptions.raise_compiler_error('var fiscal_year_start_month must be 1..12, got ' ~ fiscal_start) }}
{%- endif -%}

with

-- the earliest date any activity or money table has data for
first_dates as (

    select first_activity_date as first_date from {{ ref('int_activity_dates') }}
    union all
    select min(event_date) as first_date from {{ ref('int_subscription_events_checked') }}
    union all
    select min(cost_month) as first_date from {{ ref('stg_finance__costs') }}

),

days as (

    select date_day
    from {{ period_spine(
        'day',
        '(select ' ~ month_start('min(first_dates.first_date)') ~ ' from first_dates)',
        as_of_date()
    ) }}

),

calendar as (

    select
        date_day,
        cast({{ dbt.date_trunc('week', 'cast(date_day as timestamp)') }} as date) as week_start,
        {{ month_start('date_day') }} as month_start,
        cast({{ dbt.date_trunc('quarter', 'cast(date_day as timestamp)') }} as date) as quarter_start,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(quarter from date_day) as integer) as calendar_quarter,
        cast(extract(month from date_day) as integer) as month_of_year
    from days

),

fiscal as (

    select
        date_day,
        week_start,
        month_start,
        quarter_start,
        calendar_year,
        calendar_quarter,
        month_of_year,
        mod(month_of_year - {{ fiscal_start }} + 12, 12) + 1 as fiscal_month_of_year,
        {%- if fiscal_start == 1 %}
            calendar_year as fiscal_year
        {%- else %}
            -- named by the calendar year in which the fiscal year ends
            case when month_of_year >= {{ fiscal_start }} then calendar_year + 1 else calendar_year end as fiscal_year
        {%- endif %}
    from calendar

),

final as (

    select
        date_day,
        week_start,
        month_start,
        quarter_start,
        calendar_year as year, -- noqa: RF04
        calendar_quarter as quarter_of_year,
        month_of_year,
        fiscal_year,
        case
            when fiscal_month_of_year <= 3 then 1
            when fiscal_month_of_year <= 6 then 2
            when fiscal_month_of_year <= 9 then 3
            else 4
        end as fiscal_quarter,
        fiscal_month_of_year
    from fiscal

)

select * from final
