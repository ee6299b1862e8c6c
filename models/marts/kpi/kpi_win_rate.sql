with

closed_deals as (

    -- final state as of the as-of date: open deals are out, a re-opened deal
    -- is one row in the month of its final close
    select
        opportunity_id,
        close_month as period_month,
        is_won,
        amount_reporting_at_close,
        owner_rep_id_at_close,
        team_id_at_close,
        segment,
        channel_id
    from {{ ref('fct_opportunities') }}
    where is_closed

),

months as (

    {{ kpi_months() }}

),

deal_dimensions as (

    {{ kpi_dimension_rows(
        'closed_deals',
        {'rep': "coalesce(owner_rep_id_at_close, 'unknown')", 'team': "coalesce(team_id_at_close, 'unknown')",
        'segment': "coalesce(segment, 'unknown')", 'channel': "coalesce(channel_id, 'unknown')"}
    ) }}

),

-- every value a breakdown can take (int_deal_dimension_members: a rep with no closed deal in a month still
-- has its row, 0 closed, win rate null) and every value a deal carries
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

closed as (

    select
        period_month,
        dimension_type,
        dimension_value,
        count(case when is_won then 1 end) as won_count,
        count(case when not is_won then 1 end) as lost_count,
        sum(case when is_won then amount_reporting_at_close else 0 end) as won_amount,
        sum(case when not is_won then amount_reporting_at_close else 0 end) as lost_amount
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
        coalesce(closed.won_count, 0) as won_count,
        coalesce(closed.lost_count, 0) as lost_count,
        coalesce(closed.won_amount, 0) as won_amount,
        coalesce(closed.lost_amount, 0) as lost_amount
    from months
    cross join dimension_members
    left join closed
        on
            months.period_month = closed.period_month
            and dimension_members.dimension_type = closed.dimension_type
            and dimension_members.dimension_value = closed.dimension_value

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        won_count,
        lost_count,
        won_count + lost_count as closed_count,
        {{ kpi_ratio('won_count', 'won_count + lost_count') }} as win_rate_count,
        {{ kpi_money('won_amount') }} as won_amount,
        {{ kpi_money('lost_amount') }} as lost_amount,
        {{ kpi_money('won_amount + lost_amount') }} as closed_amount,
        {{ kpi_ratio('won_amount', 'won_amount + lost_amount') }} as win_rate_amount
    from monthly

)

select * from final
