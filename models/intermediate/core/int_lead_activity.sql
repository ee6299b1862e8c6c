{#-
    One row per lead activity: the funnel activity of int_lead_funnel_activity
    (lead created, status change, opportunity created, stage change) and the
    touches. A view: the per-lead incremental attribution models read the leads
    with activity on or after their window start from it
    (leads_with_activity_since with touches), and the date filter reaches the
    scans below.
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}

with

funnel_activity as (

    select
        lead_id,
        activity_type,
        activity_date,
        activity_id
    from {{ ref('int_lead_funnel_activity') }}

),

touchpoints as (

    select
        touchpoint_id,
        lead_id,
        touched_date
    from {{ ref('int_touchpoints_checked') }}

),

unioned as (

    select * from funnel_activity

    union all

    select
        lead_id,
        'touch' as activity_type,
        touched_date as activity_date,
        touchpoint_id as activity_id
    from touchpoints

)

select * from unioned
