-- kpi_revenue and kpi_win_rate count the same won deals: on every row the
-- revenue equals won_amount and won_deals equals won_count
select
    revenue.period_month,
    revenue.dimension_type,
    revenue.dimension_value
from {{ ref('kpi_revenue') }} as revenue
full outer join {{ ref('kpi_win_rate') }} as win_rate
    on
        revenue.period_month = win_rate.period_month
        and revenue.dimension_type = win_rate.dimension_type
        and revenue.dimension_value = win_rate.dimension_value
where
    revenue.period_month is null
    or win_rate.period_month is null
    or revenue.won_deals != win_rate.won_count
    or abs(revenue.revenue - win_rate.won_amount) > 0.001
