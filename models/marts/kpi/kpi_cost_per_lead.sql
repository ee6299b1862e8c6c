{#-
    Cost per lead: marketing spend / new leads, per month, in total, per channel and per campaign. The rows are
    computed in int_cost_per_lead_monthly, which kpi_cost_per_opportunity shares.
-#}
with

cost_per_lead as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        marketing_spend,
        new_leads,
        cost_per_lead
    from {{ ref('int_cost_per_lead_monthly') }}

),

final as (

    select * from cost_per_lead

)

select * from final
