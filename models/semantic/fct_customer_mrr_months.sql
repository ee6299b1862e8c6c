{#-
    One row per customer and month (the rows of fct_customer_months) with
    the MRR bridge of int_customer_mrr_movements and the customer's
    acquisition channel and segment: the grain the retention and MRR metrics
    of the semantic layer aggregate (kpi_customer_retention and kpi_mrr sum
    the same columns).
-#}
{{ config(enabled=kpi_areas_enabled(['semantic_layer', 'billing'])) }}
with

movements as (

    select * from {{ ref('int_customer_mrr_movements') }}

),

customers as (

    select
        customer_id,
        acquisition_channel_id,
        segment
    from {{ ref('fct_customers') }}

),

final as (

    select
        -- ids
        {{ dbt.concat(['movements.customer_id', "':'", 'cast(movements.period_month as ' ~ dbt.type_string() ~ ')']) }}
            as customer_month_id,
        movements.customer_id,
        customers.acquisition_channel_id,
        customers.segment,
        -- dates
        movements.period_month,
        -- booleans
        movements.is_active_at_start,
        movements.is_active_at_end,
        movements.is_new,
        movements.is_reactivated,
        movements.is_churned,
        movements.movement_type,
        -- numerics (reporting currency)
        movements.start_mrr_reporting,
        movements.new_mrr,
        movements.expansion_mrr,
        movements.contraction_mrr,
        movements.churned_mrr,
        movements.reactivation_mrr,
        movements.end_mrr_reporting,
        movements.retained_mrr,
        movements.retained_mrr_capped
    from movements
    left join customers
        on movements.customer_id = customers.customer_id

)

select * from final
