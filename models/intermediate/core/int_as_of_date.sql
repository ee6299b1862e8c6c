{#-
    One row, one column: the as-of date of the run (see macros/dates/as_of_date.sql).
    var as_of_date wins; when it is null the as-of date is the latest event date
    across the activity tables (leads, touchpoints, spend, lead status and
    opportunity stage history, opportunities' creation and close dates).
-#}
with

lead_dates as (

    select max(created_date) as latest_date from {{ ref('stg_crm__leads') }}

),

touchpoint_dates as (

    select max(touched_date) as latest_date from {{ ref('stg_marketing__touchpoints') }}

),

spend_dates as (

    select max(spend_date) as latest_date from {{ ref('stg_ads__spend_daily') }}

),

lead_status_dates as (

    select max(changed_date) as latest_date from {{ ref('stg_crm__lead_status_history') }}

),

opportunity_stage_dates as (

    select max(changed_date) as latest_date from {{ ref('stg_crm__opportunity_stage_history') }}

),

-- opportunities' own dates: creation, and the close of a closed deal (an open
-- deal's close_date may be an expected close in the future), for exports
-- without a stage history
opportunity_dates as (

    select
        max(
            case
                when stage in ('closed_won', 'closed_lost') and close_date > created_date then close_date
                else created_date
            end
        ) as latest_date
    from {{ ref('stg_crm__opportunities') }}

),

all_dates as (

    select latest_date from lead_dates
    union all
    select latest_date from touchpoint_dates
    union all
    select latest_date from spend_dates
    union all
    select latest_date from lead_status_dates
    union all
    select latest_date from opportunity_stage_dates
    union all
    select latest_date from opportunity_dates

),

final as (

    -- always exactly one row. With the var set the activity tables are not
    -- scanned at all (the CTEs above are unused, and neither engine runs an
    -- unreferenced CTE): a cheap as-of date for incremental runs at scale
    {%- if var('as_of_date') is not none %}
        select cast('{{ var("as_of_date") }}' as date) as as_of_date
    {%- else %}
        select max(latest_date) as as_of_date
        from all_dates
    {%- endif %}

)

select * from final
