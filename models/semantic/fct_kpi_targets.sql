{#-
    The monthly KPI targets (raw table ref_kpi_targets, clean rows), one row
    per KPI, month and dimension value, with the team or channel the target
    is for as its own column so the semantic layer can join it to the
    team / channel entities. kpi_scorecard reads the same staging view.
-#}
with

targets as (

    select * from {{ ref('stg_reference__kpi_targets') }}

),

final as (

    select
        {{ dbt.concat([
            'kpi_name', "':'", 'cast(target_month as ' ~ dbt.type_string() ~ ')', "':'",
            'dimension_type', "':'", 'dimension_value',
        ]) }} as kpi_target_id,
        kpi_name,
        target_month,
        dimension_type,
        dimension_value,
        case when dimension_type = 'team' then dimension_value end as team_id,
        case when dimension_type = 'channel' then dimension_value end as channel_id,
        target_value
    from targets

)

select * from final
