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
        movements.period_month,
        movements.is_active_at_start,
        movements.is_active_at_end,
        movements.is_new,
        movements.is_reactivated,
        movements.is_churned,
        movements.start_mrr_reporting,
        movements.retained_mrr,
        movements.retained_mrr_capped,
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

-- every value a breakdown can take, so a channel without customers still has
-- its rows (0 customers, rates null)
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

counts as (

    select
        period_month,
        dimension_type,
        dimension_value,
        count(case when is_active_at_start then 1 end) as customers_at_start,
        count(case when is_active_at_end then 1 end) as customers_at_end,
        count(case when is_new or is_reactivated then 1 end) as new_customers,
        count(case when is_reactivated then 1 end) as reactivated_customers,
        count(case when is_churned then 1 end) as churned_customers,
        sum(start_mrr_reporting) as mrr_at_start,
        sum(retained_mrr_capped) as retained_mrr_capped,
        sum(retained_mrr) as retained_mrr
    from movement_dimensions
    group by period_month, dimension_type, dimension_value

),

monthly as (

    select
        months.period_month,
        months.fiscal_year,
        months.fiscal_quarter,
        dimension_members.dimension_type,
        dimension_members.dimension_value,
        coalesce(counts.customers_at_start, 0) as customers_at_start,
        coalesce(counts.customers_at_end, 0) as customers_at_end,
        coalesce(counts.new_customers, 0) as new_customers,
        coalesce(counts.reactivated_customers, 0) as reactivated_customers,
        coalesce(counts.churned_customers, 0) as churned_customers,
        coalesce(counts.mrr_at_start, 0) as mrr_at_start,
        coalesce(counts.retained_mrr_capped, 0) as retained_mrr_capped,
        coalesce(counts.retained_mrr, 0) as retained_mrr
    from months
    cross join dimension_members
    left join counts
        on
            months.period_month = counts.period_month
            and dimension_members.dimension_type = counts.dimension_type
            and dimension_members.dimension_value = counts.dimension_value

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        customers_at_start,
        customers_at_end,
        new_customers,
        reactivated_customers,
        churned_customers,
        customers_at_end - new_customers as retained_customers,
        {{ kpi_ratio('customers_at_end - new_customers', 'customers_at_start') }} as logo_retention,
        {{ kpi_decimal('1 - ' ~ kpi_ratio('customers_at_end - new_customers', 'customers_at_start')) }} as logo_churn,
        {{ kpi_money('mrr_at_start') }} as mrr_at_start,
        {{ kpi_money('retained_mrr_capped') }} as retained_mrr_capped,
        {{ kpi_ratio('retained_mrr_capped', 'mrr_at_start') }} as gross_revenue_retention,
        {{ kpi_money('retained_mrr') }} as retained_mrr,
        {{ kpi_ratio('retained_mrr', 'mrr_at_start') }} as net_revenue_retention
    from monthly

)

select * from final
