{#-
    One row: the first date of the date dimension (dim_date), the earliest date any activity or money table has
    data for: the activity tables' first date (int_activity_dates), the first subscription event and the first
    finance cost month, from the first layer (base_ models, rows without a single-table verdict). Only dim_date
    reads it: the KPI marts of leads, deals and spend take their months from int_activity_months, so billing and
    finance are upstream of the marts that use them and of no other. With an area off (billing_enabled,
    finance_enabled: macros/config/areas.sql) its dates are left out.
-#}
with

activity_dates as (

    select first_activity_date as first_date from {{ ref('int_activity_dates') }}

),

subscription_dates as (

    {% if kpi_area_enabled('billing') -%}
        select min(typed__event_date) as first_date
        from {{ ref('base_billing__subscription_events') }}
        where dq_rule is null
    {%- else -%}
        select cast(null as date) as first_date
    {%- endif %}

),

cost_dates as (

    {% if kpi_area_enabled('finance') -%}
        select min(typed__cost_month) as first_date
        from {{ ref('base_finance__costs') }}
        where dq_rule is null
    {%- else -%}
        select cast(null as date) as first_date
    {%- endif %}

),

all_dates as (

    select * from activity_dates
    union all
    select * from subscription_dates
    union all
    select * from cost_dates

),

final as (

    select min(first_date) as first_calendar_date
    from all_dates

)

select * from final
