{#-
    Acquisition cost per channel through attribution, per month x dimension
    (total, channel_group, channel) x attribution model:
      channel CAC          = media spend / attributed new customers (won deals)
      cost per opportunity = media spend / attributed opportunities created
    Built on the rows of int_marketing_roi_monthly (also kpi_marketing_roi's),
    which hold the spine, the spend and the attributed counts. Attributed counts summed over the channels of a
    month equal the month's won deals / created opportunities in every model
    (the unattributed bucket included), so the channel rows reconcile with
    the total. Media spend only: salaries, tools and agency costs (in the
    blended CAC of kpi_cac) are not channel costs and are not allocated.
-#}
{{ config(enabled=kpi_areas_enabled('attribution')) }}
with

acquisition_rows as (

    select * from {{ ref('int_marketing_roi_monthly') }}
    where dimension_type in ('total', 'channel_group', 'channel')

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        attribution_model,
        is_default_model,
        marketing_spend,
        -- one won deal = one new customer (the first deal of the lead's account)
        attributed_deals as attributed_new_customers,
        attributed_opportunities,
        attributed_revenue,
        -- CAC through attribution = media spend / attributed new customers
        marketing_spend as cac_numerator,
        attributed_deals as cac_denominator,
        {{ attribution_ratio('marketing_spend', 'attributed_deals') }} as cac,
        -- cost per opportunity through attribution = media spend / attributed opportunities created
        marketing_spend as cost_per_opportunity_numerator,
        attributed_opportunities as cost_per_opportunity_denominator,
        {{ attribution_ratio('marketing_spend', 'attributed_opportunities') }} as cost_per_opportunity
    from acquisition_rows

)

select * from final
