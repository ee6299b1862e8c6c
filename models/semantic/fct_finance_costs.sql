{#-
    Sales and marketing costs other than media spend (salaries, commissions,
    tools, agencies), one row per cost row, converted to the reporting
    currency at the cost month's rate: int_finance_costs_converted exposed to
    the semantic layer (kpi_cac sums the same rows).
-#}
{{ config(enabled=kpi_areas_enabled(['semantic_layer', 'finance'])) }}
with

costs as (

    select * from {{ ref('int_finance_costs_converted') }}

),

final as (

    select
        cost_id,
        cost_month,
        department,
        cost_category,
        currency,
        amount,
        amount_reporting
    from costs

)

select * from final
