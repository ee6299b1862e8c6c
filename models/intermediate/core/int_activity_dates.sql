{#-
    One row: the first and the latest date of the activity tables (leads,
    touchpoints, spend, lead status changes, opportunity stage changes, and
    opportunities' creation and, for closed deals, close dates), computed once
    for int_as_of_date (the latest date is the default as-of date) and dim_date
    (the calendar starts at the first month with data).
-#}
with

lead_dates as (

    select
        min(created_date) as first_date,
        max(created_date) as latest_date
    from {{ ref('stg_crm__leads') }}

),

touchpoint_dates as (

    select
        min(touched_date) as first_date,
        max(touched_date) as latest_date
    from {{ ref('int_touchpoints_checked') }}

),

spend_dates as (

    select
        min(spend_date) as first_date,
        max(spend_date) as latest_date
    from {{ ref('int_spend_daily_checked') }}

),

lead_status_dates as (

    select
        min(changed_date) as first_date,
        max(changed_date) as latest_date
    from {{ ref('stg_crm__lead_status_history') }}

),

-- stage changes count towards the latest date only: the calendar starts with
-- the opportunity's own creation
opportunity_stage_dates as (

    select
        cast(null as date) as first_date,
        max(changed_date) as latest_date
    from {{ ref('int_opportunity_stage_history_checked') }}

),

-- opportunities' own dates: creation, and the close of a closed deal (an open
-- deal's close_date may be an expected close in the future), for exports
-- without a stage history
opportunity_dates as (

    select
        min(created_date) as first_date,
        max(
            case
                when stage in ('closed_won', 'closed_lost') and close_date > created_date then close_date
                else created_date
            end
        ) as latest_date
    from {{ ref('int_opportunities_checked') }}

),

all_dates as (

    select * from lead_dates
    union all
    select * from touchpoint_dates
    union all
    select * from spend_dates
    union all
    select * from lead_status_dates
    union all
    select * from opportunity_stage_dates
    union all
    select * from opportunity_dates

),

final as (

    select
        min(first_date) as first_activity_date,
        max(latest_date) as latest_activity_date
    from all_dates

)

select * from final
