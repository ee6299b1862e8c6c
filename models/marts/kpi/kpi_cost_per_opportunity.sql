with

-- spend, leads and CPL per month and dimension: the same spine and spend side as kpi_cost_per_lead
cost_per_lead as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        marketing_spend,
        new_leads,
        cost_per_lead
    from {{ ref('int_cost_per_lead_monthly') }}

),

opportunities as (

    select
        created_month as period_month,
        channel_id,
        coalesce(campaign_id, 'no_campaign') as campaign_id
    from {{ ref('fct_opportunities') }}

),

opportunities_by_dimension as (

    {{ kpi_dimension_rows('opportunities', {'channel': 'channel_id', 'campaign': 'campaign_id'}) }}

),

opportunities_monthly as (

    select
        period_month,
        dimension_type,
        dimension_value,
        count(*) as new_opportunities
    from opportunities_by_dimension
    group by period_month, dimension_type, dimension_value

),

final as (

    select
        cost_per_lead.period_month,
        cost_per_lead.fiscal_year,
        cost_per_lead.fiscal_quarter,
        cost_per_lead.dimension_type,
        cost_per_lead.dimension_value,
        cost_per_lead.marketing_spend,
        coalesce(opportunities_monthly.new_opportunities, 0) as new_opportunities,
        {{ kpi_ratio('cost_per_lead.marketing_spend', 'coalesce(opportunities_monthly.new_opportunities, 0)') }}
            as cost_per_opportunity,
        cost_per_lead.new_leads,
        cost_per_lead.cost_per_lead
    from cost_per_lead
    left join opportunities_monthly
        on
            cost_per_lead.period_month = opportunities_monthly.period_month
            and cost_per_lead.dimension_type = opportunities_monthly.dimension_type
            and cost_per_lead.dimension_value = opportunities_monthly.dimension_value

)

select * from final
