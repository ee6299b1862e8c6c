{#-
    One row per month from the month of the first activity date (int_activity_dates: leads, touches, spend,
    status changes, deals) through the month of the as-of date, with its fiscal year and quarter
    (macros/dates/fiscal_calendar.sql, as in dim_date). The month spine of the KPI marts over leads, deals and
    spend (kpi_months()), so they depend on the activity data only; the marts over billing and finance take
    their months from dim_date, which also starts at those tables' first dates.
-#}
with

bounds as (

    select {{ month_start('first_activity_date') }} as first_month
    from {{ ref('int_activity_dates') }}

),

months as (

    select date_month as period_month
    from {{ period_spine('month', '(select bounds.first_month from bounds)', as_of_date()) }}

),

final as (

    select
        period_month,
        {{ fiscal_year('period_month') }} as fiscal_year,
        {{ fiscal_quarter('period_month') }} as fiscal_quarter
    from months

)

select * from final
