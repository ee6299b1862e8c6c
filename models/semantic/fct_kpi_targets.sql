{#-
    The monthly KPI targets (raw table ref_kpi_targets, clean rows), one row
    per KPI, month and dimension value, with the team or channel the target
    is for as its own column so the semantic layer can join it to the
    team / channel entities. kpi_scorecard reads the same staging view.
    pace_target and is_partial_period are the scorecard's (pacing of a month
    in progress): the target to date of an additive KPI in a partial month,
    else the target; a target without a scorecard row is its own pace target.
-#}
{{ config(enabled=kpi_areas_enabled('semantic_layer')) }}
with

targets as (

    select * from {{ ref('stg_reference__kpi_targets') }}

),

scorecard as (

    select
        kpi_name,
        period_month,
        dimension_type,
        dimension_value,
        is_partial_period,
        pace_target
    from {{ ref('kpi_scorecard') }}

),

final as (

    select
        {{ dbt.concat([
            'targets.kpi_name', "':'", 'cast(targets.target_month as ' ~ dbt.type_string() ~ ')', "':'",
            'targets.dimension_type', "':'", 'targets.dimension_value',
        ]) }} as kpi_target_id,
        targets.kpi_name,
        targets.target_month,
        targets.dimension_type,
        targets.dimension_value,
        case when targets.dimension_type = 'team' then targets.dimension_value end as team_id,
        case when targets.dimension_type = 'channel' then targets.dimension_value end as channel_id,
        targets.target_value,
        coalesce(scorecard.is_partial_period, false) as is_partial_period,
        coalesce(scorecard.pace_target, targets.target_value) as pace_target
    from targets
    left join scorecard
        on
            targets.kpi_name = scorecard.kpi_name
            and targets.target_month = scorecard.period_month
            and targets.dimension_type = scorecard.dimension_type
            and targets.dimension_value = scorecard.dimension_value

)

select * from final
