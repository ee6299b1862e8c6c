-- New MQLs per month, in total and per channel (event view; int_lead_funnel_monthly).
with

funnel as (

    select * from {{ ref('int_lead_funnel_monthly') }}

),

final as (

    select
        period_month,
        fiscal_year,
        fiscal_quarter,
        dimension_type,
        dimension_value,
        new_mqls,
        actual_mqls,
        inferred_mqls
    from funnel

)

select * from final
