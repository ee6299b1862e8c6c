{{ config(enabled=kpi_areas_enabled('billing')) }}
with

movements as (

    select * from {{ ref('int_customer_mrr_movements') }}

),

customers as (

    select
        customer_id,
        segment,
        acquisition_channel_id
    from {{ ref('fct_customers') }}

),

months as (

    {{ kpi_months('dim_date') }}

),

customer_movements as (

    select
        movements.*,
        customers.segment,
        customers.acquisition_channel_id
    from movements
    left join customers
        on movements.customer_id = customers.customer_id

),

movement_dimensions as (

    {{ kpi_dimension_rows(
        'customer_movements',
        {'segment': "coalesce(segment, 'unknown')", 'channel': "coalesce(acquisition_channel_id, 'unknown')"}
    ) }}

),

-- every value a breakdown can take (int_customer_dimension_members: a channel without customers still has
-- its rows, with 0) and every value a customer carries
dimension_members as (

    select
        dimension_type,
        dimension_value
    from {{ ref('int_customer_dimension_members') }}
    union distinct
    select
        dimension_type,
        dimension_value
    from movement_dimensions

),

bridge as (

    select
        period_month,
        dimension_type,
        dimension_value,
        sum(start_mrr_reporting) as starting_mrr,
        sum(new_mrr) as new_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churned_mrr) as churned_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(fx_effect_mrr) as fx_effect_mrr,
        sum(end_mrr_reporting) as ending_mrr,
        count(case when is_active_at_start then 1 end) as customers_at_start,
        count(case when is_active_at_end then 1 end) as customers
    from movement_dimensions
    group by period_month, dimension_type, dimension_value

),

final as (

    select
        months.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        dimension_members.dimension_type,
        dimension_members.dimension_value,
        {{ kpi_money('coalesce(bridge.starting_mrr, 0)') }} as starting_mrr,
        {{ kpi_money('coalesce(bridge.new_mrr, 0)') }} as new_mrr,
        {{ kpi_money('coalesce(bridge.expansion_mrr, 0)') }} as expansion_mrr,
        {{ kpi_money('coalesce(bridge.contraction_mrr, 0)') }} as contraction_mrr,
        {{ kpi_money('coalesce(bridge.churned_mrr, 0)') }} as churned_mrr,
        {{ kpi_money('coalesce(bridge.reactivation_mrr, 0)') }} as reactivation_mrr,
        {{ kpi_money('coalesce(bridge.fx_effect_mrr, 0)') }} as fx_effect_mrr,
        {{ kpi_money('coalesce(bridge.ending_mrr, 0)') }} as ending_mrr,
        coalesce(bridge.customers_at_start, 0) as customers_at_start,
        coalesce(bridge.customers, 0) as customers
    from months
    cross join dimension_members
    left join bridge
        on
            months.period_month = bridge.period_month
            and dimension_members.dimension_type = bridge.dimension_type
            and dimension_members.dimension_value = bridge.dimension_value

)

select * from final
