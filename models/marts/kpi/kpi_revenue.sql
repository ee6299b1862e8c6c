with

won_deals as (

    -- final state as of the as-of date: a re-opened deal is one row, at its final close
    select
        opportunity_id,
        close_month as period_month,
        amount_reporting_at_close,
        owner_rep_id_at_close,
        team_id_at_close,
        segment,
        channel_id
    from {{ ref('fct_opportunities') }}
    where is_won

),

months as (

    {{ kpi_months() }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

deal_dimensions as (

    {{ kpi_dimension_rows(
        'won_deals',
        {'rep': "coalesce(owner_rep_id_at_close, 'unknown')", 'team': "coalesce(team_id_at_close, 'unknown')",
        'segment': "coalesce(segment, 'unknown')", 'channel': "coalesce(channel_id, 'unknown')"}
    ) }}

),

-- every value a breakdown can take (int_deal_dimension_members) and every value a deal carries
dimension_members as (

    select
        dimension_type,
        dimension_value
    from {{ ref('int_deal_dimension_members') }}
    union distinct
    select
        dimension_type,
        dimension_value
    from deal_dimensions

),

bookings as (

    select
        period_month,
        dimension_type,
        dimension_value,
        sum(amount_reporting_at_close) as revenue,
        count(*) as won_deals
    from deal_dimensions
    group by period_month, dimension_type, dimension_value

),

monthly as (

    select
        months.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        dimension_members.dimension_type,
        dimension_members.dimension_value,
        coalesce(bookings.revenue, 0) as revenue,
        coalesce(bookings.won_deals, 0) as won_deals
    from months
    cross join dimension_members
    left join bookings
        on
            months.period_month = bookings.period_month
            and dimension_members.dimension_type = bookings.dimension_type
            and dimension_members.dimension_value = bookings.dimension_value

),

-- the comparison months are looked up by date, not by row position; a month
-- before the first month with data has no row, so its value is unknown (null)
final as (

    select
        monthly.period_month,
        monthly.fiscal_year,
        monthly.fiscal_quarter,
        monthly.dimension_type,
        monthly.dimension_value,
        as_of.as_of_date < {{ dbt.last_day('monthly.period_month', 'month') }} as is_partial_month,
        {{ kpi_money('monthly.revenue') }} as revenue,
        monthly.won_deals,
        {{ kpi_money('previous_month.revenue') }} as revenue_prev_month,
        {{ kpi_money('monthly.revenue - previous_month.revenue') }} as revenue_change_vs_prev_month,
        {{ kpi_ratio('monthly.revenue - previous_month.revenue', 'previous_month.revenue') }}
            as revenue_growth_vs_prev_month,
        {{ kpi_money('last_year.revenue') }} as revenue_same_month_last_year,
        {{ kpi_money('monthly.revenue - last_year.revenue') }} as revenue_change_vs_last_year,
        {{ kpi_ratio('monthly.revenue - last_year.revenue', 'last_year.revenue') }}
            as revenue_growth_vs_last_year
    from monthly
    cross join as_of
    left join monthly as previous_month
        on
            monthly.dimension_type = previous_month.dimension_type
            and monthly.dimension_value = previous_month.dimension_value
            and previous_month.period_month = cast({{ dbt.dateadd('month', -1, 'monthly.period_month') }} as date)
    left join monthly as last_year
        on
            monthly.dimension_type = last_year.dimension_type
            and monthly.dimension_value = last_year.dimension_value
            and last_year.period_month = cast({{ dbt.dateadd('month', -12, 'monthly.period_month') }} as date)

)

select * from final
