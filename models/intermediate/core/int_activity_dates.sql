{#-
    One row: the first and the latest date of the activity tables (leads,
    touchpoints, spend, lead status changes, opportunity stage changes, and
    opportunities' creation and, for closed deals, close dates), read from the
    first layer (the base_ models: every raw row typed, with its single-table
    contract verdict; rows with a verdict are left out). The latest date is the
    default as-of date (int_as_of_date); the first date starts the activity
    calendar (int_activity_months) and, with billing's and finance's first
    dates, the date dimension (int_calendar_dates, dim_date). Reading the first
    layer instead of the checked models keeps the as-of date off the cross-system
    checks (FX rates, channels, campaigns): a mart depends on the source systems
    it reads and on the activity tables' dates, nothing else (docs/architecture.md).
-#}
with

lead_dates as (

    select
        min(cast(typed__created_at as date)) as first_date,
        max(cast(typed__created_at as date)) as latest_date
    from {{ ref('base_crm__leads') }}
    where dq_rule is null

),

touchpoint_dates as (

    select
        min(cast(typed__touched_at as date)) as first_date,
        max(cast(typed__touched_at as date)) as latest_date
    from {{ ref('base_marketing__touchpoints') }}
    where dq_rule is null

),

spend_dates as (

    select
        min(typed__spend_date) as first_date,
        max(typed__spend_date) as latest_date
    from {{ ref('base_ads__spend_daily') }}
    where dq_rule is null

),

lead_status_dates as (

    select
        min(cast(typed__changed_at as date)) as first_date,
        max(cast(typed__changed_at as date)) as latest_date
    from {{ ref('base_crm__lead_status_history') }}
    where dq_rule is null

),

-- stage changes count towards the latest date only: the calendar starts with
-- the opportunity's own creation
opportunity_stage_dates as (

    select
        cast(null as date) as first_date,
        max(cast(typed__changed_at as date)) as latest_date
    from {{ ref('base_crm__opportunity_stage_history') }}
    where dq_rule is null

),

-- opportunities' own dates: creation, and the close of a closed deal (an open
-- deal's close_date may be an expected close in the future), for exports
-- without a stage history
opportunity_dates as (

    select
        min(cast(typed__created_at as date)) as first_date,
        max(
            case
                when
                    lower(typed__stage) in ('closed_won', 'closed_lost')
                    and cast(typed__close_date as date) > cast(typed__created_at as date)
                    then cast(typed__close_date as date)
                else cast(typed__created_at as date)
            end
        ) as latest_date
    from {{ ref('base_crm__opportunities') }}
    where dq_rule is null

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
