{{ config(enabled=kpi_areas_enabled(['billing', 'finance'])) }}
with

months as (

    {{ kpi_months('dim_date') }}

),

spend as (

    select
        spend_month as period_month,
        is_paid,
        spend_amount_reporting
    from {{ ref('fct_marketing_spend_daily') }}

),

costs as (

    select
        cost_month as period_month,
        department,
        amount_reporting
    from {{ ref('int_finance_costs_converted') }}

),

channels as (

    select
        channel_id,
        is_paid
    from {{ ref('dim_channels') }}

),

-- acquired: the customer's first month with MRR > 0; a reactivation is not a new acquisition
customers as (

    select
        customer_id,
        acquisition_month as period_month,
        acquisition_channel_id
    from {{ ref('fct_customers') }}
    where acquisition_month is not null

),

spend_monthly as (

    select
        period_month,
        sum(spend_amount_reporting) as media_spend,
        sum(case when is_paid then spend_amount_reporting else 0 end) as paid_media_spend
    from spend
    group by period_month

),

costs_monthly as (

    select
        period_month,
        sum(case when department = 'marketing' then amount_reporting else 0 end) as marketing_costs,
        sum(case when department = 'sales' then amount_reporting else 0 end) as sales_costs
    from costs
    group by period_month

),

customers_monthly as (

    select
        customers.period_month,
        count(*) as new_customers,
        count(case when channels.is_paid then 1 end) as new_paid_customers
    from customers
    left join channels
        on customers.acquisition_channel_id = channels.channel_id
    group by customers.period_month

),

components as (

    select
        months.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        coalesce(spend_monthly.media_spend, 0) as media_spend,
        coalesce(costs_monthly.marketing_costs, 0) as marketing_costs,
        coalesce(spend_monthly.media_spend, 0) + coalesce(costs_monthly.marketing_costs, 0) as total_marketing_cost,
        coalesce(costs_monthly.sales_costs, 0) as sales_costs,
        coalesce(spend_monthly.media_spend, 0)
        + coalesce(costs_monthly.marketing_costs, 0)
        + coalesce(costs_monthly.sales_costs, 0) as acquisition_cost,
        coalesce(customers_monthly.new_customers, 0) as new_customers,
        coalesce(spend_monthly.paid_media_spend, 0) as paid_media_spend,
        coalesce(customers_monthly.new_paid_customers, 0) as new_paid_customers
    from months
    left join spend_monthly
        on months.period_month = spend_monthly.period_month
    left join costs_monthly
        on months.period_month = costs_monthly.period_month
    left join customers_monthly
        on months.period_month = customers_monthly.period_month

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        'total' as dimension_type,
        'all' as dimension_value,
        {{ kpi_money('media_spend') }} as media_spend,
        {{ kpi_money('marketing_costs') }} as marketing_costs,
        {{ kpi_money('total_marketing_cost') }} as total_marketing_cost,
        {{ kpi_money('sales_costs') }} as sales_costs,
        {{ kpi_money('acquisition_cost') }} as acquisition_cost,
        new_customers,
        {{ kpi_ratio('acquisition_cost', 'new_customers') }} as blended_cac,
        {{ kpi_money('paid_media_spend') }} as paid_media_spend,
        new_paid_customers,
        {{ kpi_ratio('paid_media_spend', 'new_paid_customers') }} as paid_cac
    from components

)

select * from final
