{#-
    One row per customer x month of its subscription life (int_customer_months)
    with the customer's acquisition month, channel and segment (int_customers_acquired, as in
    fct_customers).
-#}
{{ config(enabled=kpi_areas_enabled('billing')) }}
with

customer_months as (

    select * from {{ ref('int_customer_months') }}

),

acquisitions as (

    select
        customer_id,
        acquisition_month,
        acquisition_channel_id,
        segment
    from {{ ref('int_customers_acquired') }}

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
        acquisitions.acquisition_month,
        acquisitions.acquisition_channel_id,
        acquisitions.segment,
        {{ dbt.datediff('acquisitions.acquisition_month', 'customer_months.period_month', 'month') }}
            as months_since_acquisition
    from customer_months
    left join acquisitions
        on customer_months.customer_id = acquisitions.customer_id

)

select * from final
