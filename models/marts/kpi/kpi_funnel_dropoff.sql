with

months as (

    {{ kpi_months() }}

),

-- leads disqualified (and still disqualified on the as-of date), at the last stage they had reached
disqualified_leads as (

    select
        {{ month_start('disqualified_at') }} as period_month,
        channel_id,
        case
            when opportunity_at <= disqualified_at then 'opportunity'
            when sql_at <= disqualified_at then 'sql'
            when mql_at <= disqualified_at then 'mql'
            else 'lead'
        end as funnel_stage,
        'disqualified' as dropoff_type,
        coalesce(disqualification_reason, 'unknown') as dropoff_reason
    from {{ ref('fct_leads') }}
    where current_status = 'disqualified'

),

-- deals lost, by their final close as of the as-of date
lost_deals as (

    select
        close_month as period_month,
        channel_id,
        'opportunity' as funnel_stage,
        'lost' as dropoff_type,
        coalesce(lost_reason, 'unknown') as dropoff_reason
    from {{ ref('fct_opportunities') }}
    where status = 'lost'

),

dropoffs as (

    select * from disqualified_leads
    union all
    select * from lost_deals

),

dropoffs_by_dimension as (

    select
        dropoffs.*,
        'total' as dimension_type,
        'all' as dimension_value
    from dropoffs
    union all
    select
        dropoffs.*,
        'channel' as dimension_type,
        dropoffs.channel_id as dimension_value
    from dropoffs

),

reason_counts as (

    select
        period_month,
        dimension_type,
        dimension_value,
        funnel_stage,
        dropoff_type,
        dropoff_reason,
        count(*) as dropoffs
    from dropoffs_by_dimension
    group by period_month, dimension_type, dimension_value, funnel_stage, dropoff_type, dropoff_reason

),

with_stage_totals as (

    select
        reason_counts.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        reason_counts.dimension_type,
        reason_counts.dimension_value,
        reason_counts.funnel_stage,
        reason_counts.dropoff_type,
        reason_counts.dropoff_reason,
        reason_counts.dropoffs,
        cast(
            sum(reason_counts.dropoffs)
                over (
                    partition by
                        reason_counts.period_month,
                        reason_counts.dimension_type,
                        reason_counts.dimension_value,
                        reason_counts.funnel_stage
                )
            as {{ dbt.type_bigint() }}
        ) as stage_dropoffs
    from reason_counts
    inner join months
        on reason_counts.period_month = months.period_month

),

final as (

    select
        with_stage_totals.*,
        {{ kpi_ratio('dropoffs', 'stage_dropoffs') }} as reason_share
    from with_stage_totals

)

select * from final
