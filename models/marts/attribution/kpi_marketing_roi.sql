{#-
    Marketing ROI and ROAS per month x dimension x attribution model. Spend is media spend
    (fct_marketing_spend_daily, reporting currency), the same spend as kpi_cost_per_lead / kpi_cost_per_opportunity.
    Attributed revenue is the won-deal credit of fct_attribution_credit (closed-won bookings at the close-date
    rate, credited to the touches before the close). Full outer coverage: every month x every dimension value
    with any spend or any credit x every model, zeros where a side is missing, so spend without revenue gives
    ROI -1 and revenue without spend gives NULL. The rows are computed in int_marketing_roi_monthly, which
    kpi_attributed_acquisition shares.
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
with

marketing_roi as (

    select * from {{ ref('int_marketing_roi_monthly') }}

),

final as (

    select * from marketing_roi

)

select * from final
