-- kpi_attributed_acquisition: per model and month, the channel rows sum to the total row, and the total
-- equals the won deals (close month) and opportunities created (created month) of fct_opportunities.
-- Same spend on the channel rows as on the total (every spend row has a channel).
with

acquisition as (

    select * from {{ ref('kpi_attributed_acquisition') }}

),

opportunities as (

    select
        created_month,
        close_month,
        is_won
    from {{ ref('fct_opportunities') }}

),

won_monthly as (

    select
        close_month as period_month,
        count(*) as won_deals
    from opportunities
    where is_won
    group by close_month

),

created_monthly as (

    select
        created_month as period_month,
        count(*) as opportunities_created
    from opportunities
    group by created_month

),

channel_sums as (

    select
        period_month,
        attribution_model,
        sum(marketing_spend) as marketing_spend,
        sum(attributed_new_customers) as attributed_new_customers,
        sum(attributed_opportunities) as attributed_opportunities
    from acquisition
    where dimension_type = 'channel'
    group by period_month, attribution_model

),

totals as (

    select
        period_month,
        attribution_model,
        marketing_spend,
        attributed_new_customers,
        attributed_opportunities
    from acquisition
    where dimension_type = 'total'

),

compared as (

    select
        totals.period_month,
        totals.attribution_model,
        totals.marketing_spend,
        channel_sums.marketing_spend as channel_marketing_spend,
        totals.attributed_new_customers,
        channel_sums.attributed_new_customers as channel_new_customers,
        coalesce(won_monthly.won_deals, 0) as won_deals,
        totals.attributed_opportunities,
        channel_sums.attributed_opportunities as channel_opportunities,
        coalesce(created_monthly.opportunities_created, 0) as opportunities_created
    from totals
    left join channel_sums
        on
            totals.period_month = channel_sums.period_month
            and totals.attribution_model = channel_sums.attribution_model
    left join won_monthly
        on totals.period_month = won_monthly.period_month
    left join created_monthly
        on totals.period_month = created_monthly.period_month

)

select * from compared
where
    abs(marketing_spend - coalesce(channel_marketing_spend, 0)) > 0.01
    or abs(attributed_new_customers - coalesce(channel_new_customers, 0)) > 1e-6
    or abs(attributed_new_customers - won_deals) > 1e-6
    or abs(attributed_opportunities - coalesce(channel_opportunities, 0)) > 1e-6
    or abs(attributed_opportunities - opportunities_created) > 1e-6
