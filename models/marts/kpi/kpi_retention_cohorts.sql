{{ config(enabled=kpi_areas_enabled('billing')) }}
with

customers as (

    select
        customer_id,
        acquisition_month,
        acquisition_channel_id
    from {{ ref('fct_customers') }}
    where acquisition_month is not null

),

customer_months as (

    select
        customer_id,
        period_month,
        valuation_date,
        mrr,
        currency,
        mrr_reporting,
        is_active
    from {{ ref('fct_customer_months') }}

),

months as (

    {{ kpi_months('dim_date') }}

),

-- the customer's acquisition month: cohort size and the MRR base
acquisition_months as (

    select
        customers.customer_id,
        customers.acquisition_month,
        customers.acquisition_channel_id,
        customer_months.valuation_date as base_valuation_date,
        customer_months.mrr_reporting as base_mrr
    from customers
    inner join customer_months
        on
            customers.customer_id = customer_months.customer_id
            and customers.acquisition_month = customer_months.period_month

),

-- each later month of the customer, its MRR valued at the rate of the
-- acquisition month's valuation date (constant currency)
cohort_customer_months as (

    select
        acquisition_months.customer_id,
        acquisition_months.acquisition_month as cohort_month,
        acquisition_months.acquisition_channel_id,
        customer_months.period_month,
        customer_months.is_active,
        case
            when customer_months.is_active
                then {{ to_reporting_currency('customer_months.mrr', 'customer_months.currency', 'fx_at_base') }}
            else 0
        end as mrr_at_base_rate
    from acquisition_months
    inner join customer_months
        on
            acquisition_months.customer_id = customer_months.customer_id
            and acquisition_months.acquisition_month <= customer_months.period_month
    {{ join_fx_rate('fx_at_base', 'customer_months.currency', 'acquisition_months.base_valuation_date') }}

),

cohort_dimensions as (

    select
        'total' as dimension_type,
        'all' as dimension_value,
        cohort_month,
        period_month,
        is_active,
        mrr_at_base_rate
    from cohort_customer_months
    union all
    select
        'channel' as dimension_type,
        coalesce(acquisition_channel_id, 'unknown') as dimension_value,
        cohort_month,
        period_month,
        is_active,
        mrr_at_base_rate
    from cohort_customer_months

),

cohort_sizes as (

    select
        'total' as dimension_type,
        'all' as dimension_value,
        acquisition_month as cohort_month,
        count(*) as customers_acquired,
        sum(base_mrr) as cohort_starting_mrr
    from acquisition_months
    group by acquisition_month
    union all
    select
        'channel' as dimension_type,
        coalesce(acquisition_channel_id, 'unknown') as dimension_value,
        acquisition_month as cohort_month,
        count(*) as customers_acquired,
        sum(base_mrr) as cohort_starting_mrr
    from acquisition_months
    group by coalesce(acquisition_channel_id, 'unknown'), acquisition_month

),

cohort_activity as (

    select
        dimension_type,
        dimension_value,
        cohort_month,
        period_month,
        count(case when is_active then 1 end) as active_customers,
        sum(mrr_at_base_rate) as retained_mrr
    from cohort_dimensions
    group by dimension_type, dimension_value, cohort_month, period_month

),

-- every acquisition channel, so a channel without customers still shows
dimension_members as (

    select
        'total' as dimension_type,
        'all' as dimension_value
    union distinct
    select
        'channel' as dimension_type,
        channel_id as dimension_value
    from {{ ref('dim_channels') }}
    where channel_id != 'unattributed'
    union distinct
    select
        dimension_type,
        dimension_value
    from cohort_sizes

),

-- every acquisition month with every month from it to the as-of month
cohort_spine as (

    select
        cohort_months.period_month as cohort_month,
        observed_months.period_month,
        observed_months.fiscal_year,
        observed_months.fiscal_quarter,
        {{ dbt.datediff('cohort_months.period_month', 'observed_months.period_month', 'month') }}
            as months_since_acquisition
    from months as cohort_months
    inner join months as observed_months
        on cohort_months.period_month <= observed_months.period_month

),

cohort_cells as (

    select
        cohort_spine.cohort_month,
        -- dbt.datediff gives a numeric on PostgreSQL
        cast(cohort_spine.months_since_acquisition as {{ dbt.type_int() }}) as months_since_acquisition,
        cohort_spine.period_month,
        cohort_spine.fiscal_year,
        cohort_spine.fiscal_quarter,
        dimension_members.dimension_type,
        dimension_members.dimension_value,
        coalesce(cohort_sizes.customers_acquired, 0) as customers_acquired,
        coalesce(cohort_activity.active_customers, 0) as active_customers,
        coalesce(cohort_sizes.cohort_starting_mrr, 0) as cohort_starting_mrr,
        coalesce(cohort_activity.retained_mrr, 0) as retained_mrr
    from cohort_spine
    cross join dimension_members
    left join cohort_sizes
        on
            cohort_spine.cohort_month = cohort_sizes.cohort_month
            and dimension_members.dimension_type = cohort_sizes.dimension_type
            and dimension_members.dimension_value = cohort_sizes.dimension_value
    left join cohort_activity
        on
            cohort_spine.cohort_month = cohort_activity.cohort_month
            and cohort_spine.period_month = cohort_activity.period_month
            and dimension_members.dimension_type = cohort_activity.dimension_type
            and dimension_members.dimension_value = cohort_activity.dimension_value

),

final as (

    select
        cohort_month,
        months_since_acquisition,
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        customers_acquired,
        active_customers,
        {{ kpi_ratio('active_customers', 'customers_acquired') }} as customer_retention_rate,
        {{ kpi_money('cohort_starting_mrr') }} as cohort_starting_mrr,
        {{ kpi_money('retained_mrr') }} as retained_mrr,
        {{ kpi_ratio('retained_mrr', 'cohort_starting_mrr') }} as mrr_retention_rate
    from cohort_cells

)

select * from final
