with

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

customers as (

    select
        customer_id,
        acquisition_month,
        acquisition_channel_id,
        segment
    from {{ ref('fct_customers') }}

),

final as (

    select
        customer_months.customer_id,
        customer_months.period_month,
        customer_months.valuation_date,
        customer_months.mrr,
        customer_months.currency,
        customer_months.mrr_reporting,
        customer_months.is_active,
        customer_months.was_active_prev_month,
        customer_months.mrr_prev_month_reporting,
        customer_months.is_new,
        customer_months.is_reactivated,
        customer_months.is_churned,
        customers.acquisition_month,
        customers.acquisition_channel_id,
        customers.segment,
        {{ dbt.datediff('customers.acquisition_month', 'customer_months.period_month', 'month') }}
            as months_since_acquisition
    from customer_months
    left join customers
        on customer_months.customer_id = customers.customer_id

)

select * from final
