{{ config(severity='warn') }}
-- Over all months, every model's attributed new customers equal the new customers of fct_customers (the
-- count behind the blended CAC of kpi_cac). Monthly counts may differ (deal close month vs first-MRR month),
-- and a won deal whose subscription has not started yet is not a customer yet: hence a warning, not an error.
-- A data set without a billing system (optional in the contract) has no customers to compare with: no warning.
with

customers as (

    select count(*) as new_customers
    from {{ ref('fct_customers') }}
    where acquisition_month is not null

),

attributed as (

    select
        attribution_model,
        sum(attributed_new_customers) as attributed_new_customers
    from {{ ref('kpi_attributed_acquisition') }}
    where dimension_type = 'total'
    group by attribution_model

)

select
    attributed.attribution_model,
    attributed.attributed_new_customers,
    customers.new_customers
from attributed
cross join customers
where
    customers.new_customers > 0
    and abs(attributed.attributed_new_customers - customers.new_customers) > 1e-6
