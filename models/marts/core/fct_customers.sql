{#-
    One row per customer (macros/kpi/customers_acquired.sql, shared with
    fct_customer_months).
-#}
with

{{ customers_acquired_ctes() }}

final as (

    select * from customers_acquired

)

select * from final
