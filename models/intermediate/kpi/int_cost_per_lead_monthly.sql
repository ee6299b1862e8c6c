{#-
    Marketing spend, new leads and cost per lead per month, in total, per channel and per campaign: one row per
    month x dimension value with any spend or any lead (full outer coverage: a month without either is a row of
    zeros). kpi_cost_per_lead publishes it; kpi_cost_per_opportunity adds the deals to the same rows, so the two
    marts share one spine and one spend side without one mart reading the other.
-#}
with

months as (

    {{ kpi_months() }}

),

spend as (

    select
        spend_month as period_month,
        channel_id,
        campaign_id,
        spend_amount_reporting
    from {{ ref('fct_marketing_spend_daily') }}

),

leads as (

    select
        created_month as period_month,
        channel_id,
        -- leads without a campaign (organic, direct...) get their own bucket, so campaign rows add up to the total
        coalesce(campaign_id, 'no_campaign') as campaign_id
    from {{ ref('fct_leads') }}

),

spend_by_dimension as (

    {{ kpi_dimension_rows('spend', {'channel': 'channel_id', 'campaign': 'campaign_id'}) }}

),

leads_by_dimension as (

    {{ kpi_dimension_rows('leads', {'channel': 'channel_id', 'campaign': 'campaign_id'}) }}

),

spend_monthly as (

    select
        period_month,
        dimension_type,
        dimension_value,
        sum(spend_amount_reporting) as marketing_spend
    from spend_by_dimension
    group by period_month, dimension_type, dimension_value

),

leads_monthly as (

    select
        period_month,
        dimension_type,
        dimension_value,
        count(*) as new_leads
    from leads_by_dimension
    group by period_month, dimension_type, dimension_value

),

-- every dimension value with any spend or any lead, in any month, plus the total
dimensions as (

    select
        'total' as dimension_type,
        'all' as dimension_value
    union
    select
        dimension_type,
        dimension_value
    from spend_monthly
    union
    select
        dimension_type,
        dimension_value
    from leads_monthly

),

spine as (

    {{ kpi_month_spine() }}

),

final as (

    select
        spine.period_month,
        spine.fiscal_year,
        spine.fiscal_quarter,
        spine.dimension_type,
        spine.dimension_value,
        {{ kpi_money('coalesce(spend_monthly.marketing_spend, 0)') }} as marketing_spend,
        coalesce(leads_monthly.new_leads, 0) as new_leads,
        {{ kpi_ratio('coalesce(spend_monthly.marketing_spend, 0)', 'coalesce(leads_monthly.new_leads, 0)') }}
            as cost_per_lead
    from spine
    left join spend_monthly
        on
            spine.period_month = spend_monthly.period_month
            and spine.dimension_type = spend_monthly.dimension_type
            and spine.dimension_value = spend_monthly.dimension_value
    left join leads_monthly
        on
            spine.period_month = leads_monthly.period_month
            and spine.dimension_type = leads_monthly.dimension_type
            and spine.dimension_value = leads_monthly.dimension_value

)

select * from final
