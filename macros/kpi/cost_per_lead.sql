{#-
    cost_per_lead_ctes(): the CTEs of the cost-per-lead mart, ending with
    `cost_per_lead` (one row per month x dimension: total, channel, campaign;
    marketing spend, new leads, CPL). kpi_cost_per_lead selects it as it is;
    kpi_cost_per_opportunity adds the opportunities to the same rows, so the two
    marts share one spine and one spend side without one mart reading the
    other. Each CTE ends with a comma: the caller follows with its own.
-#}
{% macro cost_per_lead_ctes() -%}
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

    select
        period_month,
        'total' as dimension_type,
        'all' as dimension_value,
        spend_amount_reporting
    from spend
    union all
    select
        period_month,
        'channel' as dimension_type,
        channel_id as dimension_value,
        spend_amount_reporting
    from spend
    union all
    select
        period_month,
        'campaign' as dimension_type,
        campaign_id as dimension_value,
        spend_amount_reporting
    from spend

),

leads_by_dimension as (

    select
        period_month,
        'total' as dimension_type,
        'all' as dimension_value
    from leads
    union all
    select
        period_month,
        'channel' as dimension_type,
        channel_id as dimension_value
    from leads
    union all
    select
        period_month,
        'campaign' as dimension_type,
        campaign_id as dimension_value
    from leads

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

cost_per_lead as (

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

),
{%- endmacro %}
