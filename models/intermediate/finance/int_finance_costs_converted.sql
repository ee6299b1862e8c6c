{#-
    Sales and marketing costs from finance (salaries, commissions, tools,
    agencies: everything but media spend), one row per cost row, converted to
    the reporting currency. A cost is booked per month, so its dated rate is
    the rate of cost_month (the first day of the month; the latest earlier
    quote when that day has none). Months after the as-of month are ignored.
-#}
{{ config(enabled=kpi_areas_enabled('finance')) }}
with

costs as (

    select * from {{ ref('stg_finance__costs') }}
    where cost_month <= {{ as_of_date() }}

),

final as (

    select
        costs.cost_id,
        costs.cost_month,
        costs.department,
        costs.cost_category,
        costs.currency,
        costs.amount,
        {{ to_reporting_currency('costs.amount', 'costs.currency', 'fx_at_cost_month') }} as amount_reporting
    from costs
    {{ join_fx_rate('fx_at_cost_month', 'costs.currency', 'costs.cost_month') }}

)

select * from final
