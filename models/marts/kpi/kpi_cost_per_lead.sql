{#-
    Cost per lead: marketing spend / new leads, per month, in total, per
    channel and per campaign (macros/kpi/cost_per_lead.sql, shared with
    kpi_cost_per_opportunity).
-#}
with

{{ cost_per_lead_ctes() }}

final as (

    select * from cost_per_lead

)

select * from final
