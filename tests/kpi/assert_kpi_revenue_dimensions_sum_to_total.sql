-- every breakdown of kpi_revenue and kpi_win_rate adds up to the total of its
-- month (deals without a rep, team, segment or channel are under 'unknown')
with

revenue_sums as (

    select
        period_month,
        dimension_type,
        sum(revenue) as amount,
        sum(won_deals) as deals
    from {{ ref('kpi_revenue') }}
    group by period_month, dimension_type

),

win_rate_sums as (

    select
        period_month,
        dimension_type,
        sum(closed_amount) as amount,
        sum(closed_count) as deals
    from {{ ref('kpi_win_rate') }}
    group by period_month, dimension_type

),

checks as (

    select
        'kpi_revenue' as mart,
        breakdown.period_month,
        breakdown.dimension_type
    from revenue_sums as breakdown
    inner join revenue_sums as total
        on
            breakdown.period_month = total.period_month
            and total.dimension_type = 'total'
    where
        breakdown.deals != total.deals
        or abs(breakdown.amount - total.amount) > 0.001

    union all

    select
        'kpi_win_rate' as mart,
        breakdown.period_month,
        breakdown.dimension_type
    from win_rate_sums as breakdown
    inner join win_rate_sums as total
        on
            breakdown.period_month = total.period_month
            and total.dimension_type = 'total'
    where
        breakdown.deals != total.deals
        or abs(breakdown.amount - total.amount) > 0.001

)

select * from checks
