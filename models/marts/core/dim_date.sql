{#-
    One row per day from the first day of the month of the earliest activity or money date (int_calendar_dates:
    the first layer's dates of the activity tables, subscriptions and costs) through the as-of date, with the
    calendar and fiscal calendar (macros/dates/fiscal_calendar.sql).
-#}
with

days as (

    select date_day
    from {{ period_spine(
        'day',
        '(select ' ~ month_start('calendar_dates.first_calendar_date') ~ ' from '
            ~ ref('int_calendar_dates') ~ ' as calendar_dates)',
        as_of_date()
    ) }}

),

final as (

    select
        date_day,
        cast({{ dbt.date_trunc('week', 'cast(date_day as timestamp)') }} as date) as week_start,
        {{ month_start('date_day') }} as month_start,
        cast({{ dbt.date_trunc('quarter', 'cast(date_day as timestamp)') }} as date) as quarter_start,
        cast(extract(year from date_day) as integer) as year, -- noqa: RF04
        cast(extract(quarter from date_day) as integer) as quarter_of_year,
        cast(extract(month from date_day) as integer) as month_of_year,
        {{ fiscal_year('date_day') }} as fiscal_year,
        {{ fiscal_quarter('date_day') }} as fiscal_quarter,
        {{ fiscal_month_of_year('date_day') }} as fiscal_month_of_year
    from days

)

select * from final
